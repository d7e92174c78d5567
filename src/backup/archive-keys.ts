/**
 * How a backup's three objects are named in a target:
 *   <volume>/<volume>-<UTC timestamp>.tar.zst            the archive (its rename is the commit)
 *   <volume>/<volume>-<UTC timestamp>.tar.zst.manifest.json
 *   <volume>/<volume>-<UTC timestamp>.tar.zst.files.ndjson.gz
 */
import type { Compression } from '../archive/compression.ts';

export const MANIFEST_SUFFIX = '.manifest.json';
export const FILE_LIST_SUFFIX = '.files.ndjson.gz';
const EXTENSIONS: Record<Compression, string> = { zstd: '.tar.zst', gzip: '.tar.gz', none: '.tar' };

export interface BackupKeys {
  archive: string;
  manifest: string;
  fileList: string;
}

/** Volume names of non-local drivers may hold characters a file name should not: they are escaped. */
const safe = (volume: string) =>
  volume.replace(/[^A-Za-z0-9_.-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

export function backupKeys(volume: string, at: Date, compression: Compression, attempt = 0): BackupKeys {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const archive = `${safe(volume)}/${safe(volume)}-${stamp}${attempt ? `-${attempt}` : ''}${EXTENSIONS[compression]}`;
  return keysFor(archive);
}

export function keysFor(archive: string): BackupKeys {
  return { archive, manifest: archive + MANIFEST_SUFFIX, fileList: archive + FILE_LIST_SUFFIX };
}

/** Whether a key names an archive (not a manifest or file list): `.tar`, `.tar.gz`, `.tgz`, `.tar.zst`. */
export function isArchiveKey(key: string): boolean {
  return /\.(tar|tar\.gz|tgz|tar\.zst|tar\.zstd)$/.test(key);
}
