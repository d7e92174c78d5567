/**
 * Secrets (passphrases, private keys) reach Stowage only as files named by path, never as arguments, so
 * they stay out of `ps`, shell history, logs and the catalog. Like OpenSSH with private keys, a secret file
 * that other users can read or write is refused rather than used: Stowage would otherwise quietly bless a
 * key that is already exposed.
 */
import { readFileSync, statSync } from 'node:fs';
import { inspect } from 'node:util';
import { StowageError, invalid } from '../core/errors.ts';

/**
 * The contents of a secret file and a check to run once they parsed as a secret: a world-readable file
 * holding a *public* key deserves "this is a public key", not a chmod lecture.
 * @throws StowageError 'not-found' when it is missing; 'invalid' when it is not a regular file.
 */
export function readSecretFile(path: string, what: string): { text: string; refuseIfExposed: () => void } {
  const info = statOrThrow(path, what);
  if (!info.isFile()) throw invalid(`${what} ${path} is not a file`, `name the file that holds the ${what}`);
  const text = readFileSync(path, 'utf8');
  const refuseIfExposed = () => {
    if ((info.mode & 0o077) === 0) return;
    throw invalid(
      `${what} ${path} is readable or writable by other users (mode ${(info.mode & 0o777).toString(8)})`,
      `restrict it to its owner: \`chmod 600 ${path}\` (for a Docker secret, give it \`mode: 0400\`)`,
    );
  };
  return { text, refuseIfExposed };
}

/** A public file's contents (a recipients file): only its existence is checked. */
export function readPublicFile(path: string, what: string): string {
  const info = statOrThrow(path, what);
  if (!info.isFile()) throw invalid(`${what} ${path} is not a file`, `name the file that holds the ${what}`);
  return readFileSync(path, 'utf8');
}

function statOrThrow(path: string, what: string) {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new StowageError('not-found', `${what} ${path} does not exist`, { hint: 'check the path' });
    }
    throw new StowageError('invalid', `cannot read ${what} ${path}: ${code ?? String(error)}`, {
      hint: 'check that the file exists and that Stowage may read it',
    });
  }
}

/**
 * A passphrase that never prints itself: `String()`, JSON and `util.inspect` show a placeholder, so a
 * passphrase passed into a log line or an error by mistake does not leak.
 */
export class Passphrase {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself, for the cipher only. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[passphrase]';
  }

  toJSON(): string {
    return '[passphrase]';
  }

  [inspect.custom](): string {
    return '[passphrase]';
  }
}

/**
 * Reads a passphrase file: one line, its line ending dropped (as restic's `--password-file` does).
 * @throws StowageError 'invalid' for an empty file or one of several lines (which is likely a key file
 * named by mistake, and could not be typed at `age -d`'s prompt either).
 */
export function readPassphraseFile(path: string): Passphrase {
  const file = readSecretFile(path, 'passphrase file');
  const text = file.text.replace(/\r?\n$/, '');
  if (text.length === 0) {
    throw invalid(`passphrase file ${path} is empty`, 'write the passphrase on the first line of the file');
  }
  if (/[\r\n]/.test(text)) {
    throw invalid(
      `passphrase file ${path} holds more than one line`,
      'a passphrase file holds the passphrase alone on one line (an age key file goes to --identity)',
    );
  }
  file.refuseIfExposed();
  return new Passphrase(text);
}
