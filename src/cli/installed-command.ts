/**
 * The command a systemd unit runs to start this same Stowage, as absolute paths: the single executable
 * itself (`dist/stowage-linux-x64`, which needs no Node), else this Node and the real path of the bin it
 * ran (a symlink under /usr/local/bin may be replaced by another version later; the unit keeps pointing at
 * the files that were installed when it was written).
 */
import { realpathSync } from 'node:fs';
import { isSea } from 'node:sea';
import { resolve } from 'node:path';

export function installedCommand(
  run: { execPath: string; script: string | undefined; sea: boolean } = {
    execPath: process.execPath,
    script: process.argv[1],
    sea: isSea(),
  },
): string[] {
  const node = realpathSync(run.execPath);
  if (run.sea || !run.script) return [node];
  return [node, realpathSync(resolve(run.script))];
}
