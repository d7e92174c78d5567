/**
 * Backup side of the archive format: engine tar in, compressed Stowage archive out, plus the manifest and
 * the file list (FORMAT.md). Memory stays flat whatever the number of files: per-entry records go to the
 * file-list sink as they are made.
 */
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { Readable, TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createCompressor } from './compression.ts';
import type { Compression, Compressor } from './compression.ts';
import { createEngineNameMapper } from './engine-names.ts';
import type { EngineRoot } from './engine-names.ts';
import { tarName } from './entry-path.ts';
import { FileListWriter } from './file-list.ts';
import { FORMAT_VERSION, MANIFEST_FORMAT, countEntry, emptyCounts, toFileRecord } from './manifest.ts';
import type { ArchiveManifest, ArchiveWarning } from './manifest.ts';
import type { EntryType, TarHeader } from './tar-header.ts';
import { TarRewriter } from './tar-rewriter.ts';

export interface VolumeInfo {
  name: string;
  driver: string;
  options: Record<string, string>;
  labels: Record<string, string>;
}

export interface WriteProgress {
  /** Uncompressed tar bytes read from the source. */
  tarBytes: number;
  entries: number;
  /** Data bytes of regular files. */
  bytes: number;
}

export interface WriteArchiveOptions {
  volume: VolumeInfo;
  toolVersion: string;
  /** Facts about the source engine (id, name, version, host), recorded as given. */
  engine?: Record<string, string>;
  /** Default `zstd`; `gzip` for archives plain `tar xzf` can read. */
  compression?: Compression;
  /** zstd 1-19 (default 3) or gzip 1-9 (default 6). */
  level?: number;
  /** See {@link Compressor}; default `workers`. */
  compressor?: Compressor;
  /** Compression threads; default: the CPUs available, at most 4. */
  threads?: number;
  /** Receives the file list (NDJSON); ended by writeArchive. Without it the manifest has `fileList: null`. */
  fileList?: Writable;
  /** How the engine named the entries; default `auto` (see {@link EngineRoot}). */
  engineRoot?: EngineRoot;
  /** Called after every source chunk; throttle in the caller. */
  onProgress?: (progress: WriteProgress) => void;
  signal?: AbortSignal;
  /** For tests: the clock that stamps startedAt and finishedAt. */
  clock?: () => Date;
}

/** Warnings kept in the manifest; the rest are counted in `warningsOmitted`. */
const MAX_WARNINGS = 1000;

/**
 * Reads an uncompressed engine tar from `source` and writes the compressed archive to `destination`,
 * renaming entries relative to the volume root (`./`, `./dir/`, `./file`) and keeping every attribute.
 * Resolves with the manifest once `destination` (and `fileList`) finished. Rejects with `failed` if the
 * engine sends names outside the volume, `invalid` if the tar is damaged or cut short (no end-of-archive
 * marker), or the error of any stream involved; the destination then holds no usable archive.
 */
export async function writeArchive(
  source: Readable | AsyncIterable<Buffer>,
  destination: Writable,
  options: WriteArchiveOptions,
): Promise<ArchiveManifest> {
  const clock = options.clock ?? (() => new Date());
  const startedAt = clock().toISOString();
  const compression = options.compression ?? 'zstd';
  const fileList = options.fileList === undefined ? undefined : new FileListWriter(options.fileList);
  const recorder = new EntryRecorder(createEngineNameMapper(options.engineRoot), fileList);
  const rewriter = new TarRewriter(
    {
      entry: (header) => recorder.entry(header),
      data: (chunk) => recorder.data(chunk),
      entryEnd: () => recorder.entryEnd(),
      afterChunk: () => {
        const { entries, bytes } = recorder.contents;
        options.onProgress?.({ tarBytes: rewriter.bytesRead, entries, bytes });
        return fileList?.drained();
      },
    },
    // The engine names entries as archives do: its tar is copied as it is, not re-encoded.
    { passThrough: true },
  );
  const measure = new MeasureStream();
  const compressor = createCompressor(compression, {
    level: options.level,
    compressor: options.compressor,
    threads: options.threads,
  });
  // A failing file-list sink must stop the archive too, not leave it waiting for 'drain'.
  const onSinkError = (error: Error) => rewriter.destroy(error);
  options.fileList?.on('error', onSinkError);
  try {
    await pipeline(source, rewriter, compressor, measure, destination, { signal: options.signal });
  } catch (error) {
    options.fileList?.destroy();
    throw error;
  } finally {
    options.fileList?.off('error', onSinkError);
  }
  const fileListSummary = fileList === undefined ? null : { ...(await fileList.finish()) };
  return {
    format: MANIFEST_FORMAT,
    formatVersion: FORMAT_VERSION,
    tool: { name: 'stowage', version: options.toolVersion },
    volume: {
      name: options.volume.name,
      driver: options.volume.driver,
      options: { ...options.volume.options },
      labels: { ...options.volume.labels },
    },
    source: { engine: { ...options.engine } },
    startedAt,
    finishedAt: clock().toISOString(),
    compression,
    archive: { sha256: measure.sha256(), bytes: measure.bytes, tarBytes: rewriter.bytesWritten },
    contents: recorder.contents,
    fileList: fileListSummary,
    warnings: recorder.warnings,
    warningsOmitted: recorder.warningsOmitted,
  };
}

/** Names, counts, hashes and records every entry as the rewriter passes it on. */
class EntryRecorder {
  readonly contents = emptyCounts();
  readonly warnings: ArchiveWarning[] = [];
  warningsOmitted = 0;
  readonly #mapName: (name: string, type: EntryType) => string;
  readonly #fileList: FileListWriter | undefined;
  #current: { path: string; header: TarHeader; hash: Hash | undefined } | undefined;

  constructor(mapName: (name: string, type: EntryType) => string, fileList: FileListWriter | undefined) {
    this.#mapName = mapName;
    this.#fileList = fileList;
  }

  entry(header: TarHeader): TarHeader {
    const path = this.#mapName(header.name, header.type);
    const linkname = header.type === 'hardlink' ? this.#mapName(header.linkname, 'file') : header.linkname;
    const output = { ...header, name: tarName(path, header.type), linkname };
    this.#current = { path, header: output, hash: header.type === 'file' ? createHash('sha256') : undefined };
    countEntry(this.contents, header.type, header.size);
    if (header.type === 'char-device' || header.type === 'block-device') {
      const device = `${header.type} ${header.devmajor}:${header.devminor}`;
      this.#warn({
        code: 'device',
        path,
        message: `${device} is archived; restore refuses it unless allowed`,
      });
    }
    return output;
  }

  data(chunk: Buffer): void {
    this.#current?.hash?.update(chunk);
  }

  entryEnd(): void {
    const current = this.#current;
    if (current === undefined) return;
    this.#fileList?.add(toFileRecord(current.path, current.header, current.hash?.digest('hex')));
    this.#current = undefined;
  }

  #warn(warning: ArchiveWarning): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(warning);
    else this.warningsOmitted += 1;
  }
}

/** Passes bytes through, counting them and hashing them with SHA-256. */
class MeasureStream extends Transform {
  readonly #hash = createHash('sha256');
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  sha256(): string {
    return this.#hash.digest('hex');
  }
}
