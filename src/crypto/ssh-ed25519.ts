/**
 * age's `ssh-ed25519` recipient type, which `age-encryption` (typage) does not implement: a file encrypted
 * to an OpenSSH ed25519 public key decrypts with the matching private key. This follows the age spec and
 * the Go reference (`filippo.io/age/agessh`) byte for byte, so `age -d -i ~/.ssh/id_ed25519` reads what we
 * write and we read what `age -r "ssh-ed25519 …"` writes. All primitives come from node:crypto.
 *
 *   stanza: `-> ssh-ed25519 TAG SHARE` + body, where TAG = SHA-256(ssh wire key)[:4], SHARE = ephemeral
 *   X25519 public key; the ed25519 key is mapped to X25519 (birational map, RFC 7748), the shared secret is
 *   tweaked by an HKDF of the wire key, and the file key is wrapped with ChaCha20-Poly1305.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
} from 'node:crypto';
import { Stanza } from 'age-encryption';
import type { Identity, Recipient } from 'age-encryption';

const LABEL = 'age-encryption.org/v1/ssh-ed25519';
const FILE_KEY_SIZE = 16;
const TAG_SIZE = 16;

/** The ssh wire encoding of an ed25519 public key: string "ssh-ed25519", string key. */
export function ed25519WireKey(publicKey: Uint8Array): Buffer {
  return Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(Buffer.from(publicKey))]);
}

export class SshEd25519Recipient implements Recipient {
  readonly #wireKey: Buffer;
  readonly #theirX25519: Buffer;

  /** @param publicKey the 32-byte ed25519 public key. @throws Error when it is not a valid point encoding. */
  constructor(publicKey: Uint8Array) {
    this.#wireKey = ed25519WireKey(publicKey);
    this.#theirX25519 = ed25519PublicToX25519(publicKey);
  }

  wrapFileKey(fileKey: Uint8Array): Stanza[] {
    const ephemeral = generateKeyPairSync('x25519');
    const ourShare = rawX25519Public(ephemeral.publicKey.export({ format: 'jwk' }).x);
    const shared = x25519(
      tweak(this.#wireKey),
      diffieHellman({ privateKey: ephemeral.privateKey, publicKey: x25519Public(this.#theirX25519) }),
    );
    const key = hkdf(shared, Buffer.concat([ourShare, this.#theirX25519]));
    const args = ['ssh-ed25519', fingerprint(this.#wireKey), base64NoPad(ourShare)];
    return [new Stanza(args, seal(key, fileKey))];
  }
}

export class SshEd25519Identity implements Identity {
  readonly #wireKey: Buffer;
  readonly #scalar: Buffer;
  readonly #ourX25519: Buffer;

  /** @param seed the 32-byte ed25519 private seed; @param publicKey its 32-byte public key. */
  constructor(seed: Uint8Array, publicKey: Uint8Array) {
    this.#wireKey = ed25519WireKey(publicKey);
    // ed25519's secret scalar is the first half of SHA-512(seed); X25519 clamps it the same way.
    this.#scalar = createHash('sha512').update(seed).digest().subarray(0, 32);
    this.#ourX25519 = ed25519PublicToX25519(publicKey);
  }

  /**
   * The file key if a stanza is addressed to this key, else null. Throws only for a stanza that names
   * this key but is malformed or does not open: that file is damaged (age's Go code does the same).
   */
  unwrapFileKey(stanzas: Stanza[]): Uint8Array | null {
    const tag = fingerprint(this.#wireKey);
    for (const stanza of stanzas) {
      if (stanza.args[0] !== 'ssh-ed25519') continue;
      if (stanza.args.length !== 3) throw new Error('invalid ssh-ed25519 stanza');
      if (stanza.args[1] !== tag) continue;
      const share = Buffer.from(stanza.args[2]!, 'base64');
      if (share.length !== 32 || stanza.body.length !== FILE_KEY_SIZE + TAG_SIZE) {
        throw new Error('invalid ssh-ed25519 stanza');
      }
      const shared = x25519(tweak(this.#wireKey), x25519(this.#scalar, share));
      const key = hkdf(shared, Buffer.concat([share, this.#ourX25519]));
      const fileKey = open(key, stanza.body);
      if (!fileKey) throw new Error('ssh-ed25519 stanza does not open with this key');
      return fileKey;
    }
    return null;
  }
}

function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function fingerprint(wireKey: Buffer): string {
  return base64NoPad(createHash('sha256').update(wireKey).digest().subarray(0, 4));
}

function tweak(wireKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.alloc(0), wireKey, LABEL, 32));
}

function hkdf(secret: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, salt, LABEL, 32));
}

/** ChaCha20-Poly1305 with the all-zero nonce, as age wraps file keys (each key is used once). */
function seal(key: Buffer, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, Buffer.alloc(12), { authTagLength: TAG_SIZE });
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function open(key: Buffer, sealed: Uint8Array): Buffer | undefined {
  const decipher = createDecipheriv('chacha20-poly1305', key, Buffer.alloc(12), { authTagLength: TAG_SIZE });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_SIZE)), decipher.final()]);
  } catch {
    return undefined;
  }
}

// DER wrappers that let node:crypto take raw 32-byte X25519 keys (RFC 8410 PKCS#8 and SPKI prefixes).
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');

function x25519Public(point: Buffer) {
  return createPublicKey({ key: Buffer.concat([SPKI_X25519, point]), format: 'der', type: 'spki' });
}

/** X25519(scalar, point); throws for a low-order point (an all-zero result), as Go's curve25519 does. */
function x25519(scalar: Buffer, point: Buffer): Buffer {
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_X25519, scalar]),
    format: 'der',
    type: 'pkcs8',
  });
  return diffieHellman({ privateKey, publicKey: x25519Public(point) });
}

function rawX25519Public(jwkX: string | undefined): Buffer {
  if (!jwkX) throw new Error('x25519 key export failed');
  return Buffer.from(jwkX, 'base64url');
}

const P = 2n ** 255n - 19n;

/** The Montgomery u of an Edwards point: u = (1 + y) / (1 − y) mod p (RFC 7748 §4.1). */
export function ed25519PublicToX25519(publicKey: Uint8Array): Buffer {
  if (publicKey.length !== 32) throw new Error('an ed25519 public key is 32 bytes');
  const y = littleEndian(publicKey) & ((1n << 255n) - 1n); // the top bit is x's sign
  if (y >= P || y === 1n) throw new Error('not a valid ed25519 public key');
  const u = ((1n + y) * modPow((1n - y + P) % P, P - 2n)) % P;
  const out = Buffer.alloc(32);
  let rest = u;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

function littleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = base % P;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
    e >>= 1n;
  }
  return result;
}

function base64NoPad(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '');
}
