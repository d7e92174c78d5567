/**
 * Streaming age encryption and decryption as Node streams, with memory that stays flat whatever the size.
 *
 * typage's `Encrypter.encrypt` and `Decrypter.decrypt` take a WHATWG ReadableStream and return one that
 * encrypts or decrypts age's STREAM format chunk by chunk (64 KiB plaintext blocks, each authenticated on
 * its own). We bridge Node's async iterables to it with a *pull* source of high-water mark 0, so a chunk
 * is read from the input only when the cipher asks for one: backpressure runs end to end and at most a
 * few blocks are in memory at once.
 *
 * Decryption, like `age -d`, releases each block once it authenticates; a damaged or truncated file fails
 * at the first bad block, after the blocks before it were passed on. Callers that must not act on a
 * partial plaintext (a restore) stage it and commit only when the stream ends without error.
 */
import { Duplex, Readable } from 'node:stream';
import { StowageError } from '../core/errors.ts';
import { AGE_MAGIC, isAgeFile, isArmoredAgeFile, parseHeaderLines, stanzaKind } from './age-header.ts';
import type { AgeHeaderInfo } from './age-header.ts';
import type { DecryptionKeys } from './decryption-keys.ts';
import type { EncryptionKeys } from './encryption-keys.ts';
import { countKinds } from './encryption-keys.ts';

const BLOCK = 64 * 1024;
const BLOCK_ON_DISK = BLOCK + 16; // each block carries a Poly1305 tag
const NONCE = 16; // the payload nonce between the header and the first block

/**
 * A Duplex that age-encrypts what is written to it: a standard age file (binary, not armored) that
 * `age -d` decrypts. Each call makes a new file key. Use it in `pipeline(source, createEncryptStream(k), sink)`.
 */
export function createEncryptStream(keys: EncryptionKeys): Duplex {
  return Duplex.from(async function* (source: AsyncIterable<Uint8Array>) {
    const encrypted = await keys.encrypter().encrypt(pullStream(source).stream);
    yield* webChunks(encrypted);
  });
}

/**
 * Opens an age file for reading. Resolves once the header is read and a key opened it, so a wrong key is
 * refused before any plaintext flows; the Readable then yields the plaintext block by block.
 * `name` names the file in messages (a backup's URL, say).
 * @throws StowageError 'invalid': not an age file, an armored one, no key matches, wrong passphrase, a
 * work factor too high to try; 'failed': a damaged header. The Readable fails with StowageError 'failed'
 * ("damaged or cut short at byte N") at the first block that does not authenticate. Errors of `source`
 * itself (a network read, say) pass through unchanged.
 */
export async function openDecryptStream(
  source: AsyncIterable<Uint8Array>,
  keys: DecryptionKeys,
  name = 'the file',
): Promise<Readable> {
  const input = pullStream(source);
  const start = await input.peek(AGE_MAGIC.length);
  if (!isAgeFile(start)) throw notAgeFile(start, name);
  let plaintext: ReadableStream<Uint8Array>;
  try {
    plaintext = await keys.decrypter().decrypt(input.stream);
  } catch (error) {
    throw input.failure() ?? headerFailure(error, input.prefix(), input.ended(), keys, name);
  }
  const header = headerOf(input.prefix());
  return Readable.from(
    (async function* () {
      let delivered = 0;
      try {
        for await (const block of webChunks(plaintext)) {
          delivered += block.length;
          yield block;
        }
      } catch (error) {
        const sourceError = input.failure();
        if (sourceError) throw sourceError;
        // Blocks before the bad one authenticated: the damage is in the block after the last full one.
        const at = (header?.headerSize ?? 0) + NONCE + Math.floor(delivered / BLOCK) * BLOCK_ON_DISK;
        throw new StowageError(
          'failed',
          `${name} is damaged or cut short at byte ${at}: its data does not authenticate from there on`,
          {
            hint: 'the copy was altered or truncated in storage or transfer: restore from another copy of this backup, or an older backup',
            cause: error,
          },
        );
      }
    })(),
    { objectMode: false },
  );
}

function notAgeFile(start: Buffer, name: string): StowageError {
  if (isArmoredAgeFile(start)) {
    return new StowageError(
      'invalid',
      `${name} is an ASCII-armored age file (age -a), which Stowage does not read`,
      {
        hint: 'turn it into a binary age file first: `age -d` it and encrypt again without -a',
      },
    );
  }
  const what = start.length === 0 ? 'is empty, not an age-encrypted file' : 'is not an age-encrypted file';
  return new StowageError('invalid', `${name} ${what}`, {
    hint: 'an unencrypted backup needs no key: leave out --identity and --passphrase-file',
  });
}

