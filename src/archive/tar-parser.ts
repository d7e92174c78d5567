/**
 * A synchronous push parser for tar streams. It owns no stream and no buffer beyond one header block and
 * one pax/long-name record, so it costs the same for ten entries or ten million; data chunks are handed
 * on as sub-arrays of the input, never copied.
 */
import { invalid } from '../core/errors.ts';
import {
  BLOCK_SIZE,
  PAX_FIELD_KEYS,
  decodeHeaderBlock,
  isHeaderOnly,
  padding,
  parsePaxRecords,
} from './tar-header.ts';
import type { EntryType, RawHeader, TarHeader } from './tar-header.ts';

/** Callbacks the parser calls, in order, for every entry: `entry`, `data`* , `entryEnd`. */
export interface TarParserHandler {
  entry(header: TarHeader): void;
  data(chunk: Buffer): void;
  entryEnd(): void;
}

/** pax, GNU long-name and long-link records larger than this are refused (they are held in memory). */
const MAX_META_SIZE = 1024 * 1024;

type State = 'header' | 'meta' | 'data' | 'skip' | 'end';

export class TarParser {
  readonly #handler: TarParserHandler;
  #state: State = 'header';
  readonly #block = Buffer.alloc(BLOCK_SIZE);
  #blockFill = 0;
  /** Bytes left in the current data, meta record or skipped region, then its padding. */
  #remaining = 0;
  #padding = 0;
  #emitting = false;
  #metaType = '';
  #metaParts: Buffer[] = [];
  #globalPax: Record<string, string> = {};
  #pax: Record<string, string> | undefined;
  #longName: string | undefined;
  #longLink: string | undefined;
  #current = '';
  #bytes = 0;
  #chunkStart = 0;
  #headerAt = -1;

  constructor(handler: TarParserHandler) {
    this.#handler = handler;
  }

  /** True once the end-of-archive zero block was read; later bytes (record padding) are ignored. */
  get ended(): boolean {
    return this.#state === 'end';
  }

  /** Tar bytes consumed so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Offset in the tar stream of the last header block read (-1 before the first), for messages. */
  get headerAt(): number {
    return this.#headerAt;
  }

