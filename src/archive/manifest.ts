/**
 * The manifest and the file list that travel beside an archive (see FORMAT.md). Both are read with zod
 * because they come back from storage: whatever is there is untrusted until it parses.
 */
import { z } from 'zod';
import { invalid } from '../core/errors.ts';
import { COMPRESSIONS } from './compression.ts';
import type { EntryType, TarHeader } from './tar-header.ts';

export const MANIFEST_FORMAT = 'stowage-archive';
export const FILE_LIST_FORMAT = 'stowage-file-list';
/** Bumped when a reader of the previous version would misread an archive; readers refuse newer ones. */
export const FORMAT_VERSION = 1;

const count = z.number().int().nonnegative();
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const stringMap = z.record(z.string(), z.string());

export const ENTRY_TYPES = [
  'file',
  'directory',
  'symlink',
  'hardlink',
  'char-device',
  'block-device',
  'fifo',
] as const;

const warningSchema = z.looseObject({
  code: z.string(),
  path: z.string(),
  message: z.string(),
});

export const manifestSchema = z.looseObject({
  format: z.literal(MANIFEST_FORMAT),
  formatVersion: z.number().int().min(1).max(FORMAT_VERSION),
  tool: z.looseObject({ name: z.string(), version: z.string() }),
  volume: z.looseObject({
    name: z.string(),
    driver: z.string(),
    options: stringMap,
    labels: stringMap,
  }),
  /** Where the data came from: the engine's id, name, version, host as the caller knows them. */
  source: z.looseObject({ engine: stringMap }),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  compression: z.enum(COMPRESSIONS),
  archive: z.looseObject({ sha256, bytes: count, tarBytes: count }),
  contents: z.looseObject({
    entries: count,
    files: count,
    directories: count,
    symlinks: count,
    hardlinks: count,
    devices: count,
    fifos: count,
    bytes: count,
  }),
  fileList: z.looseObject({ sha256, bytes: count, records: count }).nullable(),
  warnings: z.array(warningSchema),
  warningsOmitted: count,
});

export type ArchiveManifest = z.infer<typeof manifestSchema>;
export type ArchiveWarning = z.infer<typeof warningSchema>;

export const fileListHeaderSchema = z.looseObject({
  format: z.literal(FILE_LIST_FORMAT),
  formatVersion: z.number().int().min(1).max(FORMAT_VERSION),
});

export const fileRecordSchema = z.looseObject({
  path: z.string().min(1),
  type: z.enum(ENTRY_TYPES),
  mode: count,
  uid: count,
  gid: count,
  uname: z.string().optional(),
  gname: z.string().optional(),
  mtime: z.number(),
  size: count,
  sha256: sha256.optional(),
  linkname: z.string().optional(),
  devmajor: count.optional(),
  devminor: count.optional(),
});

/** One line of the file list: an archive entry in archive order. */
export type FileRecord = z.infer<typeof fileRecordSchema>;

export const COUNT_KEYS = [
  'entries',
  'files',
  'directories',
  'symlinks',
  'hardlinks',
  'devices',
  'fifos',
  'bytes',
] as const;

/** Entries by type, and `bytes`: the data of regular files. */
export type ContentCounts = Record<(typeof COUNT_KEYS)[number], number>;

export function emptyCounts(): ContentCounts {
  return { entries: 0, files: 0, directories: 0, symlinks: 0, hardlinks: 0, devices: 0, fifos: 0, bytes: 0 };
}

/** Adds one entry to the counts; `bytes` sums the data of regular files. */
export function countEntry(counts: ContentCounts, type: EntryType, size: number): void {
  counts.entries += 1;
  if (type === 'file') {
    counts.files += 1;
    counts.bytes += size;
  } else if (type === 'directory') counts.directories += 1;
  else if (type === 'symlink') counts.symlinks += 1;
  else if (type === 'hardlink') counts.hardlinks += 1;
  else if (type === 'fifo') counts.fifos += 1;
  else counts.devices += 1;
}

/** Validates a parsed manifest.json; throws `invalid` naming the first bad field. */
export function parseManifest(json: unknown): ArchiveManifest {
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue === undefined ? '' : ` at "${issue.path.join('.')}": ${issue.message}`;
    throw invalid(
      `not a Stowage archive manifest (or one from a newer Stowage)${where}`,
      `this Stowage reads manifest format ${FORMAT_VERSION}`,
    );
  }
  return result.data;
}

/** Builds the file-list record for an entry (omitting empty and type-irrelevant fields). */
export function toFileRecord(path: string, header: TarHeader, sha256: string | undefined): FileRecord {
  const record: FileRecord = {
    path,
    type: header.type,
    mode: header.mode,
    uid: header.uid,
    gid: header.gid,
    mtime: header.mtime,
    size: header.size,
  };
  if (header.uname !== '') record.uname = header.uname;
  if (header.gname !== '') record.gname = header.gname;
  if (sha256 !== undefined) record.sha256 = sha256;
  if (header.type === 'symlink' || header.type === 'hardlink') record.linkname = header.linkname;
  if (header.type === 'char-device' || header.type === 'block-device') {
    record.devmajor = header.devmajor;
    record.devminor = header.devminor;
  }
  return record;
}

/** The fields of two records that differ, by name (empty when they describe the same entry). */
export function recordDifferences(expected: FileRecord, actual: FileRecord): string[] {
  const keys = [
    'path',
    'type',
    'size',
    'sha256',
    'linkname',
    'mode',
    'uid',
    'gid',
    'uname',
    'gname',
    'mtime',
    'devmajor',
    'devminor',
  ] as const;
  return keys.filter((key) => expected[key] !== actual[key]);
}
