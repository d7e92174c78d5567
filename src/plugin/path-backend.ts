/**
 * `type=path`: the data lives at a host path the user names and outlives the volume: Remove keeps it
 * unless `purge=true` (what local-persist users want). System paths are refused in `volume-options.ts`.
 */
import { rm } from 'node:fs/promises';
import { treeSizeOf } from './usage.ts';
import type { Backend } from './contract.ts';
import { makeFolder } from '../core/make-folder.ts';

export const pathBackend: Backend = {
  attach: 'none',
  async create(_record, paths) {
    await makeFolder(paths.dir, 0o700);
    await makeFolder(paths.mountpoint, 0o755);
  },
  async mount(_record, paths) {
    // A path removed behind the plugin's back comes back empty rather than failing every container start.
    await makeFolder(paths.mountpoint, 0o755);
  },
  async unmount() {},
  mounted: () => Promise.resolve(true),
  async destroy(record, paths) {
    if (record.spec.type === 'path' && record.spec.purge)
      await rm(record.spec.path, { recursive: true, force: true });
    await rm(paths.dir, { recursive: true, force: true });
  },
  async status(record, paths) {
    return {
      hostPath: paths.mountpoint,
      keptOnRemove: !(record.spec.type === 'path' && record.spec.purge),
      usedBytes: await treeSizeOf(paths.mountpoint),
    };
  },
};
