/**
 * Reading OpenSSH keys: an `authorized_keys`-style public key line and the `openssh-key-v1` private key
 * format (PROTOCOL.key in OpenSSH's sources). Only ed25519 keys can be used; the others are recognised so
 * that the refusal can name them.
 */

export interface SshPublicKey {
  type: string;
  /** For ssh-ed25519, the 32-byte key; for other types, the whole wire blob. */
  key: Buffer;
}

/** Why a key could not be used: the caller turns this into a message with the file and line. */
export class SshKeyProblem extends Error {
  readonly reason: 'malformed' | 'unsupported' | 'encrypted';
  readonly keyType: string | undefined;

  constructor(reason: SshKeyProblem['reason'], message: string, keyType?: string) {
    super(message);
    this.reason = reason;
    this.keyType = keyType;
  }
}

/** Parses `ssh-ed25519 AAAA… [comment]`. @throws SshKeyProblem */
export function parseSshPublicKey(line: string): SshPublicKey {
  const [type, blob] = line.trim().split(/\s+/);
  if (!type || !blob) throw new SshKeyProblem('malformed', 'an ssh public key is "TYPE BASE64 [comment]"');
  const wire = new WireReader(decodeBase64(blob));
  const innerType = wire.string().toString();
  if (innerType !== type)
    throw new SshKeyProblem('malformed', `the key says "${innerType}" inside, not "${type}"`);
  if (type !== 'ssh-ed25519') {
    throw new SshKeyProblem('unsupported', `${type} keys are not supported`, type);
  }
  const key = wire.string();
  if (key.length !== 32 || !wire.done())
    throw new SshKeyProblem('malformed', 'the ed25519 key is not 32 bytes');
  return { type, key };
}

export interface SshEd25519PrivateKey {
  seed: Buffer;
  publicKey: Buffer;
}

const BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
const END = '-----END OPENSSH PRIVATE KEY-----';
const MAGIC = Buffer.from('openssh-key-v1\0');

export function isOpenSshPrivateKey(text: string): boolean {
  return text.trimStart().startsWith(BEGIN);
}

/** Parses an unencrypted `openssh-key-v1` ed25519 private key. @throws SshKeyProblem */
export function parseOpenSshPrivateKey(text: string): SshEd25519PrivateKey {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new SshKeyProblem('malformed', 'the OpenSSH key block is incomplete');
  const blob = decodeBase64(text.slice(start + BEGIN.length, end).replace(/\s+/g, ''));
  if (!blob.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new SshKeyProblem('malformed', 'not an openssh-key-v1 key');
  }
  const wire = new WireReader(blob.subarray(MAGIC.length));
  const cipher = wire.string().toString();
  wire.string(); // kdf name
  wire.string(); // kdf options
  if (cipher !== 'none') throw new SshKeyProblem('encrypted', 'the key is protected by a passphrase');
  if (wire.uint32() !== 1) throw new SshKeyProblem('malformed', 'the file holds more than one key');
  wire.string(); // the public key, repeated in the private section
  const secret = new WireReader(wire.string());
  if (secret.uint32() !== secret.uint32()) throw new SshKeyProblem('malformed', 'the check words differ');
  const type = secret.string().toString();
  if (type !== 'ssh-ed25519') throw new SshKeyProblem('unsupported', `${type} keys are not supported`, type);
  const publicKey = secret.string();
  const both = secret.string(); // seed ‖ public key
  if (publicKey.length !== 32 || both.length !== 64 || !both.subarray(32).equals(publicKey)) {
    throw new SshKeyProblem('malformed', 'the ed25519 key has the wrong length');
  }
  return { seed: Buffer.from(both.subarray(0, 32)), publicKey: Buffer.from(publicKey) };
}

function decodeBase64(text: string): Buffer {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text))
    throw new SshKeyProblem('malformed', 'the key is not valid base64');
  return Buffer.from(text, 'base64');
}

/** The ssh wire format's uint32 and length-prefixed strings, failing cleanly on short input. */
class WireReader {
  #at = 0;
  readonly #bytes: Buffer;

  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  uint32(): number {
    if (this.#at + 4 > this.#bytes.length) throw new SshKeyProblem('malformed', 'the key is cut short');
    const value = this.#bytes.readUInt32BE(this.#at);
    this.#at += 4;
    return value;
  }

  string(): Buffer {
    const length = this.uint32();
    if (this.#at + length > this.#bytes.length) throw new SshKeyProblem('malformed', 'the key is cut short');
    const value = this.#bytes.subarray(this.#at, this.#at + length);
    this.#at += length;
    return value;
  }

  done(): boolean {
    return this.#at === this.#bytes.length;
  }
}
