/**
 * Volume sizes. The engine measures local, option-less volumes (`/system/df`); where it cannot (other
 * drivers, volumes with options) and the engine is on this host, Stowage walks the mountpoint itself.
 * Hardlinked files count once, as the engine counts them.
 */
import { lstat, opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { forEachLimited } from '../core/concurrency.ts';
import type { Engine, EngineVolume } from '../engine/contract.ts';

export type SizeMap = Map<string, number | null>;

/** Never throws: a size that cannot be had is null, shown as "n/a". */
export async function measureSizes(
  engine: Engine,
  volumes: readonly EngineVolume[],
  concurrency: number,
  engineSizes: Promise<Map<string, number>> = engineMeasured(engine),
): Promise<SizeMap> {
  const sizes: SizeMap = new Map();
  const fromEngine = await engineSizes;
  const missing: EngineVolume[] = [];
  for (const volume of volumes) {
    const size = fromEngine.get(volume.name);
    if (size !== undefined) sizes.set(volume.name, size);
    else if (engine.local && volume.mountpoint) missing.push(volume);
    else sizes.set(volume.name, null);
  }
  await forEachLimited(missing, concurrency, async (volume) => {
    sizes.set(volume.name, await treeSize(volume.mountpoint).catch(() => null));
  });
  return sizes;
}

/** The engine's own measurements; started early by callers so it runs alongside the listing. */
export function engineMeasured(engine: Engine): Promise<Map<string, number>> {
  return engine.volumes.sizes().catch(() => new Map<string, number>());
}

/** Apparent size of every file under `root`, hardlinks counted once. @throws when `root` is unreadable. */
export async function treeSize(root: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of await opendir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(path);
      } else {
        const stat = await lstat(path);
        const inode = `${stat.dev}:${stat.ino}`;
        if (stat.nlink > 1 && seen.has(inode)) continue;
        if (stat.nlink > 1) seen.add(inode);
        total += stat.size;
      }
    }
  };
  await lstat(root); // an unmounted or unreadable mountpoint fails here, before any partial sum
  await walk(root);
  return total;
}
