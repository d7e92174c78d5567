/**
 * What a backup is encrypted to: age recipients (`age1…` X25519 keys, `ssh-ed25519 …` public keys, given
 * one by one or in a recipients file as `age -R` reads it) or one passphrase read from a file. Mixing the
 * two is refused, as age itself refuses it: a passphrase file must be the only way in.
 */
import { Encrypter } from 'age-encryption';
import type { Recipient } from 'age-encryption';
import { invalid } from '../core/errors.ts';
import type { Passphrase } from './secret-file.ts';
import { readPassphraseFile, readPublicFile } from './secret-file.ts';
import { ScryptRecipient } from './scrypt-recipient.ts';
import { SshEd25519Recipient } from './ssh-ed25519.ts';
import { SshKeyProblem, parseSshPublicKey } from './ssh-keys.ts';

/** The recipient kinds, named as `describeStanzas` names them in a header. */
export type RecipientKind = 'X25519' | 'ssh-ed25519' | 'post-quantum';

export interface ParsedRecipient {
  kind: RecipientKind;
  /** The public key as given (never secret), for messages and `backups` output. */
  text: string;
  /** An `age1…` string (typage parses those itself) or our ssh-ed25519 recipient. */
  recipient: string | Recipient;
}

const MAKE_A_KEY =
  'make a key with `age-keygen -o key.txt` (its public key is the `age1…` line) or `ssh-keygen -t ed25519`';

/**
 * Parses one recipient. `where` names it in messages (`--encrypt-to`, `recipients.txt line 3`).
 * @throws StowageError 'invalid' naming `where` and what is wrong, with a hint.
 */
export function parseRecipient(text: string, where = 'recipient'): ParsedRecipient {
  const given = text.trim();
  const shown = given.length > 40 ? `${given.slice(0, 37)}…` : given;
  if (given.startsWith('AGE-SECRET-KEY-')) {
    // Do not echo it: it is a private key pasted where the public one belongs.
    throw invalid(
      `${where}: this is an age secret key, not a recipient`,
      'give the public key instead: `age-keygen -y key.txt` prints it; keep the secret key off this host',
    );
  }
  if (given.startsWith('age1')) {
    // bech32's alphabet has no "1": one after "age1" ends a longer prefix (age1yubikey1…, age1tag1…).
    const kind: RecipientKind = given.startsWith('age1pq1') ? 'post-quantum' : 'X25519';
    if (kind === 'X25519' && given.slice(4).includes('1')) {
      throw invalid(
        `${where}: "${shown}" is an age plugin recipient`,
        `age plugins are not supported: ${MAKE_A_KEY}`,
      );
    }
    try {
      new Encrypter().addRecipient(given); // typage validates the encoding and length here
      return { kind, text: given, recipient: given };
    } catch {
      throw invalid(
        `${where}: "${shown}" is not a valid age recipient`,
        'check that the key was copied whole (age1 followed by 58 letters and digits)',
      );
    }
  }
  if (/^(ssh-|ecdsa-|sk-)/.test(given)) return parseSshRecipient(given, shown, where);
  if (given.startsWith('-----BEGIN')) {
    throw invalid(
      `${where}: this is a private key file, not a recipient`,
      'give the public key (`id_ed25519.pub` or `age-keygen -y key.txt`)',
    );
  }
  throw invalid(
    `${where}: "${shown}" is not an age or ssh-ed25519 public key`,
    `a recipient starts with age1… or ssh-ed25519; ${MAKE_A_KEY}`,
  );
}

