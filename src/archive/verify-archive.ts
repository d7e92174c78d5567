/**
 * Verify: one pass over an archive that recomputes every checksum and compares it with the manifest and
 * the file list when they exist. An archive without them (made by `tar czf`) is checked for structure only.
 */
import { isStowageError } from '../core/errors.ts';
import { ArchiveReader, NOT_AN_ARCHIVE } from './archive-reader.ts';
import type { ArchiveEntry } from './archive-reader.ts';
import type { Compression } from './compression.ts';
import { FileListReader } from './file-list.ts';
import { ROOT_PATH } from './entry-path.ts';
import { COUNT_KEYS, countEntry, emptyCounts, recordDifferences, toFileRecord } from './manifest.ts';
import type { ArchiveManifest, ContentCounts, FileRecord } from './manifest.ts';
import { ProblemList, quoteName } from './problem-list.ts';
import type { ArchiveProblem } from './problem-list.ts';

export interface VerifyOptions {
  manifest?: ArchiveManifest;
  /** The file list as stored (NDJSON, optionally compressed). */
  fileList?: AsyncIterable<Buffer | Uint8Array>;
  /**
   * For a volume read back through the engine (restore tests, copies): the root folder's times belong to
   * the volume itself, which the engine does not set from an archive, so they are not compared.
   */
  ignoreRootTimes?: boolean;
  /** Sees every entry in archive order; restore planning adds its safety rules here. */
  inspect?: (entry: ArchiveEntry, problems: ProblemList) => void;
}

export interface VerifyReport {
  /** True when no problem was found. */
  ok: boolean;
  compression: Compression | undefined;
  /** SHA-256 and size of the archive as stored; undefined when reading stopped at damage. */
  sha256: string | undefined;
  bytes: number | undefined;
  contents: ContentCounts;
  manifestChecked: boolean;
  fileListChecked: boolean;
  problems: ArchiveProblem[];
  problemsOmitted: number;
}

/**
 * Reads the whole archive and reports every problem found (capped, see ProblemList). Damage found in the
 * archive or the file list is reported, not thrown; errors of the underlying streams (I/O) are thrown.
 */
export async function verifyArchive(
  archive: AsyncIterable<Buffer | Uint8Array>,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const { manifest } = options;
  const problems = new ProblemList();
  const contents = emptyCounts();
  const reader = new ArchiveReader(archive);
  const expected =
    options.fileList === undefined
      ? undefined
      : new ExpectedRecords(options.fileList, problems, options.ignoreRootTimes ?? false);
  try {
    await readAll(reader, contents, problems, options.inspect, expected);
    const summary = reader.summary;
    if (summary !== undefined) {
      if (!summary.endMarker) {
        problems.add('truncated', 'the tar stream ends without its end-of-archive marker: it was cut short');
      }
      if (manifest !== undefined) compareWithManifest(manifest, summary, contents, problems);
      await expected?.finish(manifest, problems);
    }
  } finally {
    await expected?.close();
  }
  const summary = reader.summary;
  return {
    ok: problems.empty,
    compression: reader.compression,
    sha256: summary?.sha256,
    bytes: summary?.bytes,
    contents,
    manifestChecked: manifest !== undefined,
    fileListChecked: expected?.usable === true && summary !== undefined,
    problems: problems.items,
    problemsOmitted: problems.omitted,
  };
}

async function readAll(
  reader: ArchiveReader,
  contents: ContentCounts,
  problems: ProblemList,
  inspect: VerifyOptions['inspect'],
  expected: ExpectedRecords | undefined,
): Promise<void> {
  try {
    for await (const entry of reader) {
      countEntry(contents, entry.type, entry.size);
      inspect?.(entry, problems);
      if (expected !== undefined) await expected.compare(entry);
    }
  } catch (error) {
    if (!isStowageError(error, 'invalid')) throw error;
    problems.add(error.cause === NOT_AN_ARCHIVE ? 'not-archive' : 'damaged', error.message);
  }
}

