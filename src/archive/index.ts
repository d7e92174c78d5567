/**
 * The archive format: engine tar → compressed archive + manifest + file list, and back (see FORMAT.md).
 * Pure stream code: callers bring the streams (engine, storage target); nothing here talks to Docker.
 */
export { writeArchive } from './archive-writer.ts';
export type { VolumeInfo, WriteArchiveOptions, WriteProgress } from './archive-writer.ts';
export { ArchiveReader, readArchive } from './archive-reader.ts';
export type { ArchiveEntry, ReadArchiveOptions, ReadSummary } from './archive-reader.ts';
export { verifyArchive } from './verify-archive.ts';
export type { VerifyOptions, VerifyReport } from './verify-archive.ts';
export { planRestore, selectionPath } from './restore-plan.ts';
export type { RestorePlan, RestorePlanOptions } from './restore-plan.ts';
export { createRestoreStream } from './restore-stream.ts';
export type { RestoreStreamOptions } from './restore-stream.ts';
export { listArchive, modeString } from './list-archive.ts';
export type { ListedEntry } from './list-archive.ts';
export { COMPRESSIONS, createCompressor, decompressedChunks, detectCompression } from './compression.ts';
export type { Compression, Compressor, CompressorOptions } from './compression.ts';
export { zstdCliAvailable } from './zstd-cli.ts';
export { FileListReader } from './file-list.ts';
export type { FileListSummary } from './file-list.ts';
export { FORMAT_VERSION, parseManifest } from './manifest.ts';
export type { ArchiveManifest, ArchiveWarning, ContentCounts, FileRecord } from './manifest.ts';
export type { ArchiveProblem, ProblemCode } from './problem-list.ts';
export type { EngineRoot } from './engine-names.ts';
export type { EntryType } from './tar-header.ts';
