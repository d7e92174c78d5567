/** The one folder where Stowage keeps its catalog, config and (by default) archives. */
import { chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { makeFolderSync } from '../core/make-folder.ts';

/**
 * `--data-dir` wins, then `STOWAGE_DATA_DIR`; otherwise `/var/lib/stowage` for root and
 * `$XDG_DATA_HOME/stowage` (or `~/.local/share/stowage`) for everyone else.
 */
export function resolveDataDir(flag: string | undefined, env = process.env): string {
  if (flag) return flag;
  if (env.STOWAGE_DATA_DIR) return env.STOWAGE_DATA_DIR;
  if (process.getuid?.() === 0) return '/var/lib/stowage';
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'stowage');
}

/**
 * Creates the data folder private (0700) and tightens one an older Stowage made with the umask's mode: it
 * holds the API token, the catalog (history, backup records) and, by default, the archives themselves.
 * @throws the file system's error when the folder cannot be created.
 */
export function ensurePrivateDataDir(dataDir: string): void {
  makeFolderSync(dataDir, 0o700);
  tighten(dataDir, 0o700);
}

/** Makes existing files owner-only (0600); absent ones are skipped (SQLite creates -wal/-shm lazily). */
export function makePrivate(...files: string[]): void {
  for (const file of files) tighten(file, 0o600);
}

/** chmod, except where there is nothing to tighten (ENOENT) or it is not ours to (EPERM: another owner). */
function tighten(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM') throw error;
  }
}
