/** The backends by type, and where each keeps a volume. */
import { join } from 'node:path';
import { dirBackend, dirMountpoint } from './dir-backend.ts';
import { pathBackend } from './path-backend.ts';
import { sshfsBackend } from './sshfs-backend.ts';
import { tmpfsBackend } from './tmpfs-backend.ts';
import type { Backend, BackendType, VolumeRecord, VolumePaths } from './contract.ts';

const BACKENDS: Record<BackendType, Backend> = {
  dir: dirBackend,
  path: pathBackend,
  tmpfs: tmpfsBackend,
  sshfs: sshfsBackend,
};

export function backendFor(record: VolumeRecord): Backend {
  return BACKENDS[record.spec.type];
}

/** `<root>/volumes/<name>` and the mountpoint the engine bind-mounts for this record. */
export function pathsFor(root: string, record: VolumeRecord): VolumePaths {
  const dir = join(root, 'volumes', record.name);
  switch (record.spec.type) {
    case 'dir':
      return { dir, mountpoint: dirMountpoint(dir, record) };
    case 'path':
      return { dir, mountpoint: record.spec.path };
    default:
      return { dir, mountpoint: join(dir, 'data') };
  }
}
