/**
 * What opens an encrypted backup: identity files (age's `AGE-SECRET-KEY-1…` lines as `age -i` reads them,
 * or an unencrypted OpenSSH ed25519 private key) and/or a passphrase file. Secret lines are never echoed in
 * messages: a bad line is named by its number only.
 */
import { Decrypter } from 'age-encryption';
import type { Identity } from 'age-encryption';
import { invalid } from '../core/errors.ts';
import type { Passphrase } from './secret-file.ts';
import { readPassphraseFile, readSecretFile } from './secret-file.ts';
import { SshEd25519Identity } from './ssh-ed25519.ts';
import { SshKeyProblem, isOpenSshPrivateKey, parseOpenSshPrivateKey } from './ssh-keys.ts';

export type IdentityKind = 'X25519' | 'ssh-ed25519' | 'post-quantum';

interface ParsedIdentity {
  kind: IdentityKind;
  identity: string | Identity;
}

const NOT_SUPPORTED_HINT =
  'use an age identity (`age-keygen -o key.txt`) or an ed25519 ssh key (`ssh-keygen -t ed25519`)';

/**
 * Reads an identity file: an age identity file (one or more secret keys, `#` comments) or an OpenSSH
 * ed25519 private key without a passphrase. Refused when other users may read or write it, as ssh does.
 * @throws StowageError 'invalid' naming the file (and line) and the problem; 'not-found' when missing.
 */
export function readIdentityFile(path: string): ParsedIdentity[] {
  const { text, refuseIfExposed } = readSecretFile(path, 'identity file');
  const identities = parseIdentities(text, `identity file ${path}`);
  refuseIfExposed();
  return identities;
}

function parseIdentities(text: string, where: string): ParsedIdentity[] {
  if (isOpenSshPrivateKey(text)) return [sshIdentity(text, where)];
  const pem = /^-----BEGIN ([A-Z0-9 ]*)-----/.exec(text.trimStart());
  if (pem) {
    if (pem[1] === 'AGE ENCRYPTED FILE') throw encryptedIdentityFile(where);
    throw invalid(`${where}: ${pem[1]!.toLowerCase()} files are not supported`, NOT_SUPPORTED_HINT);
  }
  if (text.startsWith('age-encryption.org/v1')) throw encryptedIdentityFile(where);
  const identities = text.split(/\r?\n/).flatMap((line, index) => {
    const key = line.trim();
    return key === '' || key.startsWith('#') ? [] : [ageIdentity(key, `${where} line ${index + 1}`)];
  });
  if (identities.length === 0) {
    throw invalid(
      `${where} holds no key`,
      'an identity file holds AGE-SECRET-KEY-1… lines, as age-keygen writes them',
    );
  }
  return identities;
}

function ageIdentity(key: string, where: string): ParsedIdentity {
  if (key.startsWith('AGE-SECRET-KEY-')) {
    try {
      new Decrypter().addIdentity(key); // typage validates the encoding and length here
    } catch {
      throw invalid(`${where} is not a valid age secret key`, 'check that the key was copied whole');
    }
    return { kind: key.startsWith('AGE-SECRET-KEY-PQ-') ? 'post-quantum' : 'X25519', identity: key };
  }
  if (key.startsWith('AGE-PLUGIN-'))
    throw invalid(`${where} is an age plugin identity: plugins are not supported`, NOT_SUPPORTED_HINT);
  if (key.startsWith('age1') || /^(ssh-|ecdsa-|sk-)/.test(key)) {
    throw invalid(
      `${where} is a public key (a recipient), not a secret key`,
      'decrypting needs the secret key: the age key file (AGE-SECRET-KEY-1…) or the ssh private key without .pub',
    );
  }
  throw invalid(
    `${where} is not an age secret key`,
    'an identity file holds AGE-SECRET-KEY-1… lines and # comments',
  );
}

function sshIdentity(text: string, where: string): ParsedIdentity {
  try {
    const key = parseOpenSshPrivateKey(text);
    return { kind: 'ssh-ed25519', identity: new SshEd25519Identity(key.seed, key.publicKey) };
  } catch (error) {
    if (!(error instanceof SshKeyProblem)) throw error;
    if (error.reason === 'encrypted') {
      throw invalid(
        `${where}: the ssh key is protected by a passphrase, which Stowage cannot ask for`,
        'use a copy without one, kept where only you can read it (`cp KEY plain && ssh-keygen -p -N "" -f plain`), or an age identity',
      );
    }
    if (error.reason === 'unsupported') {
      throw invalid(
        `${where}: ${error.keyType} keys are not supported (only ssh-ed25519 is)`,
        NOT_SUPPORTED_HINT,
      );
    }
    throw invalid(
      `${where} is not a valid OpenSSH private key: ${error.message}`,
      'check that the file was copied whole',
    );
  }
}

function encryptedIdentityFile(where: string) {
  return invalid(
    `${where} is itself encrypted with age, and Stowage cannot ask for its passphrase`,
    'decrypt it into a file only you can read (`age -d -o key.txt key.age`, `chmod 600 key.txt`) and name that',
  );
}

export interface DecryptionOptions {
  /** `--identity` paths. */
  identityFiles?: readonly string[];
  /** `--passphrase-file` path. */
  passphraseFile?: string;
}

/** The keys a restore may try. Prints nothing secret. */
export class DecryptionKeys {
  /** Which kinds of key were given ('passphrase' included), for choosing the words of a refusal. */
  readonly kinds: ReadonlySet<IdentityKind | 'passphrase'>;
  readonly #identities: readonly (string | Identity)[];
  readonly #passphrase: Passphrase | undefined;

  constructor(identities: readonly ParsedIdentity[], passphrase?: Passphrase) {
    this.#identities = identities.map((i) => i.identity);
    this.#passphrase = passphrase;
    const kinds = new Set<IdentityKind | 'passphrase'>(identities.map((i) => i.kind));
    if (passphrase) kinds.add('passphrase');
    this.kinds = kinds;
  }

  /** A Decrypter holding `first` (an observer, say) and then every key. */
  decrypter(first?: Identity): Decrypter {
    const decrypter = new Decrypter();
    if (first) decrypter.addIdentity(first);
    for (const identity of this.#identities) decrypter.addIdentity(identity);
    if (this.#passphrase) decrypter.addPassphrase(this.#passphrase.reveal());
    return decrypter;
  }
}

/**
 * Resolves `--identity` and `--passphrase-file` into keys. Both may be given: each is tried.
 * @throws StowageError 'invalid' when neither is given or a file is bad; 'not-found' for a missing file.
 */
export function decryptionKeys(options: DecryptionOptions): DecryptionKeys {
  const identities = (options.identityFiles ?? []).flatMap((path) => readIdentityFile(path));
  const passphrase =
    options.passphraseFile === undefined ? undefined : readPassphraseFile(options.passphraseFile);
  if (identities.length === 0 && !passphrase) {
    throw invalid(
      'no key to decrypt with',
      'give --identity FILE (an age or ssh-ed25519 secret key) or --passphrase-file FILE',
    );
  }
  return new DecryptionKeys(identities, passphrase);
}
