import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { StowageError } from '../core/errors.ts';
import { decryptionKeys, readIdentityFile } from './decryption-keys.ts';
import { encryptionKeys, parseRecipient, readRecipientsFile } from './encryption-keys.ts';
import { readPassphraseFile } from './secret-file.ts';
import { KeyDir } from './testing/key-files.ts';

const keys = new KeyDir();
after(() => keys.remove());

/** Asserts a StowageError of `kind` whose message matches `message` and that has a hint. */
function refuses(run: () => unknown, kind: StowageError['kind'], message: RegExp): StowageError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof StowageError, `not a StowageError: ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    assert.match(error.message, message);
    assert.ok(error.hint, `no hint for: ${error.message}`);
    return error;
  }
  assert.fail(`accepted, expected a refusal matching ${message}`);
}

describe('recipients', () => {
  it('takes age1 X25519 keys and ssh-ed25519 public keys, repeatable', async () => {
    const age = await keys.ageKey();
    const ssh = keys.sshKey();
    const parsed = encryptionKeys({
      recipients: [age.recipient, ssh.publicKey, (await keys.ageKey()).recipient],
    });
    assert.equal(parsed.method, 'recipients');
    assert.deepEqual(
      parsed.recipients.map((r) => r.kind),
      ['X25519', 'ssh-ed25519', 'X25519'],
    );
    assert.equal(parsed.summary(), 'X25519 ×2, ssh-ed25519');
  });

  it('refuses malformed keys, naming them, with a hint', async () => {
    const age = await keys.ageKey();
    refuses(
      () => parseRecipient(age.recipient.slice(0, -3), '--encrypt-to'),
      'invalid',
      /^--encrypt-to: "age1.*" is not a valid age recipient/,
    );
    refuses(
      () => parseRecipient('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA', '--encrypt-to'),
      'invalid',
      /not a valid ssh public key/,
    );
    refuses(
      () => parseRecipient('hello', '--encrypt-to'),
      'invalid',
      /"hello" is not an age or ssh-ed25519 public key/,
    );
    refuses(() => parseRecipient('age1yubikey1qwerty', 'r'), 'invalid', /age plugin recipient/);
  });

  it('refuses ssh-rsa, which age-encryption does not implement, pointing at ed25519', () => {
    const error = refuses(
      () => parseRecipient(keys.sshKey('rsa').publicKey, '--encrypt-to'),
      'invalid',
      /ssh-rsa keys are not supported/,
    );
    assert.match(error.hint ?? '', /ssh-keygen -t ed25519/);
  });

  it('refuses a secret key given as a recipient without echoing it', async () => {
    const age = await keys.ageKey();
    const error = refuses(
      () => parseRecipient(age.secretKey, '--encrypt-to'),
      'invalid',
      /secret key, not a recipient/,
    );
    assert.ok(!error.message.includes(age.secretKey.slice(15)));
  });

  it('reads a recipients file as age -R does: comments, blank lines, several keys', async () => {
    const [a, b] = [await keys.ageKey(), await keys.ageKey()];
    const ssh = keys.sshKey();
    const file = keys.file(
      'recipients.txt',
      `# daily key\n${a.recipient}\n\n  # offline recovery key\n${b.recipient}\n${ssh.publicKey}\n`,
      0o644,
    );
    assert.deepEqual(
      readRecipientsFile(file).map((r) => r.text),
      [a.recipient, b.recipient, ssh.publicKey],
    );
  });

  it('names the file and line of a bad recipient, and refuses an empty recipients file', async () => {
    const a = await keys.ageKey();
    const bad = keys.file('bad-recipients.txt', `# keys\n${a.recipient}\nage1nonsense\n`, 0o644);
    refuses(
      () => readRecipientsFile(bad),
      'invalid',
      new RegExp(`^recipients file ${bad} line 3: "age1nonsense" is not a valid`),
    );
    const empty = keys.file('empty-recipients.txt', '# nobody yet\n\n', 0o644);
    refuses(() => readRecipientsFile(empty), 'invalid', /holds no recipient/);
    refuses(() => readRecipientsFile(keys.path('missing.txt')), 'not-found', /does not exist/);
  });

  it('refuses recipients and a passphrase together, and neither', async () => {
    const passphrase = keys.file('mixed-pass', 'a long passphrase\n');
    refuses(() => encryptionKeys({ recipients: [], recipientFiles: [] }), 'invalid', /no key to encrypt to/);
    const a = await keys.ageKey();
    refuses(
      () => encryptionKeys({ recipients: [a.recipient], passphraseFile: passphrase }),
      'invalid',
      /either to recipients or with a passphrase/,
    );
  });
});

