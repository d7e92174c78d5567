/**
 * Reads any archive Stowage accepts (its own, or `tar czf`/busybox tar in zstd, gzip or no compression)
 * as a stream of entries with their data hashed on the way. The basis of verify, restore planning and
 * listing; nothing is buffered beyond the current chunk.
 */
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
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
    for await (const chunk of chunks) {
      tarBytes += chunk.length;
      // After the end-of-archive marker the rest is only read for the archive's checksum.
      if (parser.ended) continue;
      parser.push(chunk);
      for (const entry of ready) yield entry;
      ready.length = 0;
    }
    const endMarker = parser.end();
    this.#summary = {
      compression: this.#compression ?? 'none',
      sha256: rawHash.digest('hex'),
      bytes: rawBytes,
      tarBytes,
      endMarker,
    };
  }
}

/** Opens an archive for one pass over its entries; see {@link ArchiveReader}. */
export function readArchive(
  source: AsyncIterable<Buffer | Uint8Array>,
  options: ReadArchiveOptions = {},
): ArchiveReader {
  return new ArchiveReader(source, options);
}