/** The user's words for why the header did not open, from the stanza types and the keys given. */
function headerFailure(
  error: unknown,
  prefix: Buffer,
  ended: boolean,
  keys: DecryptionKeys,
  name: string,
): StowageError {
  const message = error instanceof Error ? error.message : String(error);
  let header: AgeHeaderInfo | undefined;
  try {
    header = parseHeaderLines(prefix);
  } catch {
    header = undefined;
  }
  if (!header)
    return damagedHeader(name, ended ? 'it ends inside its header' : 'its header is unreadable', error);
  if (message.includes('no identity matched')) return noMatch(header, keys, name);
  if (message.includes('work factor is too high')) {
    return new StowageError(
      'invalid',
      `${name} asks for a scrypt work factor above 2^20, which Stowage does not try`,
      {
        hint: 'such a file takes minutes and gigabytes to open: decrypt it by hand with `age -d`',
      },
    );
  }
  if (message.includes('stream ended')) return damagedHeader(name, 'it ends right after its header', error);
  if (message.includes('HMAC')) return damagedHeader(name, 'its header does not match its MAC', error);
  return damagedHeader(name, `its header is malformed (${message})`, error);
}

function damagedHeader(name: string, why: string, cause: unknown): StowageError {
  return new StowageError('failed', `${name} is damaged at byte 0: ${why}`, {
    hint: 'the copy was altered or truncated in storage or transfer: use another copy of this backup',
    cause,
  });
}

function noMatch(header: AgeHeaderInfo, keys: DecryptionKeys, name: string): StowageError {
  const byPassphrase = header.stanzaTypes.includes('scrypt');
  const encryptedTo = countKinds(header.stanzaTypes.map(stanzaKind));
  if (byPassphrase && keys.kinds.has('passphrase')) {
    return new StowageError('invalid', `wrong passphrase: the passphrase file does not open ${name}`, {
      hint: 'give the passphrase file this backup was made with',
    });
  }
  if (byPassphrase) {
    return new StowageError(
      'invalid',
      `${name} is encrypted with a passphrase, and no passphrase was given`,
      {
        hint: 'give --passphrase-file FILE with the passphrase it was made with',
      },
    );
  }
  if (keys.kinds.size === 1 && keys.kinds.has('passphrase')) {
    return new StowageError(
      'invalid',
      `${name} is encrypted to keys (${encryptedTo}), not with a passphrase`,
      {
        hint: 'give --identity FILE with the secret key of one of its recipients',
      },
    );
  }
  return new StowageError(
    'invalid',
    `no identity matches ${name}: it was encrypted to other recipients (${encryptedTo})`,
    {
      hint: 'give --identity with the secret key of one of the recipients it was made for (your offline recovery key, perhaps)',
    },
  );
}

function headerOf(prefix: Buffer): AgeHeaderInfo | undefined {
  try {
    return parseHeaderLines(prefix);
  } catch {
    return undefined;
  }
}

/** Keeps the first bytes that pass (enough for any header) to describe failures after the fact. */
const KEEP = 64 * 1024;

/**
 * A WHATWG ReadableStream that pulls from `source` only when read (high-water mark 0), keeping the first
 * `KEEP` bytes aside and remembering an error of the source itself, so it is not mistaken for damage.
 */
function pullStream(source: AsyncIterable<Uint8Array>) {
  const iterator = source[Symbol.asyncIterator]();
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let pending: Buffer | undefined; // peeked, not yet handed on
  let sourceError: Error | undefined;
  let sourceEnded = false;
  const next = async (): Promise<Buffer | undefined> => {
    let step: IteratorResult<Uint8Array>;
    try {
      step = await iterator.next();
    } catch (error) {
      sourceError = error instanceof Error ? error : new Error(String(error));
      throw sourceError;
    }
    if (step.done) {
      sourceEnded = true;
      return undefined;
    }
    const chunk = Buffer.from(step.value.buffer, step.value.byteOffset, step.value.byteLength);
    if (keptBytes < KEEP) {
      kept.push(chunk);
      keptBytes += chunk.length;
    }
    return chunk;
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // An empty chunk enqueues nothing and would leave the read waiting: go on to a real one.
        let chunk = pending ?? (await next());
        pending = undefined;
        while (chunk?.length === 0) chunk = await next();
        if (chunk === undefined) controller.close();
        else controller.enqueue(chunk);
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
  return {
    stream,
    /** At least `n` bytes from the start (fewer when the source is shorter), left in place for `stream`. */
    async peek(n: number): Promise<Buffer> {
      for (;;) {
        const have = pending ?? Buffer.alloc(0);
        if (have.length >= n) return have;
        const chunk = await next();
        if (chunk === undefined) return have;
        pending = Buffer.concat([have, chunk]);
      }
    },
    prefix: () => Buffer.concat(kept),
    failure: (): Error | undefined => sourceError,
    /** Whether the source came to its end. */
    ended: () => sourceEnded,
  };
}

async function* webChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } catch (error) {
    finished = true; // the stream has errored: nothing to cancel
    throw error;
  } finally {
    // Stopped early (the consumer went away): cancel, which closes the source at the other end.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
