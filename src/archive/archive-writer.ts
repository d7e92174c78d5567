/**
 * Backup side of the archive format: engine tar in, compressed Stowage archive out, plus the manifest and
 * the file list (FORMAT.md). Memory stays flat whatever the number of files: per-entry records go to the
 * file-list sink as they are made.
 */
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createCompressor } from './compression.ts';
import type { Compression, ZstdEngine } from './compression.ts';
import { createEngineNameMapper } from './engine-names.ts';
import type { EngineRoot } from './engine-names.ts';
import { tarName } from './entry-path.ts';
import { FileListWriter } from './file-list.ts';
import { FORMAT_VERSION, MANIFEST_FORMAT, countEntry, emptyCounts, toFileRecord } from './manifest.ts';
import type { ArchiveManifest, ArchiveWarning } from './manifest.ts';
import type { TarHeader } from './tar-header.ts';
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
  /** See {@link ZstdEngine}; default `auto`. */
  zstdEngine?: ZstdEngine;
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
  const contents = emptyCounts();
  const warnings: ArchiveWarning[] = [];
  let warningsOmitted = 0;
  const mapName = createEngineNameMapper(options.engineRoot);
  const fileList = options.fileList === undefined ? undefined : new FileListWriter(options.fileList);

  let current: { path: string; header: TarHeader; hash: Hash | undefined } | undefined;
  const rewriter = new TarRewriter({
    entry(header) {
      const path = mapName(header.name, header.type);
      const linkname = header.type === 'hardlink' ? mapName(header.linkname, 'file') : header.linkname;
      const output = { ...header, name: tarName(path, header.type), linkname };
      current = { path, header: output, hash: header.type === 'file' ? createHash('sha256') : undefined };
      countEntry(contents, header.type, header.size);
      if (header.type === 'char-device' || header.type === 'block-device') {
        const message = `${header.type} ${header.devmajor}:${header.devminor} is archived; restore refuses it unless devices are allowed`;
        if (warnings.length < MAX_WARNINGS) warnings.push({ code: 'device', path, message });
        else warningsOmitted += 1;
      }
      return output;
    },
    data(chunk) {
      current?.hash?.update(chunk);
    },
    entryEnd() {
      if (current === undefined) return;
      fileList?.add(toFileRecord(current.path, current.header, current.hash?.digest('hex')));
      current = undefined;
    },
    afterChunk() {
      options.onProgress?.({ tarBytes: rewriter.bytesRead, entries: contents.entries, bytes: contents.bytes });
      return fileList?.drained();
    },
  });

  const archiveHash = createHash('sha256');
  let archiveBytes = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      archiveHash.update(chunk);
      archiveBytes += chunk.length;
      callback(null, chunk);
    },
  });
  const compressor = createCompressor(compression, {
    level: options.level,
    zstdEngine: options.zstdEngine,
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
    archive: { sha256: archiveHash.digest('hex'), bytes: archiveBytes, tarBytes: rewriter.bytesWritten },
    contents,
    fileList: fileListSummary,
    warnings,
    warningsOmitted,
  };
}