describe('passphrase files', () => {
  it('reads one line, drops its line ending, and never prints the passphrase', () => {
    const passphrase = readPassphraseFile(keys.file('pass', 'correct horse battery staple\r\n'));
    assert.equal(passphrase.reveal(), 'correct horse battery staple');
    const shown = [
      String(passphrase),
      JSON.stringify({ passphrase }),
      inspect(passphrase),
      new Error(`oops ${String(passphrase)}`).message,
    ].join(' ');
    assert.ok(!shown.includes('horse'), shown);
    const keysShown = inspect(encryptionKeys({ passphraseFile: keys.path('pass') }), { depth: 5 });
    assert.ok(!keysShown.includes('horse'), keysShown);
  });

  it('refuses an empty file, several lines, and a file other users can read', () => {
    refuses(() => readPassphraseFile(keys.file('empty-pass', '\n')), 'invalid', /is empty/);
    refuses(() => readPassphraseFile(keys.file('two-lines', 'one\ntwo\n')), 'invalid', /more than one line/);
    const open = keys.file('open-pass', 'a passphrase\n', 0o644);
    const error = refuses(
      () => readPassphraseFile(open),
      'invalid',
      /readable or writable by other users \(mode 644\)/,
    );
    assert.match(error.hint ?? '', /chmod 600/);
    refuses(() => readPassphraseFile(keys.path('no-such-pass')), 'not-found', /does not exist/);
  });
});

describe('identity files', () => {
  it('reads an age identity file with comments, and several keys', async () => {
    const [a, b] = [await keys.ageKey(), await keys.ageKey()];
    const both = keys.file('both.txt', `# first\n${a.secretKey}\n\n# second\n${b.secretKey}\n`);
    assert.deepEqual(
      readIdentityFile(both).map((i) => i.kind),
      ['X25519', 'X25519'],
    );
    assert.deepEqual([...decryptionKeys({ identityFiles: [a.identityFile] }).kinds], ['X25519']);
  });

  it('reads an unencrypted OpenSSH ed25519 private key', () => {
    assert.deepEqual(
      readIdentityFile(keys.sshKey().privateKeyFile).map((i) => i.kind),
      ['ssh-ed25519'],
    );
  });

  it('refuses a passphrase-protected ssh key with a way out', () => {
    const protectedKey = keys.sshKey('ed25519', 'ssh key passphrase').privateKeyFile;
    const error = refuses(
      () => readIdentityFile(protectedKey),
      'invalid',
      /protected by a passphrase, which Stowage cannot ask for/,
    );
    assert.match(error.hint ?? '', /ssh-keygen -p -N ""/);
  });

  it('refuses an ssh-rsa private key, a public key, and a garbage line without echoing it', async () => {
    refuses(
      () => readIdentityFile(keys.sshKey('rsa').privateKeyFile),
      'invalid',
      /ssh-rsa keys are not supported/,
    );
    const ssh = keys.sshKey();
    refuses(() => readIdentityFile(`${ssh.privateKeyFile}.pub`), 'invalid', /line 1 is a public key/); // mode 644
    const pub = keys.file('pub-as-identity', `${ssh.publicKey}\n`);
    refuses(
      () => readIdentityFile(pub),
      'invalid',
      /line 1 is a public key \(a recipient\), not a secret key/,
    );
    const a = await keys.ageKey();
    const damaged = `${a.secretKey.slice(0, -4)}QQQQ`;
    const file = keys.file('damaged.txt', `# mine\n${damaged}\n`);
    const error = refuses(
      () => readIdentityFile(file),
      'invalid',
      new RegExp(`identity file ${file} line 2 is not a valid age secret key`),
    );
    assert.ok(!error.message.includes(damaged.slice(16, 40)));
    refuses(() => readIdentityFile(keys.file('nothing.txt', '# empty\n')), 'invalid', /holds no key/);
  });

  it('refuses an identity file other users can read', async () => {
    const a = await keys.ageKey();
    const open = keys.file('open-key.txt', `${a.secretKey}\n`, 0o640);
    refuses(() => readIdentityFile(open), 'invalid', /readable or writable by other users/);
  });

  it('refuses an age-encrypted identity file, which would need a prompt', () => {
    const file = keys.file('key.age', 'age-encryption.org/v1\n-> scrypt abc 18\n');
    refuses(() => readIdentityFile(file), 'invalid', /is itself encrypted with age/);
  });

  it('needs at least one key', () => {
    refuses(() => decryptionKeys({}), 'invalid', /no key to decrypt with/);
  });
});