function compareWithManifest(
  manifest: ArchiveManifest,
  summary: NonNullable<ArchiveReader['summary']>,
  contents: ContentCounts,
  problems: ProblemList,
): void {
  if (summary.sha256 !== manifest.archive.sha256 || summary.bytes !== manifest.archive.bytes) {
    problems.add(
      'archive-checksum',
      `archive SHA-256 ${summary.sha256} (${summary.bytes} bytes) differs from the manifest's ` +
        `${manifest.archive.sha256} (${manifest.archive.bytes} bytes)`,
    );
  }
  if (summary.compression !== manifest.compression) {
    problems.add(
      'archive-checksum',
      `archive is ${summary.compression}, the manifest says ${manifest.compression}`,
    );
  }
  const differing = COUNT_KEYS.filter((key) => contents[key] !== manifest.contents[key]);
  if (differing.length > 0) {
    const detail = differing.map((key) => `${key} ${contents[key]} (manifest ${manifest.contents[key]})`);
    problems.add('counts', `archive contents differ from the manifest: ${detail.join(', ')}`);
  }
}

/** Walks the file list in step with the archive. */
class ExpectedRecords {
  readonly #reader: FileListReader;
  readonly #records: AsyncGenerator<FileRecord>;
  readonly #problems: ProblemList;
  usable = true;

  readonly #ignoreRootTimes: boolean;

  constructor(source: AsyncIterable<Buffer | Uint8Array>, problems: ProblemList, ignoreRootTimes: boolean) {
    this.#reader = new FileListReader(source);
    this.#records = this.#reader.records();
    this.#problems = problems;
    this.#ignoreRootTimes = ignoreRootTimes;
  }

  async compare(entry: ArchiveEntry): Promise<void> {
    const record = await this.#next();
    if (!this.usable) return;
    if (record === undefined) {
      this.#problems.add('extra-entry', `entry ${quoteName(entry.name)} is not in the file list`, entry.name);
      return;
    }
    const actual = toFileRecord(entry.path, entry, entry.sha256);
    let differences = recordDifferences(record, actual);
    if (this.#ignoreRootTimes && entry.path === ROOT_PATH)
      differences = differences.filter((d) => d !== 'mtime');
    if (differences.length > 0) {
      this.#problems.add('entry-mismatch', mismatchMessage(record, actual, differences), entry.name);
    }
  }

  async finish(manifest: ArchiveManifest | undefined, problems: ProblemList): Promise<void> {
    let missing = 0;
    for (let record = await this.#next(); record !== undefined; record = await this.#next()) {
      if (missing < 10)
        problems.add('truncated', `entry ${quoteName(record.path)} of the file list is missing`, record.path);
      missing += 1;
    }
    if (missing > 10) problems.add('truncated', `${missing - 10} more entries of the file list are missing`);
    const summary = this.#reader.summary;
    const recorded = manifest?.fileList;
    if (summary === undefined || recorded === undefined || recorded === null) return;
    if (summary.sha256 !== recorded.sha256 || summary.records !== recorded.records) {
      problems.add(
        'file-list',
        `file list SHA-256 ${summary.sha256} differs from the manifest's ${recorded.sha256}`,
      );
    }
  }

  /** Releases the file list's source when the archive ended first or broke. */
  async close(): Promise<void> {
    await this.#records.return(undefined);
  }

  async #next(): Promise<FileRecord | undefined> {
    if (!this.usable) return undefined;
    try {
      const next = await this.#records.next();
      return next.done === true ? undefined : next.value;
    } catch (error) {
      if (!isStowageError(error, 'invalid')) throw error;
      this.usable = false;
      this.#problems.add('file-list', error.message);
      return undefined;
    }
  }
}

/**
 * One difference between the file list and the archive, in words: the content (checksum) first, since
 * that is the one that matters; else every differing attribute with both values.
 */
function mismatchMessage(
  expected: FileRecord,
  actual: FileRecord,
  differences: (keyof FileRecord)[],
): string {
  if (differences.includes('path')) {
    return `the archive holds ${quoteName(actual.path)} where the file list has ${quoteName(expected.path)}`;
  }
  const name = quoteName(actual.path);
  if (differences.includes('sha256')) {
    return (
      `the content of ${name} does not match its checksum ` +
      `(expected SHA-256 ${expected.sha256 ?? 'none'}, found ${actual.sha256 ?? 'none'})`
    );
  }
  const show = (record: FileRecord, key: keyof FileRecord) => {
    const value = record[key];
    if (value === undefined) return 'none';
    if (typeof value !== 'number') return JSON.stringify(value);
    return key === 'mode' ? `0${value.toString(8)}` : String(value);
  };
  const shown = differences.map((key) => `${key} ${show(actual, key)} (file list: ${show(expected, key)})`);
  return `${name} differs from the file list: ${shown.join(', ')}`;
}
