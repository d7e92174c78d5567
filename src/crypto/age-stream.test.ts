import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, describe, it } from 'node:test';
import { Decrypter, Encrypter } from 'age-encryption';
import { StowageError } from '../core/errors.ts';
import { describeAgeHeader, isAgeFile, parseHeaderLines, readAgeHeader } from './age-header.ts';
import { createEncryptStream, openDecryptStream } from './age-stream.ts';
import { decryptionKeys } from './decryption-keys.ts';
import type { DecryptionKeys } from './decryption-keys.ts';
import { encryptionKeys } from './encryption-keys.ts';
import type { EncryptionKeys } from './encryption-keys.ts';
import { KeyDir } from './testing/key-files.ts';

const KiB = 1024;
const BLOCK_ON_DISK = 64 * KiB + 16;
const keys = new KeyDir();
after(() => keys.remove());

/** `bytes` handed over in pieces of `piece` bytes, as a socket might. */
function pieces(bytes: Buffer, piece = 16 * KiB): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < bytes.length; at += piece) yield bytes.subarray(at, at + piece);
    })(),
  );
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeline(
    stream,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(chunks);
}

async function encrypt(plain: Buffer, to: EncryptionKeys, piece?: number): Promise<Buffer> {
  return collect(pieces(plain, piece).pipe(createEncryptStream(to)));
}

async function decrypt(cipher: Buffer, using: DecryptionKeys, piece?: number): Promise<Buffer> {
  return collect(await openDecryptStream(pieces(cipher, piece), using, 'backup.tar.zst.age'));
}

/** The StowageError `run` rejects with. */
async function failure(run: () => Promise<unknown>): Promise<StowageError> {
  try {
    await run();
  } catch (error) {
    assert.ok(error instanceof StowageError, `not a StowageError: ${String(error)}`);
    assert.ok(error.hint, `no hint: ${error.message}`);
    return error;
  }
  assert.fail('expected a failure');
}

const passphraseKeys = (text: string) => {
  const file = keys.file(`pass-${text.length}-${Math.random()}`, `${text}\n`);
  return {
    encryption: encryptionKeys({ passphraseFile: file, scryptWorkFactor: 10 }),
    decryption: decryptionKeys({ passphraseFile: file }),
  };
};

describe('round trips', () => {
  for (const size of [0, 64 * KiB, 64 * KiB + 1, 3 * 1024 * KiB + 123]) {
    it(`${size.toLocaleString('en')} bytes with an X25519 key`, async () => {
      const key = await keys.ageKey();
      const plain = randomBytes(size);
      const cipher = await encrypt(plain, encryptionKeys({ recipients: [key.recipient] }));
      assert.ok(isAgeFile(cipher));
      const { headerSize } = parseHeaderLines(cipher)!;
      const blocks = Math.max(1, Math.ceil(size / (64 * KiB)));
      assert.equal(cipher.length, headerSize + 16 + size + 16 * blocks, 'age STREAM framing');
      assert.deepEqual(await decrypt(cipher, decryptionKeys({ identityFiles: [key.identityFile] })), plain);
    });
  }

  it('whatever the size of the pieces written and read', async () => {
    const key = await keys.ageKey();
    const plain = randomBytes(200 * KiB + 7);
    for (const piece of [1_000, 7, 300 * KiB]) {
      const cipher = await encrypt(plain, encryptionKeys({ recipients: [key.recipient] }), piece);
      const opened = await decrypt(cipher, decryptionKeys({ identityFiles: [key.identityFile] }), piece + 3);
      assert.ok(opened.equals(plain), `pieces of ${piece}`);
    }
  });

  it('with an ssh-ed25519 key, and to several recipients each of which opens it', async () => {
    const [daily, recovery] = [await keys.ageKey(), await keys.ageKey()];
    const ssh = keys.sshKey();
    const plain = Buffer.from('volume contents '.repeat(10_000));
    const cipher = await encrypt(
      plain,
      encryptionKeys({ recipients: [daily.recipient, recovery.recipient, ssh.publicKey] }),
    );
    assert.ok(!cipher.includes(Buffer.from('volume contents')), 'no plaintext shows');
    for (const identity of [daily.identityFile, recovery.identityFile, ssh.privateKeyFile]) {
      assert.ok(
        (await decrypt(cipher, decryptionKeys({ identityFiles: [identity] }))).equals(plain),
        identity,
      );
    }
  });

  it('with a passphrase from a file', async () => {
    const { encryption, decryption } = passphraseKeys('tulip ferry orbit canyon');
    const plain = randomBytes(100 * KiB);
    const cipher = await encrypt(plain, encryption);
    assert.deepEqual((await readAgeHeader(pieces(cipher)))?.stanzaTypes, ['scrypt']);
    assert.deepEqual(await decrypt(cipher, decryption), plain);
  });
});

