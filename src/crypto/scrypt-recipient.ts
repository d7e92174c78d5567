/**
 * age's passphrase recipient (`scrypt` stanza), as a `Recipient` object: typage's own is reachable only
 * through `Encrypter.setPassphrase`, which hides the file key that our native payload cipher needs (see
 * age-stream.ts). Same bytes as age: key = scrypt(passphrase, "age-encryption.org/v1/scrypt" ‖ salt,
 * N = 2^logN, r = 8, p = 1), file key sealed with ChaCha20-Poly1305 under a zero nonce. node:crypto's
 * scrypt is native. Decryption stays with typage's `Decrypter.addPassphrase`.
 */
import { createCipheriv, randomBytes, scryptSync } from 'node:crypto';
import { Stanza } from 'age-encryption';
import type { Recipient } from 'age-encryption';
import type { Passphrase } from './secret-file.ts';

const LABEL = 'age-encryption.org/v1/scrypt';

export class ScryptRecipient implements Recipient {
  readonly #passphrase: Passphrase;
  readonly #logN: number;

  constructor(passphrase: Passphrase, logN: number) {
    this.#passphrase = passphrase;
    this.#logN = logN;
  }

  wrapFileKey(fileKey: Uint8Array): Stanza[] {
    const salt = randomBytes(16);
    const N = 2 ** this.#logN;
    const key = scryptSync(this.#passphrase.reveal(), Buffer.concat([Buffer.from(LABEL), salt]), 32, {
      N,
      r: 8,
      p: 1,
      maxmem: 128 * N * 8 + 16 * 1024 * 1024, // scrypt needs 128·N·r bytes; Node's default cap is 32 MB
    });
    const cipher = createCipheriv('chacha20-poly1305', key, Buffer.alloc(12), { authTagLength: 16 });
    const body = Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()]);
    const args = ['scrypt', salt.toString('base64').replace(/=+$/, ''), String(this.#logN)];
    return [new Stanza(args, body)];
  }
}
