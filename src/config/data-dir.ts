/** The one folder where Stowage keeps its catalog, config and (by default) archives. */
import { homedir } from 'node:os';
import { join } from 'node:path';

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