describe('against typage’s own whole-buffer encrypt and decrypt', () => {
  for (const size of [0, 64 * KiB, 64 * KiB + 1, 200 * KiB + 3]) {
    it(`${size.toLocaleString('en')} bytes both ways`, async () => {
      const key = await keys.ageKey();
      const plain = randomBytes(size);
      const reference = new Decrypter();
      reference.addIdentity(key.secretKey);
      const ours = await encrypt(plain, encryptionKeys({ recipients: [key.recipient] }));
      assert.ok(Buffer.from(await reference.decrypt(ours)).equals(plain), 'typage reads ours');
      const theirs = new Encrypter();
      theirs.addRecipient(key.recipient);
      const typageFile = Buffer.from(await theirs.encrypt(plain));
      assert.ok(
        (await decrypt(typageFile, decryptionKeys({ identityFiles: [key.identityFile] }))).equals(plain),
      );
    });
  }
});

describe('refusals in the user’s words', () => {
  it('wrong key: no identity matches, naming what it was encrypted to, before any plaintext', async () => {
    const [right, wrong] = [await keys.ageKey(), await keys.ageKey()];
    const cipher = await encrypt(
      randomBytes(10),
      encryptionKeys({ recipients: [right.recipient, keys.sshKey().publicKey] }),
    );
    const error = await failure(() =>
      openDecryptStream(pieces(cipher), decryptionKeys({ identityFiles: [wrong.identityFile] }), 'b.age'),
    );
    assert.equal(error.kind, 'invalid');
    assert.equal(
      error.message,
      'no identity matches b.age: it was encrypted to other recipients (X25519, ssh-ed25519)',
    );
  });

  it('wrong passphrase, without showing it', async () => {
    const cipher = await encrypt(randomBytes(10), passphraseKeys('the right passphrase').encryption);
    const error = await failure(() => decrypt(cipher, passphraseKeys('a wrong passphrase').decryption));
    assert.equal(error.kind, 'invalid');
    assert.match(error.message, /^wrong passphrase: the passphrase file does not open backup.tar.zst.age$/);
  });

  it('a key for a passphrase file, and a passphrase for a key file', async () => {
    const key = await keys.ageKey();
    const byPassphrase = await encrypt(randomBytes(10), passphraseKeys('some passphrase here').encryption);
    const byKey = await encrypt(randomBytes(10), encryptionKeys({ recipients: [key.recipient] }));
    const needsPassphrase = await failure(() =>
      decrypt(byPassphrase, decryptionKeys({ identityFiles: [key.identityFile] })),
    );
    assert.match(needsPassphrase.message, /is encrypted with a passphrase, and no passphrase was given/);
    assert.match(needsPassphrase.hint ?? '', /--passphrase-file/);
    const needsKey = await failure(() => decrypt(byKey, passphraseKeys('some passphrase here').decryption));
    assert.match(needsKey.message, /is encrypted to keys \(X25519\), not with a passphrase/);
    assert.match(needsKey.hint ?? '', /--identity/);
  });

  it('not an age file: plain bytes, an empty file, an armored file', async () => {
    const key = await keys.ageKey();
    const using = decryptionKeys({ identityFiles: [key.identityFile] });
    const zstd = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, ...randomBytes(100)]);
    assert.match(
      (await failure(() => decrypt(zstd, using))).message,
      /^backup.tar.zst.age is not an age-encrypted file$/,
    );
    assert.match(
      (await failure(() => decrypt(Buffer.alloc(0), using))).message,
      /is empty, not an age-encrypted file/,
    );
    // Handed over a few bytes at a time: recognised all the same.
    const armored = Buffer.from(
      '-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSB0QXVk\n',
    );
    assert.match((await failure(() => decrypt(armored, using, 10))).message, /ASCII-armored/);
  });

  it('a damaged block: "damaged at byte N" names where the bad 64 KiB block starts', async () => {
    const key = await keys.ageKey();
    const using = decryptionKeys({ identityFiles: [key.identityFile] });
    const cipher = await encrypt(randomBytes(5 * 64 * KiB), encryptionKeys({ recipients: [key.recipient] }));
    const payload = parseHeaderLines(cipher)!.headerSize + 16;
    const flipped = Buffer.from(cipher);
    flipped[payload + 2 * BLOCK_ON_DISK + 500]! ^= 0x01; // in the third block
    const error = await failure(() => decrypt(flipped, using));
    assert.equal(error.kind, 'failed');
    assert.match(
      error.message,
      new RegExp(`^backup.tar.zst.age is damaged or cut short at byte ${payload + 2 * BLOCK_ON_DISK}:`),
    );
  });

  it('a truncated file, cut inside a block or on a block boundary', async () => {
    const key = await keys.ageKey();
    const using = decryptionKeys({ identityFiles: [key.identityFile] });
    const cipher = await encrypt(randomBytes(5 * 64 * KiB), encryptionKeys({ recipients: [key.recipient] }));
    const payload = parseHeaderLines(cipher)!.headerSize + 16;
    const midBlock = await failure(() =>
      decrypt(cipher.subarray(0, payload + 3 * BLOCK_ON_DISK + 100), using),
    );
    assert.match(
      midBlock.message,
      new RegExp(`damaged or cut short at byte ${payload + 3 * BLOCK_ON_DISK}:`),
    );
    // Cut right after a whole block: that block now claims to be the last one and does not authenticate.
    const onBoundary = await failure(() => decrypt(cipher.subarray(0, payload + 2 * BLOCK_ON_DISK), using));
    assert.match(onBoundary.message, new RegExp(`damaged or cut short at byte ${payload + BLOCK_ON_DISK}:`));
    const noPayload = await failure(() => decrypt(cipher.subarray(0, payload - 16), using));
    assert.match(noPayload.message, /damaged at byte 0: it ends right after its header/);
  });

  it('a damaged or cut header', async () => {
    const key = await keys.ageKey();
    const using = decryptionKeys({ identityFiles: [key.identityFile] });
    const cipher = await encrypt(randomBytes(1000), encryptionKeys({ recipients: [key.recipient] }));
    const { headerSize } = parseHeaderLines(cipher)!;
    const badMac = Buffer.from(cipher);
    badMac[headerSize - 5] = badMac[headerSize - 5] === 0x41 ? 0x42 : 0x41; // a base64 letter of the MAC
    assert.match(
      (await failure(() => decrypt(badMac, using))).message,
      /damaged at byte 0: its header does not match its MAC/,
    );
    assert.match(
      (await failure(() => decrypt(cipher.subarray(0, 40), using))).message,
      /damaged at byte 0: it ends inside its header/,
    );
  });

  it('an error of the source itself passes through unchanged', async () => {
    const key = await keys.ageKey();
    const cipher = await encrypt(randomBytes(300 * KiB), encryptionKeys({ recipients: [key.recipient] }));
    const failing = Readable.from(
      (async function* () {
        yield cipher.subarray(0, 100 * KiB);
        await Promise.resolve();
        throw new Error('connection reset by peer');
      })(),
    );
    // Web streams drop what they buffered when they error, so it may surface while opening or while reading.
    const using = decryptionKeys({ identityFiles: [key.identityFile] });
    await assert.rejects(async () => collect(await openDecryptStream(failing, using)), {
      message: 'connection reset by peer',
    });
  });
});

