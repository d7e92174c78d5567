/**
 * What can be learnt from an age file without a key: that it is one (its first line is
 * `age-encryption.org/v1`), and the types of the recipient stanzas in its header (X25519, ssh-ed25519,
 * scrypt = a passphrase). The header is public by design; it names no file and no content, so
 * `backups --scan` can say "encrypted, X25519" and restore can ask for the right kind of key.
 */
import { countKinds } from './encryption-keys.ts';

export const AGE_MAGIC = Buffer.from('age-encryption.org/v1\n');
const ARMOR_BEGIN = Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----');
/** Far more than any real header (a stanza is ~150 bytes); a file whose header runs on is damaged. */
export const MAX_HEADER = 64 * 1024;

/** Whether `start` (the file's first bytes, at least 22 of them) begins a binary age file. */
export function isAgeFile(start: Uint8Array): boolean {
  return start.length >= AGE_MAGIC.length && AGE_MAGIC.equals(start.subarray(0, AGE_MAGIC.length));
}

/** Whether `start` begins an ASCII-armored age file (`age -a`), which Stowage does not read. */
export function isArmoredAgeFile(start: Uint8Array): boolean {
  const text = Buffer.from(start.subarray(0, 64)).toString('latin1').trimStart();
  return text.startsWith(ARMOR_BEGIN.toString('latin1'));
}

/** How a stanza type reads in Stowage's output: 'scrypt' is a passphrase. */
export function stanzaKind(type: string): string {
  if (type === 'scrypt') return 'passphrase';
  if (type === 'mlkem768x25519') return 'post-quantum';
  return type;
}

export interface AgeHeaderInfo {
  /** The first argument of each recipient stanza, in order: 'X25519', 'ssh-ed25519', 'scrypt'… */
  stanzaTypes: string[];
  /** Bytes up to and including the MAC line; the payload nonce follows. */
  headerSize: number;
}

/** "encrypted, X25519 ×2, ssh-ed25519" or "encrypted, passphrase". */
export function describeAgeHeader(info: AgeHeaderInfo): string {
  // Grease stanzas (random `…-grease` types some implementations add to keep parsers honest) mean nothing.
  const real = info.stanzaTypes.filter((type) => !type.endsWith('-grease'));
  return `encrypted, ${countKinds(real.map(stanzaKind))}`;
}

/**
 * Reads an age header from the start of a file, without a key. Consumes only as much of `source` as the
 * header needs (the caller should then destroy it); `undefined` when the bytes are not an age file.
 * @throws Error when it starts like an age file but the header is damaged or cut short.
 */
export async function readAgeHeader(source: AsyncIterable<Uint8Array>): Promise<AgeHeaderInfo | undefined> {
  let buffered = Buffer.alloc(0);
  for await (const chunk of source) {
    buffered = Buffer.concat([buffered, chunk]);
    if (buffered.length >= AGE_MAGIC.length && !isAgeFile(buffered)) return undefined;
    const info = parseHeaderLines(buffered);
    if (info) return info;
    if (buffered.length > MAX_HEADER) throw new Error('the age header does not end');
  }
  if (!isAgeFile(buffered)) return undefined;
  throw new Error('the file ends inside its age header');
}

/**
 * The header of the age file `bytes` begins, once its `---` MAC line is complete; undefined while more bytes
 * are needed. @throws Error for a line no header holds.
 */
export function parseHeaderLines(bytes: Buffer): AgeHeaderInfo | undefined {
  const stanzaTypes: string[] = [];
  let at = AGE_MAGIC.length;
  for (;;) {
    const end = bytes.indexOf(0x0a, at);
    if (end < 0) return undefined;
    const line = bytes.subarray(at, end).toString('latin1');
    at = end + 1;
    if (line.startsWith('--- ')) return { stanzaTypes, headerSize: at };
    if (line.startsWith('-> ')) {
      const type = line.slice(3).split(' ')[0];
      if (!type) throw new Error('the age header holds an empty stanza');
      stanzaTypes.push(type);
    } else if (!/^[A-Za-z0-9+/]*$/.test(line)) {
      throw new Error('the age header is damaged');
    }
  }
}