  /** Feeds bytes; calls the handler synchronously. Throws `invalid` on a damaged or unsupported stream. */
  push(chunk: Buffer): void {
    this.#chunkStart = this.#bytes;
    this.#bytes += chunk.length;
    let offset = 0;
    while (offset < chunk.length && this.#state !== 'end') {
      if (this.#state === 'header') offset = this.#readHeader(chunk, offset);
      else offset = this.#readBody(chunk, offset);
    }
  }

  /**
   * Declares the input complete. Throws when it stopped inside an entry; returns whether the end-of-archive
   * marker was seen (a stream cut exactly between two entries has none).
   */
  end(): boolean {
    if (this.#state === 'end') return true;
    if (this.#state === 'header' && this.#blockFill === 0 && this.#pax === undefined) return false;
    const subject = this.#current === '' ? 'the archive' : `entry "${this.#current}"`;
    throw invalid(`tar stream is truncated inside ${subject}`, 'the archive is incomplete; use another copy');
  }

  #readHeader(chunk: Buffer, offset: number): number {
    let block: Buffer;
    if (this.#blockFill === 0 && chunk.length - offset >= BLOCK_SIZE) {
      block = chunk.subarray(offset, offset + BLOCK_SIZE);
      offset += BLOCK_SIZE;
    } else {
      const take = Math.min(BLOCK_SIZE - this.#blockFill, chunk.length - offset);
      chunk.copy(this.#block, this.#blockFill, offset, offset + take);
      this.#blockFill += take;
      offset += take;
      if (this.#blockFill < BLOCK_SIZE) return offset;
      this.#blockFill = 0;
      block = this.#block;
    }
    this.#headerAt = this.#chunkStart + offset - BLOCK_SIZE;
    const raw = decodeHeaderBlock(block);
    if (raw === null) this.#state = 'end';
    else this.#startEntry(raw);
    return offset;
  }

  #readBody(chunk: Buffer, offset: number): number {
    if (this.#remaining > 0) {
      const take = Math.min(this.#remaining, chunk.length - offset);
      const part = chunk.subarray(offset, offset + take);
      this.#remaining -= take;
      offset += take;
      if (this.#state === 'data' && this.#emitting) this.#handler.data(part);
      else if (this.#state === 'meta') this.#metaParts.push(Buffer.from(part));
      if (this.#remaining > 0) return offset;
      if (this.#state === 'meta') this.#finishMeta();
      else if (this.#emitting) this.#handler.entryEnd();
    }
    const skip = Math.min(this.#padding, chunk.length - offset);
    this.#padding -= skip;
    offset += skip;
    if (this.#padding === 0) this.#state = 'header';
    return offset;
  }

  #startEntry(raw: RawHeader): void {
    const flag = raw.typeflag;
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      if (raw.size > MAX_META_SIZE) throw invalid(`tar extended header of ${raw.size} bytes is too large`);
      this.#metaType = flag;
      this.#metaParts = [];
      this.#enterBody('meta', raw.size, false);
      if (raw.size === 0) this.#finishMeta();
      return;
    }
    const header = this.#applyExtensions(raw);
    this.#current = header.name;
    if (flag === 'V') {
      // A GNU volume label names the archive, not a file: skip it.
      this.#enterBody('skip', raw.size, false);
      return;
    }
    this.#handler.entry(header);
    if (flag === 'D') {
      // A GNU dumpdir is a directory followed by a listing of its names; the listing is not content.
      this.#handler.entryEnd();
      this.#enterBody('skip', raw.size, false);
      return;
    }
    this.#enterBody('data', header.size, true);
    if (header.size === 0) this.#handler.entryEnd();
  }

  #enterBody(state: State, size: number, emitting: boolean): void {
    this.#state = state;
    this.#remaining = size;
    this.#padding = padding(size);
    this.#emitting = emitting;
    if (size === 0) this.#state = 'header';
  }

  #finishMeta(): void {
    const data = Buffer.concat(this.#metaParts);
    this.#metaParts = [];
    if (this.#metaType === 'x') this.#pax = { ...this.#pax, ...parsePaxRecords(data) };
    else if (this.#metaType === 'g') this.#globalPax = { ...this.#globalPax, ...parsePaxRecords(data) };
    else if (this.#metaType === 'L') this.#longName = cString(data);
    else this.#longLink = cString(data);
  }

  #applyExtensions(raw: RawHeader): TarHeader {
    const records = { ...this.#globalPax, ...this.#pax };
    this.#pax = undefined;
    const name = records.path ?? this.#longName ?? raw.name;
    const linkname = records.linkpath ?? this.#longLink ?? raw.linkname;
    this.#longName = undefined;
    this.#longLink = undefined;
    const type = entryType(raw.typeflag, name);
    if (Object.keys(records).some((key) => key.startsWith('GNU.sparse.'))) {
      throw invalid(`entry "${name}" is a GNU sparse file, which Stowage does not support`);
    }
    if (name.includes('\ufffd') || linkname.includes('\ufffd')) {
      throw invalid(
        `entry "${name}" has a name that is not valid UTF-8`,
        'rename the file to a UTF-8 name; Stowage keeps names as UTF-8 text',
      );
    }
    const size = isHeaderOnly(type) ? 0 : paxNumber(records.size, raw.size, name, 'size');
    const pax: Record<string, string> = {};
    let hasPax = false;
    for (const [key, value] of Object.entries(records)) {
      // An empty value deletes a global record for this entry (POSIX).
      if (PAX_FIELD_KEYS.has(key) || value === '') continue;
      pax[key] = value;
      hasPax = true;
    }
    return {
      name,
      type,
      mode: raw.mode,
      uid: paxNumber(records.uid, raw.uid, name, 'uid'),
      gid: paxNumber(records.gid, raw.gid, name, 'gid'),
      uname: records.uname ?? raw.uname,
      gname: records.gname ?? raw.gname,
      size,
      mtime: records.mtime !== undefined ? paxTime(records.mtime, name) : raw.mtime,
      linkname: type === 'symlink' || type === 'hardlink' ? linkname : '',
      devmajor: raw.devmajor,
      devminor: raw.devminor,
      pax: hasPax ? pax : undefined,
    };
  }
}

function entryType(flag: string, name: string): EntryType {
  switch (flag) {
    case '0':
    case '7':
      return 'file';
    case '\0':
      // Pre-POSIX tars marked directories only by a trailing slash.
      return name.endsWith('/') ? 'directory' : 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '3':
      return 'char-device';
    case '4':
      return 'block-device';
    case '5':
    case 'D':
      return 'directory';
    case '6':
      return 'fifo';
    default:
      throw invalid(`entry "${name}" has unsupported tar type '${flag}'`);
  }
}

function paxNumber(text: string | undefined, fallback: number, name: string, key: string): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw invalid(`entry "${name}" has a malformed pax ${key} record "${text}"`);
  }
  return value;
}

function paxTime(text: string, name: string): number {
  const value = Number(text);
  if (!/^-?\d+(\.\d+)?$/.test(text) || !Number.isFinite(value)) {
    throw invalid(`entry "${name}" has a malformed pax mtime record "${text}"`);
  }
  return value;
}

function cString(data: Buffer): string {
  const nul = data.indexOf(0);
  return data.toString('utf8', 0, nul === -1 ? data.length : nul);
}