describe('an interrupted encryption', () => {
  it('fails, and what it wrote never decrypts as a whole file', { timeout: 30_000 }, async () => {
    const key = await keys.ageKey();
    const written: Buffer[] = [];
    const failing = Readable.from(
      (async function* () {
        yield randomBytes(200 * KiB);
        // Fail only once blocks reached the sink, as when a volume read breaks mid-upload.
        while (Buffer.concat(written).length < 2 * BLOCK_ON_DISK) await new Promise(setImmediate);
        throw new Error('volume read failed');
      })(),
    );
    await assert.rejects(
      pipeline(
        failing,
        createEncryptStream(encryptionKeys({ recipients: [key.recipient] })),
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            written.push(chunk);
            done();
          },
        }),
      ),
      { message: 'volume read failed' },
    );
    // Blocks went out before the failure, but none carries the last-block flag: the cut is detected.
    const partial = Buffer.concat(written);
    assert.ok(partial.length > 64 * KiB, `${partial.length} bytes written`);
    const error = await failure(() =>
      decrypt(partial, decryptionKeys({ identityFiles: [key.identityFile] })),
    );
    assert.match(error.message, /damaged or cut short at byte/);
  });
});

describe('letting go of the source', () => {
  it('when the reader stops early, and when opening is refused', async () => {
    const [key, other] = [await keys.ageKey(), await keys.ageKey()];
    const cipher = await encrypt(randomBytes(1024 * KiB), encryptionKeys({ recipients: [key.recipient] }));
    const source = pieces(cipher);
    const plaintext = await openDecryptStream(source, decryptionKeys({ identityFiles: [key.identityFile] }));
    for await (const block of plaintext) {
      assert.ok((block as Buffer).length > 0);
      break; // destroys plaintext
    }
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(source.destroyed, 'the source is destroyed with the plaintext');
    const refused = pieces(cipher);
    await assert.rejects(openDecryptStream(refused, decryptionKeys({ identityFiles: [other.identityFile] })));
    assert.ok(refused.destroyed, 'the source is destroyed when opening fails');
  });
});

