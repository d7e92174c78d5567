/**
 * The dashboard inside the single executable: `npm run build` embeds dist/web as the executable's assets
 * (keys `web/…`), and the daemon serves them from a folder like any other build. They are written once per
 * content (the folder's name is their hash) under the user's cache folder, never a shared temporary folder
 * where another user could plant files first, and each folder appears whole or not at all (written under a
 * temporary name, then renamed).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { getAssetKeys, getRawAsset, isSea } from 'node:sea';
import { makeFolderSync } from '../core/make-folder.ts';

const PREFIX = 'web/';

/** The folder holding the embedded dashboard, written when missing; undefined outside a single executable. */
export function embeddedDashboardFolder(): string | undefined {
  if (!isSea()) return undefined;
  const keys = getAssetKeys()
    .filter((key) => key.startsWith(PREFIX))
    .sort();
  if (!keys.includes(`${PREFIX}index.html`)) return undefined;
  const files = keys.map((key) => ({ path: key.slice(PREFIX.length), data: Buffer.from(getRawAsset(key)) }));
  const hash = createHash('sha256');
  for (const file of files) hash.update(file.path).update('\0').update(file.data);
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const folder = join(cache, 'stowage', `web-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(join(folder, 'index.html'))) return folder;
  const pending = `${folder}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    for (const file of files) {
      const target = join(pending, file.path);
      makeFolderSync(dirname(target), 0o700);
      writeFileSync(target, file.data, { mode: 0o600 });
    }
    renameSync(pending, folder);
  } catch (error) {
    rmSync(pending, { recursive: true, force: true });
    // Another daemon wrote the same folder first: its copy is identical.
    if (!existsSync(join(folder, 'index.html'))) throw error;
  }
  return folder;
}
