/**
 * Tar header codec: ustar blocks, pax records, GNU long names and base-256 numbers, as GNU tar, Go's
 * archive/tar (the engine's side of the archive API) and busybox write them. Pure functions on buffers.
 *
 * Stowage re-encodes every header it passes on instead of copying header bytes, so the tar that reaches the
 * engine is exactly the one the safety checks looked at (no parser differentials).
 */
import { invalid } from '../core/errors.ts';

export const BLOCK_SIZE = 512;

export type EntryType =
  'file' | 'directory' | 'symlink' | 'hardlink' | 'char-device' | 'block-device' | 'fifo';

/** One archive member with every attribute Stowage keeps. */
export interface TarHeader {
  name: string;
  type: EntryType;
  /** Permission bits including setuid, setgid and sticky (`mode & 0o7777`). */
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  /** Bytes of data that follow the header; always 0 for header-only types (links, dirs, devices, fifos). */
  size: number;
  /** Seconds since the epoch; may be fractional when a pax `mtime` record carried sub-second precision. */
  mtime: number;
  /** Symlink or hardlink target; '' for other types. */
  linkname: string;
  devmajor: number;
  devminor: number;
  /**
   * Pax records carried through unchanged (xattrs such as `SCHILY.xattr.security.capability`, the exact
   * `mtime` text, `atime`...). Never holds path, linkpath, size, uid, gid, uname or gname: those live in the
   * fields above and the encoder writes them itself.
   */
  pax: Readonly<Record<string, string>> | undefined;
}

/** The fields of one 512-byte header block, before pax and GNU long-name records are applied. */
export interface RawHeader {
  name: string;
  typeflag: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
}

const TYPEFLAGS: Readonly<Record<EntryType, string>> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  'char-device': '3',
  'block-device': '4',
  directory: '5',
  fifo: '6',
};

/** Pax keys that map onto header fields; everything else is carried in `TarHeader.pax`. */
export const PAX_FIELD_KEYS: ReadonlySet<string> = new Set([
  'path',
  'linkpath',
  'size',
  'uid',
  'gid',
  'uname',
  'gname',
]);

const MAX_OCTAL_7 = 0o7777777;
const MAX_OCTAL_11 = 0o77777777777;

/** Returns null for an all-zero block (end of archive); throws `invalid` for a damaged header. */
export function decodeHeaderBlock(block: Buffer): RawHeader | null {
  if (isZeroBlock(block)) return null;
  const stored = parseNumber(block, 148, 8);
  const { unsigned, signed } = checksums(block);
  if (stored !== unsigned && stored !== signed) {
    throw invalid(
      'a tar header does not match its own checksum',
      'check that the file is a tar, tar.gz or tar.zst archive and that it was copied completely',
    );
  }
  const magic = block.toString('latin1', 257, 263);
  let name = readString(block, 0, 100);
  // POSIX ustar keeps long names split in a prefix field; GNU's "ustar  " magic uses that space for times.
  if (magic === 'ustar\0' && block[345] !== 0) name = `${readString(block, 345, 155)}/${name}`;
  return {
    name,
    typeflag: String.fromCharCode(block[156] ?? 0),
    mode: parseNumber(block, 100, 8) & 0o7777,
    uid: parseNumber(block, 108, 8),
    gid: parseNumber(block, 116, 8),
    size: parseNumber(block, 124, 12),
    mtime: parseNumber(block, 136, 12),
    linkname: readString(block, 157, 100),
    uname: readString(block, 265, 32),
    gname: readString(block, 297, 32),
    devmajor: parseNumber(block, 329, 8),
    devminor: parseNumber(block, 337, 8),
  };
}

/** Parses the records of a pax extended header (`"<len> <key>=<value>\n"` repeated). */
export function parsePaxRecords(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let offset = 0;
  while (offset < data.length) {
    // Some writers pad the record area with NULs.
    if (data[offset] === 0) break;
    const space = data.indexOf(0x20, offset);
    const length = space === -1 ? NaN : Number(data.toString('latin1', offset, space));
    if (!Number.isSafeInteger(length) || length <= space - offset || offset + length > data.length) {
      throw invalid('malformed pax extended header in the tar stream');
    }
    const record = data.toString('utf8', space + 1, offset + length - 1);
    const equals = record.indexOf('=');
    if (equals <= 0 || data[offset + length - 1] !== 0x0a) {
      throw invalid('malformed pax extended header record in the tar stream');
    }
    records[record.slice(0, equals)] = record.slice(equals + 1);
    offset += length;
  }
  return records;
}

