/**
 * `type=dir`: a folder under the plugin's root. With `size=`, a real quota: a sparse file holding an ext4
 * filesystem, mounted through a loop device from Create until Remove, so writes past it fail with ENOSPC
 * ("No space left on device") and the host's disk is safe. Containers see `<fs>/data`, never lost+found.
 */
import { readFile, rm, statfs, truncate, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { mountAt, run, unmountIfMounted } from './host-commands.ts';
import { treeSizeOf } from './usage.ts';
import type { Backend, VolumeRecord, VolumePaths } from './contract.ts';
import { makeFolder } from '../core/make-folder.ts';

const image = (paths: VolumePaths) => join(paths.dir, 'disk.ext4');
const fsRoot = (paths: VolumePaths) => join(paths.dir, 'fs');
const quota = (record: VolumeRecord) => (record.spec.type === 'dir' ? record.spec.sizeBytes : undefined);

/** The mountpoint the engine sees for a dir volume. */
export function dirMountpoint(dir: string, record: VolumeRecord): string {
  return quota(record) === undefined ? join(dir, 'data') : join(dir, 'fs', 'data');
}

/**
 * Direct I/O between the loop device and its file: one page cache instead of two, which brings fsync'd
 * writes to the speed of the host's filesystem; with it, reads need a read-ahead like a disk's (a new
 * loop device has 128 kB), or every 128 kB is a synchronous read of the file. Best effort: a backing
 * filesystem without O_DIRECT (tmpfs, some FUSE) keeps buffered I/O, which is only slower.
 */
async function tuneLoop(name: string, device: string): Promise<void> {
  await run('losetup', ['--direct-io=on', device], `volume ${name}: direct I/O`).catch(() => undefined);
  const readAhead = `/sys/block/${basename(device)}/queue/read_ahead_kb`;
  const current = Number(await readFile(readAhead, 'utf8').catch(() => '0'));
  if (current < LOOP_READ_AHEAD_KB)
    await writeFile(readAhead, String(LOOP_READ_AHEAD_KB)).catch(() => undefined);
}

const LOOP_READ_AHEAD_KB = 4096;

export const dirBackend: Backend = {
  attach: 'persistent',

  async create(record, paths) {
    const bytes = quota(record);
    if (bytes === undefined) {
      await makeFolder(paths.mountpoint, 0o755);
      return;
    }
    await makeFolder(fsRoot(paths), 0o700);
    // Sparse: the file takes no space until written; the quota is the filesystem's size.
    await writeFile(image(paths), '', { mode: 0o600 });
    await truncate(image(paths), bytes);
    await run(
      'mkfs.ext4',
      [
        '-q',
        '-F',
        '-m',
        '0',
        '-L',
        record.name.slice(0, 16),
        '-E',
        'lazy_itable_init=1,lazy_journal_init=1,nodiscard',
        image(paths),
      ],
      `create volume ${record.name}: mkfs.ext4`,
    );
    await this.mount(record, paths);
    await makeFolder(paths.mountpoint, 0o755);
  },

  async mount(record, paths) {
    if (quota(record) === undefined || (await mountAt(fsRoot(paths)))) return;
    await makeFolder(fsRoot(paths), 0o700);
    await run(
      'mount',
      ['-o', 'loop,noatime', '-t', 'ext4', image(paths), fsRoot(paths)],
      `mount volume ${record.name}`,
    );
    const device = (await mountAt(fsRoot(paths)))?.source;
    if (device?.startsWith('/dev/loop')) await tuneLoop(record.name, device);
  },

  async unmount(record, paths) {
    if (quota(record) !== undefined) await unmountIfMounted(fsRoot(paths), `unmount volume ${record.name}`);
  },

  async mounted(record, paths) {
    return quota(record) === undefined || (await mountAt(fsRoot(paths))) !== undefined;
  },

  async destroy(_record, paths) {
    await rm(paths.dir, { recursive: true, force: true });
  },

  async status(record, paths) {
    const bytes = quota(record);
    if (bytes === undefined) return { usedBytes: await treeSizeOf(paths.mountpoint) };
    try {
      const fs = await statfs(fsRoot(paths));
      return {
        quotaBytes: bytes,
        usedBytes: (fs.blocks - fs.bfree) * fs.bsize,
        freeBytes: fs.bavail * fs.bsize,
      };
    } catch {
      return { quotaBytes: bytes, usedBytes: null };
    }
  },
};
