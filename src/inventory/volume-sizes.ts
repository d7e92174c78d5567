/**
 * Volume sizes. The engine measures local, option-less volumes (`/system/df`); Stowage's plugin reports its
 * own (`plugin-volumes.ts`); where neither can (other
 * drivers, volumes with options) and the engine is on this host, Stowage walks the mountpoint itself.
 * Hardlinked files count once, as the engine counts them.
 */
import { lstat, opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { forEachLimited } from '../core/concurrency.ts';
import type { Engine, EngineVolume } from '../engine/contract.ts';
import { isStowagePluginVolume, pluginUsage } from './plugin-volumes.ts';

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
  const plugin: EngineVolume[] = [];
  for (const volume of volumes) {
    const size = fromEngine.get(volume.name);
    if (size !== undefined) sizes.set(volume.name, size);
    else if (isStowagePluginVolume(volume)) plugin.push(volume);
    else if (engine.local && volume.mountpoint) missing.push(volume);
    else sizes.set(volume.name, null);
  }
  // Stowage's plugin measures its own volumes (statfs of a quota's filesystem, no walk) and says so in
  // the Status of an inspect; a plugin that does not answer falls back to a walk on a local engine.
  await forEachLimited(plugin, concurrency, async (volume) => {
    const reported =
      pluginUsage(volume) ?? pluginUsage(await engine.volumes.inspect(volume.name).catch(() => volume));
    if (reported !== undefined) sizes.set(volume.name, reported);
    else if (engine.local && volume.mountpoint) missing.push(volume);
    else sizes.set(volume.name, null);
  });
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