/** Encodes a header as one ustar block, preceded by a pax header when a field does not fit ustar. */
export function encodeHeader(header: TarHeader): Buffer {
  const pax: Record<string, string> = { ...header.pax };
  const name = header.type === 'directory' && !header.name.endsWith('/') ? `${header.name}/` : header.name;
  const split = splitUstarName(name);
  if (split === undefined) pax.path = name;
  if (header.linkname !== '' && !fitsAscii(header.linkname, 100)) pax.linkpath = header.linkname;
  if (header.uid > MAX_OCTAL_7) pax.uid = String(header.uid);
  if (header.gid > MAX_OCTAL_7) pax.gid = String(header.gid);
  if (header.size > MAX_OCTAL_11) pax.size = String(header.size);
  if (!fitsAscii(header.uname, 32)) pax.uname = header.uname;
  if (!fitsAscii(header.gname, 32)) pax.gname = header.gname;
  const mtimeFits = Number.isInteger(header.mtime) && header.mtime >= 0 && header.mtime <= MAX_OCTAL_11;
  if (!mtimeFits && pax.mtime === undefined) pax.mtime = String(header.mtime);

  const block = Buffer.alloc(BLOCK_SIZE);
  writeString(block, split?.name ?? asciiFallback(name, 100), 0, 100);
  writeOctal(block, header.mode & 0o7777, 100, 8);
  writeOctal(block, header.uid <= MAX_OCTAL_7 ? header.uid : 0, 108, 8);
  writeOctal(block, header.gid <= MAX_OCTAL_7 ? header.gid : 0, 116, 8);
  writeSize(block, header.size);
  writeOctal(
    block,
    mtimeFits ? header.mtime : Math.min(Math.max(Math.floor(header.mtime), 0), MAX_OCTAL_11),
    136,
    12,
  );
  block[156] = TYPEFLAGS[header.type].charCodeAt(0);
  if (pax.linkpath === undefined) writeString(block, header.linkname, 157, 100);
  else writeString(block, asciiFallback(header.linkname, 100), 157, 100);
  block.write('ustar\x0000', 257, 'latin1');
  writeString(block, pax.uname === undefined ? header.uname : '', 265, 32);
  writeString(block, pax.gname === undefined ? header.gname : '', 297, 32);
  writeOctal(block, Math.min(header.devmajor, MAX_OCTAL_7), 329, 8);
  writeOctal(block, Math.min(header.devminor, MAX_OCTAL_7), 337, 8);
  if (split !== undefined && split.prefix !== '') writeString(block, split.prefix, 345, 155);
  writeChecksum(block);

  if (Object.keys(pax).length === 0) return block;
  const paxData = Buffer.from(formatPaxRecords(pax), 'utf8');
  const paxHeader = Buffer.alloc(BLOCK_SIZE);
  writeString(paxHeader, asciiFallback(`./PaxHeaders/${baseName(name)}`, 100), 0, 100);
  writeOctal(paxHeader, 0o644, 100, 8);
  writeOctal(paxHeader, 0, 108, 8);
  writeOctal(paxHeader, 0, 116, 8);
  writeOctal(paxHeader, paxData.length, 124, 12);
  writeOctal(paxHeader, mtimeFits ? header.mtime : 0, 136, 12);
  paxHeader[156] = 'x'.charCodeAt(0);
  paxHeader.write('ustar\x0000', 257, 'latin1');
  writeChecksum(paxHeader);
  return Buffer.concat([paxHeader, paxData, Buffer.alloc(padding(paxData.length)), block]);
}

/** The two zero blocks that end a tar archive. */
export const END_OF_ARCHIVE: Buffer = Buffer.alloc(2 * BLOCK_SIZE);

/** Zero bytes needed after `size` bytes of data to reach the next block boundary. */
export function padding(size: number): number {
  const rest = size % BLOCK_SIZE;
  return rest === 0 ? 0 : BLOCK_SIZE - rest;
}

