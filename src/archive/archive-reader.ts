/**
 * Reads any archive Stowage accepts (its own, or `tar czf`/busybox tar in zstd, gzip or no compression)
 * as a stream of entries with their data hashed on the way. The basis of verify, restore planning and
 * listing; nothing is buffered beyond the current chunk.
 */
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { StowageError, isStowageError } from '../core/errors.ts';
import { decompressedChunks } from './compression.ts';
import type { Compression } from './compression.ts';
import { normaliseEntryPath } from './entry-path.ts';
import type { PathProblem } from './entry-path.ts';
import type { TarHeader } from './tar-header.ts';
import { TarParser } from './tar-parser.ts';

export interface ArchiveEntry extends TarHeader {
  /** Normalised volume path (`./`, `./a/b`); see entry-path.ts. */
  path: string;
  /** Why the stored name cannot be placed in the volume, if it cannot. */
  pathProblem: PathProblem | undefined;
  /** SHA-256 of a regular file's data (hex); undefined for other types or when hashing is off. */
  sha256: string | undefined;
}

export interface ReadSummary {
  compression: Compression;
  /** SHA-256 and size of the archive as stored (compressed). */
  sha256: string;
  bytes: number;
  /** Size of the uncompressed tar stream. */
  tarBytes: number;
  /** False when the tar stream stopped between entries without the end-of-archive blocks. */
  endMarker: boolean;
}

export interface ReadArchiveOptions {
  /** Hash file data (default true); listing turns it off. */
  hash?: boolean;
}

/**
 * Iterates the entries of an archive, once. `summary` is available after the iteration ended; errors
 * (`invalid` for damaged, truncated or unsupported data) surface from the iteration.
 */
export class ArchiveReader implements AsyncIterable<ArchiveEntry> {
  readonly #source: AsyncIterable<Buffer | Uint8Array>;
  readonly #hash: boolean;
  #compression: Compression | undefined;
  #summary: ReadSummary | undefined;
  #started = false;

  constructor(source: AsyncIterable<Buffer | Uint8Array>, options: ReadArchiveOptions = {}) {
    this.#source = source;
    this.#hash = options.hash ?? true;
  }

  /** Known once the first bytes were read. */
  get compression(): Compression | undefined {
    return this.#compression;
  }

  get summary(): ReadSummary | undefined {
    return this.#summary;
  }

  [Symbol.asyncIterator](): AsyncIterator<ArchiveEntry> {
    if (this.#started) throw new Error('an ArchiveReader can be iterated only once');
    this.#started = true;
    return this.#entries();
  }

  async *#entries(): AsyncGenerator<ArchiveEntry> {
    const ready: ArchiveEntry[] = [];
    let current: { header: TarHeader; hash: Hash | undefined } | undefined;
    const parser = new TarParser({
      entry: (header) => {
        const hash = this.#hash && header.type === 'file' ? createHash('sha256') : undefined;
        current = { header, hash };
      },
      data: (chunk) => current?.hash?.update(chunk),
      entryEnd: () => {
        if (current === undefined) return;
        const { path, problem } = normaliseEntryPath(current.header.name);
        ready.push({ ...current.header, path, pathProblem: problem, sha256: current.hash?.digest('hex') });
        current = undefined;
      },
    });
    const rawHash = createHash('sha256');
    let rawBytes = 0;
    const chunks = decompressedChunks(this.#source, {
      raw: (chunk) => {
        rawHash.update(chunk);
        rawBytes += chunk.length;
      },
      detected: (compression) => {
        this.#compression = compression;
      },
    });
    let tarBytes = 0;
    let entries = 0;
    const explain = (error: unknown) => this.#explain(error, parser, entries);
    for await (const chunk of chunks) {
      tarBytes += chunk.length;
      // After the end-of-archive marker the rest is only read for the archive's checksum.
      if (parser.ended) continue;
      try {
        parser.push(chunk);
      } catch (error) {
        throw explain(error);
      }
      entries += ready.length;
      for (const entry of ready) yield entry;
      ready.length = 0;
    }
    if (tarBytes === 0) throw notAnArchive('the file is empty');
    let endMarker: boolean;
    try {
      endMarker = parser.end();
    } catch (error) {
      throw explain(error);
    }
    this.#summary = {
      compression: this.#compression ?? 'none',
      sha256: rawHash.digest('hex'),
      bytes: rawBytes,
      tarBytes,
      endMarker,
    };
  }

  /**
   * Puts a tar-structure error in the user's words: damage in the very first header means the file is no
   * tar at all (random bytes, a text file named .tar.gz); later it is damage at a byte offset.
   */
  #explain(error: unknown, parser: TarParser, entries: number): unknown {
    if (!isStowageError(error, 'invalid') || error.cause === NOT_AN_ARCHIVE) return error;
    if (entries > 0 && error.message.startsWith('tar stream is truncated')) return error;
    const compressed = this.#compression !== undefined && this.#compression !== 'none';
    const data = compressed
      ? `its ${this.#compression} data holds no tar`
      : 'it does not start with a tar header';
    if (entries === 0 && parser.headerAt <= 0)
      return notAnArchive(`the file cannot be read as an archive (${data})`);
    const where = compressed
      ? `byte ${parser.headerAt} of its uncompressed tar data`
      : `byte ${parser.headerAt}`;
    return new StowageError('invalid', `the archive is damaged at ${where}: ${error.message}`, {
      hint: error.hint ?? 'use another copy of the archive',
      cause: error,
    });
  }
}

/** The `cause` of the error that says the input is no archive at all, for callers that class problems. */
export const NOT_AN_ARCHIVE = Symbol('not an archive');

function notAnArchive(detail: string): StowageError {
  return new StowageError('invalid', `${detail}: it is not a Stowage or tar archive`, {
    hint: 'give a .tar, .tar.gz or .tar.zst file made by `stowage backup` or tar',
    cause: NOT_AN_ARCHIVE,
  });
}

/** Opens an archive for one pass over its entries; see {@link ArchiveReader}. */
export function readArchive(
  source: AsyncIterable<Buffer | Uint8Array>,
  options: ReadArchiveOptions = {},
): ArchiveReader {
  return new ArchiveReader(source, options);
}
