/**
 * Decryption failures in the user's words. typage reports a wrong key as "no identity matched any of the
 * file's recipients" whatever the case; the header's stanza types and the kinds of key given tell a wrong
 * key from a wrong passphrase from a passphrase file given for a key-encrypted backup.
 */
import { StowageError } from '../core/errors.ts';
import { isArmoredAgeFile, stanzaKind } from './age-header.ts';
import type { AgeHeaderInfo } from './age-header.ts';
import type { DecryptionKeys } from './decryption-keys.ts';
import { countKinds } from './encryption-keys.ts';

const OTHER_COPY =
  'the copy was altered or truncated in storage or transfer: use another copy of this backup';

export function notAgeFile(start: Buffer, name: string): StowageError {
  if (isArmoredAgeFile(start)) {
    return new StowageError(
      'invalid',
      `${name} is an ASCII-armored age file (age -a), which Stowage does not read`,
      {
        hint: 'turn it into a binary age file first: `age -d` it and encrypt again without -a',
      },
    );
  }
  const what = start.length === 0 ? 'is empty, not an age-encrypted file' : 'is not an age-encrypted file';
  return new StowageError('invalid', `${name} ${what}`, {
    hint: 'an unencrypted backup needs no key: leave out --identity and --passphrase-file',
  });
}

/** Why typage's `decryptHeader` refused a complete header. */
export function headerRefused(
  error: unknown,
  header: AgeHeaderInfo,
  keys: DecryptionKeys,
  name: string,
): StowageError {
  const message = error instanceof Error ? error.message : String(error);
  if (message.includes('no identity matched')) return noMatch(header, keys, name);
  if (message.includes('work factor is too high')) {
    return new StowageError(
      'invalid',
      `${name} asks for a scrypt work factor above 2^20, which Stowage does not try`,
      {
        hint: 'such a file takes minutes and gigabytes to open: decrypt it by hand with `age -d`',
      },
    );
  }
  if (message.includes('HMAC')) return damagedHeader(name, 'its header does not match its MAC', error);
  return damagedHeader(name, `its header is malformed (${message})`, error);
}

export function damagedHeader(name: string, why: string, cause?: unknown): StowageError {
  return new StowageError('failed', `${name} is damaged at byte 0: ${why}`, { hint: OTHER_COPY, cause });
}

export function damagedPayload(name: string, at: number, cause: unknown): StowageError {
  return new StowageError(
    'failed',
    `${name} is damaged or cut short at byte ${at}: its data does not authenticate from there on`,
    {
      hint: `${OTHER_COPY}, or an older backup`,
      cause,
    },
  );
}

function noMatch(header: AgeHeaderInfo, keys: DecryptionKeys, name: string): StowageError {
  const byPassphrase = header.stanzaTypes.includes('scrypt');
  const encryptedTo = countKinds(header.stanzaTypes.map(stanzaKind));
  if (byPassphrase && keys.kinds.has('passphrase')) {
    return new StowageError('invalid', `wrong passphrase: the passphrase file does not open ${name}`, {
      hint: 'give the passphrase file this backup was made with',
    });
  }
  if (byPassphrase) {
    return new StowageError(
      'invalid',
      `${name} is encrypted with a passphrase, and no passphrase was given`,
      {
        hint: 'give --passphrase-file FILE with the passphrase it was made with',
      },
    );
  }
  if (keys.kinds.size === 1 && keys.kinds.has('passphrase')) {
    return new StowageError(
      'invalid',
      `${name} is encrypted to keys (${encryptedTo}), not with a passphrase`,
      {
        hint: 'give --identity FILE with the secret key of one of its recipients',
      },
    );
  }
  return new StowageError(
    'invalid',
    `no identity matches ${name}: it was encrypted to other recipients (${encryptedTo})`,
    {
      hint: 'give --identity with the secret key of one of the recipients it was made for (your offline recovery key, perhaps)',
    },
  );
}
