/**
 * Interoperability with Debian's `age` command, both ways: what Stowage encrypts, `age -d` decrypts, and
 * what `age` encrypts, Stowage decrypts — X25519 keys, ssh-ed25519 keys, recipients files and passphrases.
 * age reads passphrases only from a terminal, so those tests drive it through a pty made by `script`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { ensureCommands } from './support/loopback.ts';
import { createEncryptStream, openDecryptStream } from '../src/crypto/age-stream.ts';
import { decryptionKeys } from '../src/crypto/decryption-keys.ts';
import type { DecryptionOptions } from '../src/crypto/decryption-keys.ts';
import { encryptionKeys } from '../src/crypto/encryption-keys.ts';
import type { EncryptionOptions } from '../src/crypto/encryption-keys.ts';
import { KeyDir } from '../src/crypto/testing/key-files.ts';

const KiB = 1024;
const SIZES = [0, 64 * KiB, 64 * KiB + 1, 5 * 1024 * KiB + 17];
const PASSPHRASE = 'tangle-orchid-ferry-quartz-lumen';

const keys = new KeyDir();
let ageKeyFile: string;
let ageRecipient: string;
let ssh: { privateKeyFile: string; publicKey: string };

before(() => {
  ensureCommands({ age: 'age', 'age-keygen': 'age', 'ssh-keygen': 'openssh-client', script: 'bsdutils' });
  ageKeyFile = keys.path('age-keygen.txt');
  execFileSync('age-keygen', ['-o', ageKeyFile], { stdio: 'ignore' });
  ageRecipient = execFileSync('age-keygen', ['-y', ageKeyFile], { encoding: 'utf8' }).trim();
  ssh = keys.sshKey();
});
after(() => keys.remove());

/** Stowage encrypts the file at `plainPath` into `path`. */
async function stowageEncrypt(plainPath: string, path: string, options: EncryptionOptions): Promise<void> {
  await pipeline(
    createReadStream(plainPath),
    createEncryptStream(encryptionKeys(options)),
    createWriteStream(path),
  );
}

/** Stowage decrypts `path` and returns the plaintext. */
async function stowageDecrypt(path: string, options: DecryptionOptions): Promise<Buffer> {
  const out = `${path}.stowage-out`;
  await pipeline(
    await openDecryptStream(createReadStream(path), decryptionKeys(options), path),
    createWriteStream(out),
  );
  return readFileSync(out);
}

/** Runs `command` in a pseudo-terminal (util-linux `script`), typing `lines` into it. */
function inTerminal(command: string, lines: string[]): void {
  execFileSync('script', ['-qec', command, '/dev/null'], {
    input: lines.map((l) => `${l}\n`).join(''),
    stdio: ['pipe', 'ignore', 'pipe'],
  });
}

function plainFile(name: string, size: number): { path: string; bytes: Buffer } {
  const bytes = randomBytes(size);
  const path = keys.file(name, bytes);
  return { path, bytes };
}

describe('Stowage encrypts, age -d decrypts', () => {
  for (const size of SIZES) {
    it(`${size.toLocaleString('en')} bytes, to an age-keygen key and an ssh-ed25519 key`, async () => {
      const plain = plainFile(`plain-${size}`, size);
      const encrypted = keys.path(`stowage-${size}.age`);
      await stowageEncrypt(plain.path, encrypted, { recipients: [ageRecipient, ssh.publicKey] });
      for (const identity of [ageKeyFile, ssh.privateKeyFile]) {
        const out = execFileSync('age', ['-d', '-i', identity, encrypted], { maxBuffer: 64 * 1024 * KiB });
        assert.ok(out.equals(plain.bytes), `age -d -i ${identity}`);
      }
    });
  }

  it('to a recipients file', async () => {
    const plain = plainFile('plain-r', 100 * KiB);
    const recipients = keys.file(
      'stowage-recipients.txt',
      `# daily\n${ageRecipient}\n# recovery\n${ssh.publicKey}\n`,
      0o644,
    );
    const encrypted = keys.path('stowage-r.age');
    await stowageEncrypt(plain.path, encrypted, { recipientFiles: [recipients] });
    assert.ok(execFileSync('age', ['-d', '-i', ssh.privateKeyFile, encrypted]).equals(plain.bytes));
  });

  it('with a passphrase, typed into age -d at its prompt', async () => {
    const plain = plainFile('plain-p', 70 * KiB);
    const passphraseFile = keys.file('stowage-pass', `${PASSPHRASE}\n`);
    const encrypted = keys.path('stowage-p.age');
    await stowageEncrypt(plain.path, encrypted, { passphraseFile }); // age's default work factor, 18
    const out = keys.path('stowage-p.out');
    inTerminal(`age -d -o ${out} ${encrypted}`, [PASSPHRASE]);
    assert.ok(readFileSync(out).equals(plain.bytes));
  });

  it('a backup decrypts by hand: age -d -i key | zstd -d | tar -x', async () => {
    const tree = keys.path('tree');
    mkdirSync(`${tree}/data/sub`, { recursive: true });
    writeFileSync(`${tree}/data/sub/hello.txt`, 'hello from a volume\n');
    const archive = keys.path('backup.tar.zst');
    execFileSync('sh', ['-c', `tar -C ${tree} -cf - data | zstd -q -o ${archive}`]);
    const encrypted = `${archive}.age`;
    await stowageEncrypt(archive, encrypted, { recipients: [ageRecipient] });
    const restored = keys.path('restored');
    mkdirSync(restored);
    execFileSync('sh', ['-c', `age -d -i ${ageKeyFile} ${encrypted} | zstd -d | tar -x -C ${restored}`]);
    assert.equal(readFileSync(`${restored}/data/sub/hello.txt`, 'utf8'), 'hello from a volume\n');
  });
});