/** Types whose header is never followed by data, whatever their size field says (as Go's reader does). */
export function isHeaderOnly(type: EntryType): boolean {
  return type !== 'file';
}

function formatPaxRecords(records: Record<string, string>): string {
  let text = '';
  for (const [key, value] of Object.entries(records)) {
    const body = ` ${key}=${value}\n`;
    const bodyLength = Buffer.byteLength(body);
    let length = bodyLength + String(bodyLength).length;
    // The length counts its own digits, which can carry over to one more digit.
    if (String(length).length + bodyLength !== length) length = bodyLength + String(length).length;
    text += `${length}${body}`;
  }
  return text;
}

function splitUstarName(name: string): { prefix: string; name: string } | undefined {
  if (!isAscii(name)) return undefined;
  if (name.length <= 100) return { prefix: '', name };
  // Split at a slash so that the rest fits 100 bytes and the prefix 155 bytes.
  let slash = name.indexOf('/', name.length - 101);
  while (slash !== -1 && slash <= 155) {
    const rest = name.slice(slash + 1);
    if (rest.length > 0 && rest.length <= 100) return { prefix: name.slice(0, slash), name: rest };
    slash = name.indexOf('/', slash + 1);
  }
  return undefined;
}

function isAscii(text: string): boolean {
  // UTF-8 byte length equals UTF-16 length only when every character is ASCII.
  return Buffer.byteLength(text) === text.length && !text.includes('\0');
}

function fitsAscii(text: string, size: number): boolean {
  return text.length <= size && isAscii(text);
}

/** A stand-in for readers that ignore pax: printable ASCII, truncated to the field. */
function asciiFallback(text: string, size: number): string {
  return text.replace(/[^\x20-\x7e]/g, '_').slice(0, size);
}

function baseName(name: string): string {
  const trimmed = name.endsWith('/') ? name.slice(0, -1) : name;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK_SIZE; i += 1) if (block[i] !== 0) return false;
  return true;
}

function checksums(block: Buffer): { unsigned: number; signed: number } {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK_SIZE; i += 1) {
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    unsigned += byte;
    // Some old tars summed signed chars.
    signed += byte > 127 ? byte - 256 : byte;
  }
  return { unsigned, signed };
}

function readString(block: Buffer, offset: number, size: number): string {
  const nul = block.indexOf(0, offset);
  const end = nul === -1 || nul > offset + size ? offset + size : nul;
  return block.toString('utf8', offset, end);
}

/** Octal (space/NUL terminated, leading spaces allowed) or GNU base-256 when the high bit is set. */
function parseNumber(block: Buffer, offset: number, size: number): number {
  const first = block[offset] ?? 0;
  if (first & 0x80) {
    const negative = first === 0xff;
    let value = negative ? -1 : first & 0x7f;
    for (let i = offset + 1; i < offset + size; i += 1) value = value * 256 + (block[i] ?? 0);
    if (!Number.isSafeInteger(value)) throw invalid('a tar header holds a number out of range');
    return value;
  }
  let value = 0;
  let i = offset;
  const end = offset + size;
  while (i < end && block[i] === 0x20) i += 1;
  for (; i < end; i += 1) {
    const byte = block[i] ?? 0;
    if (byte === 0 || byte === 0x20) break;
    if (byte < 0x30 || byte > 0x37) throw invalid('a tar header holds a malformed number');
    value = value * 8 + (byte - 0x30);
  }
  return value;
}

function writeString(block: Buffer, text: string, offset: number, size: number): void {
  block.write(text, offset, size, 'utf8');
}

function writeOctal(block: Buffer, value: number, offset: number, size: number): void {
  block.write(value.toString(8).padStart(size - 1, '0'), offset, size - 1, 'latin1');
}

function writeSize(block: Buffer, size: number): void {
  if (size <= MAX_OCTAL_11) {
    writeOctal(block, size, 124, 12);
    return;
  }
  // GNU base-256 for readers without pax; the pax `size` record says the same.
  let rest = size;
  for (let i = 124 + 11; i > 124; i -= 1) {
    block[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  block[124] = 0x80;
}

function writeChecksum(block: Buffer): void {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK_SIZE; i += 1) sum += block[i] ?? 0;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
}