function parseSshRecipient(given: string, shown: string, where: string): ParsedRecipient {
  try {
    const { key } = parseSshPublicKey(given);
    return { kind: 'ssh-ed25519', text: given, recipient: new SshEd25519Recipient(key) };
  } catch (error) {
    if (error instanceof SshKeyProblem && error.reason === 'unsupported') {
      throw invalid(
        `${where}: ${error.keyType} keys are not supported (only ssh-ed25519 and age keys are)`,
        `use an ed25519 key (\`ssh-keygen -t ed25519\`) or an age key: \`age-keygen -o key.txt\``,
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw invalid(
      `${where}: "${shown}" is not a valid ssh public key: ${reason}`,
      'copy the whole line of the .pub file',
    );
  }
}

/**
 * Reads a recipients file as `age -R` does: one recipient a line, blank lines and `#` comments ignored.
 * @throws StowageError 'invalid' naming the file and line of a bad key, or when it holds no recipient.
 */
export function readRecipientsFile(path: string): ParsedRecipient[] {
  const lines = readPublicFile(path, 'recipients file').split(/\r?\n/);
  const recipients = lines.flatMap((line, index) => {
    const text = line.trim();
    return text === '' || text.startsWith('#')
      ? []
      : [parseRecipient(text, `recipients file ${path} line ${index + 1}`)];
  });
  if (recipients.length === 0) {
    throw invalid(
      `recipients file ${path} holds no recipient`,
      'write one age1… or ssh-ed25519 public key a line',
    );
  }
  return recipients;
}

export interface EncryptionOptions {
  /** `--encrypt-to` values: `age1…` or `ssh-ed25519 …`. */
  recipients?: readonly string[];
  /** `--encrypt-to-file` paths. */
  recipientFiles?: readonly string[];
  /** `--passphrase-file` path. */
  passphraseFile?: string;
  /** scrypt's log2 work factor for passphrases; age's default, 18, unless a test needs speed. */
  scryptWorkFactor?: number;
}

/** The keys one backup is encrypted to. Holds no secret that prints: see `Passphrase`. */
export class EncryptionKeys {
  readonly method: 'recipients' | 'passphrase';
  /** The public recipients, safe to print; empty for a passphrase. */
  readonly recipients: readonly Omit<ParsedRecipient, 'recipient'>[];
  readonly #recipients: readonly (string | Recipient)[];
  readonly #passphrase: Passphrase | undefined;
  readonly #workFactor: number;

  constructor(recipients: readonly ParsedRecipient[], passphrase?: Passphrase, scryptWorkFactor = 18) {
    this.method = passphrase ? 'passphrase' : 'recipients';
    this.recipients = recipients.map(({ kind, text }) => ({ kind, text }));
    this.#recipients = recipients.map((r) => r.recipient);
    this.#passphrase = passphrase;
    this.#workFactor = scryptWorkFactor;
  }

  /** "X25519 ×2, ssh-ed25519" or "passphrase": how `backups` describes the result. */
  summary(): string {
    return this.#passphrase ? 'passphrase' : countKinds(this.recipients.map((r) => r.kind));
  }

  /**
   * A new age header for one file, and the file key it wraps (fresh for every call). typage writes the
   * recipient stanzas and the MAC; an extra recipient that adds no stanza hands us the file key, from which
   * the caller derives the payload key (age-stream.ts). The header is everything typage wrote for an empty
   * file but its payload nonce and empty last block (16 + 16 bytes).
   */
  async header(): Promise<{ header: Buffer; fileKey: Uint8Array }> {
    let fileKey: Uint8Array | undefined;
    const keepFileKey: Recipient = {
      wrapFileKey(key) {
        fileKey = Uint8Array.from(key);
        return [];
      },
    };
    const encrypter = new Encrypter();
    const recipients = this.#passphrase
      ? [new ScryptRecipient(this.#passphrase, this.#workFactor)]
      : this.#recipients;
    for (const recipient of [...recipients, keepFileKey]) encrypter.addRecipient(recipient);
    const emptyFile = await encrypter.encrypt(new Uint8Array(0));
    if (!fileKey) throw new Error('age-encryption did not wrap a file key');
    return { header: Buffer.from(emptyFile.subarray(0, emptyFile.length - 32)), fileKey };
  }
}

/**
 * Resolves `--encrypt-to`, `--encrypt-to-file` and `--passphrase-file` into keys.
 * @throws StowageError 'invalid' when nothing or both recipients and a passphrase are given, or a key or
 * file is bad; 'not-found' when a file is missing.
 */
export function encryptionKeys(options: EncryptionOptions): EncryptionKeys {
  const recipients = [
    ...(options.recipients ?? []).map((text) => parseRecipient(text, '--encrypt-to')),
    ...(options.recipientFiles ?? []).flatMap((path) => readRecipientsFile(path)),
  ];
  if (options.passphraseFile !== undefined) {
    if (recipients.length > 0) {
      throw invalid(
        'a backup is encrypted either to recipients or with a passphrase, not both',
        'drop --passphrase-file, or drop --encrypt-to/--encrypt-to-file (age refuses the mix too)',
      );
    }
    return new EncryptionKeys([], readPassphraseFile(options.passphraseFile), options.scryptWorkFactor);
  }
  if (recipients.length === 0) {
    throw invalid(
      'no key to encrypt to',
      'give --encrypt-to age1…, --encrypt-to-file FILE or --passphrase-file FILE',
    );
  }
  return new EncryptionKeys(recipients);
}

/** "X25519 ×2, ssh-ed25519": kinds in first-seen order with their counts. */
export function countKinds(kinds: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const kind of kinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => (n > 1 ? `${kind} ×${n}` : kind)).join(', ');
}