describe('age encrypts, Stowage decrypts', () => {
  for (const size of SIZES) {
    it(`${size.toLocaleString('en')} bytes from age -r (X25519) and age -r "ssh-ed25519 …"`, async () => {
      const plain = plainFile(`cli-plain-${size}`, size);
      const toAge = keys.path(`cli-x25519-${size}.age`);
      execFileSync('age', ['-r', ageRecipient, '-o', toAge, plain.path]);
      assert.ok((await stowageDecrypt(toAge, { identityFiles: [ageKeyFile] })).equals(plain.bytes));
      const toSsh = keys.path(`cli-ssh-${size}.age`);
      execFileSync('age', ['-r', ssh.publicKey, '-o', toSsh, plain.path]);
      assert.ok((await stowageDecrypt(toSsh, { identityFiles: [ssh.privateKeyFile] })).equals(plain.bytes));
    });
  }

  it('from age -R with a recipients file of several keys; each key opens it', async () => {
    const other = await keys.ageKey();
    const recipients = keys.file(
      'cli-recipients.txt',
      `# two keys\n${other.recipient}\n${ssh.publicKey}\n${ageRecipient}\n`,
      0o644,
    );
    const plain = plainFile('cli-plain-R', 300 * KiB);
    const encrypted = keys.path('cli-R.age');
    execFileSync('age', ['-R', recipients, '-o', encrypted, plain.path]);
    for (const identity of [other.identityFile, ssh.privateKeyFile, ageKeyFile]) {
      assert.ok(
        (await stowageDecrypt(encrypted, { identityFiles: [identity] })).equals(plain.bytes),
        identity,
      );
    }
  });

  it('from age -p, the passphrase typed at its prompt', async () => {
    const plain = plainFile('cli-plain-p', 65 * KiB);
    const encrypted = keys.path('cli-p.age');
    inTerminal(`age -p -o ${encrypted} ${plain.path}`, [PASSPHRASE, PASSPHRASE]);
    const passphraseFile = keys.file('cli-pass', `${PASSPHRASE}\n`);
    assert.ok((await stowageDecrypt(encrypted, { passphraseFile })).equals(plain.bytes));
  });

  it('refuses an age -a (armored) file by name', async () => {
    const encrypted = keys.path('cli-armored.age');
    execFileSync('age', ['-a', '-r', ageRecipient, '-o', encrypted], { input: 'x' });
    await assert.rejects(
      stowageDecrypt(encrypted, { identityFiles: [ageKeyFile] }),
      /ASCII-armored age file/,
    );
  });

  it('streams: a source read in small pieces decrypts the same', async () => {
    const plain = plainFile('cli-plain-s', 1024 * KiB);
    const encrypted = keys.path('cli-s.age');
    execFileSync('age', ['-r', ageRecipient, '-o', encrypted, plain.path]);
    const source = Readable.from(createReadStream(encrypted, { highWaterMark: 1000 }));
    const chunks: Buffer[] = [];
    for await (const chunk of await openDecryptStream(
      source,
      decryptionKeys({ identityFiles: [ageKeyFile] }),
    )) {
      chunks.push(chunk as Buffer);
    }
    assert.ok(Buffer.concat(chunks).equals(plain.bytes));
  });
});
