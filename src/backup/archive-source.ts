/**
 * What `restore`, `verify` and `ls-archive` read: an archive named by its catalog ID or by its path, with
 * its manifest and file list when they exist beside it (archives made by `tar czf` have neither).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { text } from 'node:stream/consumers';
import { parseManifest, type ArchiveManifest } from '../archive/manifest.ts';
import type { BackupRecord } from '../catalog/backup-store.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { invalid, notFound, StowageError } from '../core/errors.ts';
import type { Target } from '../targets/contract.ts';
import { LocalTarget } from '../targets/local-target.ts';
import { keysFor, type BackupKeys } from './archive-keys.ts';

export interface ArchiveSource {
  target: Target;
  keys: BackupKeys;
  manifest: ArchiveManifest | undefined;
  hasFileList: boolean;
  record: BackupRecord | undefined;
  /** For messages: the path or `#ID (path)`. */
  label: string;
}

/**
 * `ARCHIVE` is a catalog ID (`12` or `#12`) or a path to an archive file.
 * @throws StowageError 'not-found' for an unknown ID or a missing file, 'invalid' for a damaged manifest.
 */
export async function openArchiveSource(
  reference: string,
  catalog: Catalog | undefined,
): Promise<ArchiveSource> {
  const id = /^#?(\d+)$/.exec(reference)?.[1];
  if (id !== undefined && !existsSync(reference)) {
    const record = catalog?.backups.get(Number(id));
    if (!record)
      throw notFound(
        `backup #${id} is not in the catalog`,
        'list backups with `stowage backups`, or give the archive path',
      );
    if (!record.target.startsWith('local:'))
      throw invalid(`backup #${id} is in ${record.target}, which this Stowage cannot read yet`);
    const target = new LocalTarget(record.target.slice('local:'.length));
    return describe(
      target,
      keysFor(record.archiveKey),
      record,
      `#${id} (${resolve(target.root, record.archiveKey)})`,
    );
  }
  const path = resolve(reference);
  if (!existsSync(path)) {
    throw notFound(
      `archive ${reference} does not exist`,
      'give the path of an archive file, or a backup ID from `stowage backups`',
    );
  }
  if (!statSync(path).isFile()) {
    throw invalid(
      `archive ${reference} is a folder, not an archive file`,
      'give the path of an archive file inside it (`stowage backups --scan DIR` lists a folder of archives), or a backup ID',
    );
  }
  const target = new LocalTarget(dirname(path));
  const keys = keysFor(basename(path));
  const record = catalog?.backups.findByKey(target.url, keys.archive);
  return describe(target, keys, record, path);
}

async function describe(
  target: Target,
  keys: BackupKeys,
  record: BackupRecord | undefined,
  label: string,
): Promise<ArchiveSource> {
  if (!(await target.stat(keys.archive))) throw notFound(`archive ${label} does not exist (any more)`);
  let manifest: ArchiveManifest | undefined;
  if (await target.stat(keys.manifest)) {
    const raw = await text(await target.open(keys.manifest));
    try {
      manifest = parseManifest(JSON.parse(raw));
    } catch (error) {
      throw new StowageError('invalid', `manifest of ${label}: ${(error as Error).message}`, {
        hint: 'move the .manifest.json away to treat the archive as a plain tar',
        cause: error,
      });
    }
  }
  const hasFileList = (await target.stat(keys.fileList)) !== undefined;
  return { target, keys, manifest, hasFileList, record, label };
}

/** A fresh read of the archive. */
export function archiveStream(source: ArchiveSource): Promise<AsyncIterable<Buffer>> {
  return source.target.open(source.keys.archive);
}

/** A fresh read of the file list, when there is one. */
export async function fileListStream(source: ArchiveSource): Promise<AsyncIterable<Buffer> | undefined> {
  return source.hasFileList ? source.target.open(source.keys.fileList) : undefined;
}