describe('reading the header without a key', () => {
  it('tells an age file apart and names its recipient types', async () => {
    const [a, b] = [await keys.ageKey(), await keys.ageKey()];
    const cipher = await encrypt(
      randomBytes(10),
      encryptionKeys({ recipients: [a.recipient, b.recipient, keys.sshKey().publicKey] }),
    );
    const info = await readAgeHeader(pieces(cipher, 50));
    assert.deepEqual(info?.stanzaTypes, ['X25519', 'X25519', 'ssh-ed25519']);
    assert.equal(describeAgeHeader(info), 'encrypted, X25519 ×2, ssh-ed25519');
    assert.equal(describeAgeHeader({ stanzaTypes: ['scrypt'], headerSize: 0 }), 'encrypted, passphrase');
    assert.equal(
      describeAgeHeader({ stanzaTypes: ['X25519', 'a{-grease'], headerSize: 0 }),
      'encrypted, X25519',
    );
    assert.equal(
      await readAgeHeader(pieces(Buffer.from('ustar archive bytes that go on and on'))),
      undefined,
    );
    assert.equal(isAgeFile(Buffer.from([0x28, 0xb5, 0x2f, 0xfd])), false);
  });

  it('reads only as far as the header ends', async () => {
    const key = await keys.ageKey();
    const cipher = await encrypt(randomBytes(1024 * KiB), encryptionKeys({ recipients: [key.recipient] }));
    let handedOut = 0;
    const source = Readable.from(
      (function* () {
        for (let at = 0; at < cipher.length; at += 4 * KiB) {
          handedOut += 4 * KiB;
          yield cipher.subarray(at, at + 4 * KiB);
        }
      })(),
    );
    assert.deepEqual((await readAgeHeader(source))?.stanzaTypes, ['X25519']);
    source.destroy();
    assert.ok(handedOut <= 64 * KiB, `read ${handedOut} bytes for a header`);
  });
});
