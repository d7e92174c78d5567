/**
 * `type=tmpfs`: memory-backed, at most `size=` bytes. Mounted from Create until Remove, so its contents
 * outlive containers and plugin restarts; a host reboot empties it by design (the definition stays and is
 * mounted again, empty, at the plugin's start).
 */
import { rm, statfs } from 'node:fs/promises';
import { mountAt, run, unmountIfMounted } from './host-commands.ts';
import type { Backend } from './contract.ts';
import { makeFolder } from '../core/make-folder.ts';

export const tmpfsBackend: Backend = {
  attach: 'persistent',
  async create(record, paths) {
    await this.mount(record, paths);
  },
  async mount(record, paths) {
    if (record.spec.type !== 'tmpfs' || (await mountAt(paths.mountpoint))) return;
    await makeFolder(paths.mountpoint, 0o755);
    const options = [
      `size=${record.spec.sizeBytes}`,
      'nodev',
      'nosuid',
      ...(record.spec.mode ? [`mode=${record.spec.mode}`] : []),
    ];
    await run(
      'mount',
      ['-t', 'tmpfs', '-o', options.join(','), `stowage-${record.name}`, paths.mountpoint],
      `mount volume ${record.name}`,
    );
  },
  async unmount(record, paths) {
    await unmountIfMounted(paths.mountpoint, `unmount volume ${record.name}`);
  },
  async mounted(_record, paths) {
    return (await mountAt(paths.mountpoint)) !== undefined;
  },
  async destroy(_record, paths) {
    await rm(paths.dir, { recursive: true, force: true });
  },
  async status(record, paths) {
    const quotaBytes = record.spec.type === 'tmpfs' ? record.spec.sizeBytes : undefined;
    try {
      const fs = await statfs(paths.mountpoint);
      return { quotaBytes, usedBytes: (fs.blocks - fs.bfree) * fs.bsize, freeBytes: fs.bavail * fs.bsize };
    } catch {
      return { quotaBytes, usedBytes: null };
    }
  },
};
