/** Key files for the crypto tests, made the way users make them (age-encryption's generator, ssh-keygen). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';

export interface AgeKey {
  /** An identity file (mode 600) holding the secret key under a comment, as age-keygen writes it. */
  identityFile: string;
  secretKey: string;
  recipient: string;
}

export interface SshKey {
  privateKeyFile: string;
  publicKey: string;
}

export class KeyDir {
  readonly dir = mkdtempSync(join(tmpdir(), 'stwg-crypto-'));
  #n = 0;

  path(name: string): string {
    return join(this.dir, name);
  }

  /** Writes `text` to a new file with `mode` (600 by default: secrets) and returns its path. */
  file(name: string, text: string | Buffer, mode = 0o600): string {
    const path = this.path(name);
    writeFileSync(path, text, { mode });
    return path;
  }

  async ageKey(): Promise<AgeKey> {
    const secretKey = await generateIdentity();
    const recipient = await identityToRecipient(secretKey);
    const identityFile = this.file(
      `age-${++this.#n}.txt`,
      `# created: 2026-01-01T00:00:00Z\n# public key: ${recipient}\n${secretKey}\n`,
    );
    return { identityFile, secretKey, recipient };
  }

  /** An ssh key from ssh-keygen; `passphrase` protects it (passed on argv: a throwaway test key only). */
  sshKey(type: 'ed25519' | 'rsa' = 'ed25519', passphrase = ''): SshKey {
    const privateKeyFile = this.path(`ssh-${type}-${++this.#n}`);
    const size = type === 'rsa' ? ['-b', '2048'] : [];
    execFileSync('ssh-keygen', [
      '-q',
      '-t',
      type,
      ...size,
      '-N',
      passphrase,
      '-C',
      'test@stowage',
      '-f',
      privateKeyFile,
    ]);
    return { privateKeyFile, publicKey: readFileSync(`${privateKeyFile}.pub`, 'utf8').trim() };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
