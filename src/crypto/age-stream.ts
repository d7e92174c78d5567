/**
 * Streaming age encryption and decryption as Node streams, with memory that stays flat whatever the size.
 *
 * typage (`age-encryption`) handles everything that involves keys: it writes the recipient stanzas and the
 * header MAC, and `Decrypter.decryptHeader` finds the identity that opens a header and checks its MAC. The
 * payload — age's STREAM of 64 KiB ChaCha20-Poly1305 blocks — runs on node:crypto's native cipher
 * (age-payload.ts), ten times faster than typage's JavaScript one. Everything is an async generator over
 * the source, so a block is read only when the consumer wants one: backpressure runs end to end and a
 * few blocks at most are in memory.
 *
 * Decryption, like `age -d`, hands on each block once it authenticates; a damaged or truncated file fails
 * at the first bad block, after the blocks before it were passed on. Callers that must not act on a
 * partial plaintext (a restore) stage it and commit only when the stream ends without error.
 */
import { randomBytes } from 'node:crypto';
import { Duplex, Readable } from 'node:stream';
import { AGE_MAGIC, MAX_HEADER, isAgeFile, parseHeaderLines } from './age-header.ts';
import type { AgeHeaderInfo } from './age-header.ts';
import { damagedHeader, damagedPayload, headerRefused, notAgeFile } from './age-errors.ts';
import {
  BLOCK_ON_DISK,
  DamagedBlock,
  PAYLOAD_NONCE,
  decryptPayload,
  encryptPayload,
  payloadKey,
} from './age-payload.ts';
import type { DecryptionKeys } from './decryption-keys.ts';
import type { EncryptionKeys } from './encryption-keys.ts';

/**
 * A Duplex that age-encrypts what is written to it into a standard binary age file that `age -d`
 * decrypts. Each stream gets its own file key. Use it as `pipeline(source, createEncryptStream(k), sink)`.
 */
export function createEncryptStream(keys: EncryptionKeys): Duplex {
  return Duplex.from(async function* (source: AsyncIterable<Uint8Array>) {
    const { header, fileKey } = await keys.header();
    const nonce = randomBytes(PAYLOAD_NONCE);
    yield header;
    yield nonce;
    yield* encryptPayload(source, payloadKey(fileKey, nonce));
  });
}

/**
 * Opens an age file for reading. Resolves once the header is read and a key opened it, so a wrong key is
 * refused before any plaintext flows; the Readable then yields the plaintext block by block.
 * `name` names the file in messages (a backup's URL, say).
 * @throws StowageError 'invalid': not an age file, an armored one, no key matches, a wrong passphrase, a
 * work factor too high to try; 'failed': a damaged or cut header. The Readable fails with StowageError
 * 'failed' ("damaged or cut short at byte N") at the first block that does not authenticate. Errors of
 * `source` itself (a network read, say) pass through unchanged.
 */
export async function openDecryptStream(
  source: AsyncIterable<Uint8Array>,
  keys: DecryptionKeys,
  name = 'the file',
): Promise<Readable> {
  const input = new SourceReader(source);
  try {
    const header = await readHeader(input, name);
    let fileKey: Uint8Array;
    try {
      fileKey = await keys.decrypter().decryptHeader(input.take(header.headerSize));
    } catch (error) {
      throw headerRefused(error, header, keys, name);
    }
    if (!(await input.fill(PAYLOAD_NONCE))) throw damagedHeader(name, 'it ends right after its header');
    const key = payloadKey(fileKey, input.take(PAYLOAD_NONCE));
    const payloadStart = header.headerSize + PAYLOAD_NONCE;
    return Readable.from(
      (async function* () {
        try {
          yield* decryptPayload(input.rest(), key);
        } catch (error) {
          if (!(error instanceof DamagedBlock)) throw error;
          throw damagedPayload(name, payloadStart + error.index * BLOCK_ON_DISK, error);
        }
      })(),
      { objectMode: false },
    );
  } catch (error) {
    await input.close();
    throw error;
  }
}

async function readHeader(input: SourceReader, name: string): Promise<AgeHeaderInfo> {
  await input.fill(AGE_MAGIC.length);
  if (!isAgeFile(input.buffered)) {
    await input.fill(64); // enough to recognise an armored file and say so
    throw notAgeFile(input.buffered, name);
  }
  for (;;) {
    let header: AgeHeaderInfo | undefined;
    try {
      header = parseHeaderLines(input.buffered);
    } catch (error) {
      throw damagedHeader(name, 'its header is unreadable', error);
    }
    if (header) return header;
    if (input.buffered.length > MAX_HEADER) throw damagedHeader(name, 'its header does not end');
    if (!(await input.more())) throw damagedHeader(name, 'it ends inside its header');
  }
}

/** Reads a source a chunk at a time into a buffer that can be taken from, then hands on the rest. */
class SourceReader {
  buffered = Buffer.alloc(0);
  readonly #iterator: AsyncIterator<Uint8Array>;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#iterator = source[Symbol.asyncIterator]();
  }

  /** Reads one more chunk; false at the end of the source. */
  async more(): Promise<boolean> {
    const step = await this.#iterator.next();
    if (step.done) return false;
    this.buffered = Buffer.concat([this.buffered, step.value]);
    return true;
  }

  /** Reads until `n` bytes are buffered; false when the source ends first. */
  async fill(n: number): Promise<boolean> {
    while (this.buffered.length < n) if (!(await this.more())) return false;
    return true;
  }

  take(n: number): Buffer {
    const taken = this.buffered.subarray(0, n);
    this.buffered = this.buffered.subarray(n);
    return taken;
  }

  /** What is buffered, then the rest of the source; stopping early lets go of the source. */
  async *rest(): AsyncGenerator<Uint8Array> {
    let ended = false;
    try {
      if (this.buffered.length > 0) yield this.take(this.buffered.length);
      for (;;) {
        const step = await this.#iterator.next();
        if (step.done) {
          ended = true;
          return;
        }
        yield step.value;
      }
    } finally {
      if (!ended) await this.close();
    }
  }

  /** Lets go of the source (a Readable is destroyed) when opening failed. */
  async close(): Promise<void> {
    await this.#iterator.return?.();
  }
}
