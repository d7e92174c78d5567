/**
 * Start-up reconciliation, before the socket accepts anything:
 * - a new kernel boot ID means every mount and every caller is gone: callers are cleared (the engine calls
 *   Mount again for the containers it restarts);
 * - persistent volumes (dir with a quota, tmpfs) are mounted again where their mount vanished;
 * - on-use volumes (sshfs) with callers are mounted again if their FUSE process died while the plugin was
 *   down; without callers, a leftover mount is removed;
 * - folders under `<root>/volumes` that no record names (a Create cut short) are unmounted and deleted.
 * After a plugin restart on the same boot, callers are kept: the engine does not repeat Mount for
 * containers that kept running, and their Unmount must still find them.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { backendFor, pathsFor } from './backends.ts';
import { parseMountInfo, unmountIfMounted } from './host-commands.ts';
import type { VolumeStore } from './volume-store.ts';

export async function currentBootId(): Promise<string> {
  return (await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => 'unknown')).trim();
}

/** Never throws for one volume's trouble: it is logged, and that volume's next Mount tries again. */
export async function reconcile(
  root: string,
  store: VolumeStore,
  log: (line: string) => void,
  bootId?: string,
): Promise<void> {
  const boot = bootId ?? (await currentBootId());
  if (store.bootId && store.bootId !== boot) {
    for (const record of store.all()) if (record.callers.length) store.put({ ...record, callers: [] });
    log('new boot: mount counts reset');
  }
  if (store.bootId !== boot) store.setBootId(boot);

  for (const record of store.all()) {
    const backend = backendFor(record);
    const paths = pathsFor(root, record);
    try {
      const mounted = await backend.mounted(record, paths);
      const wanted =
        backend.attach === 'persistent' || (backend.attach === 'on-use' && record.callers.length > 0);
      if (wanted && !mounted) {
        await backend.mount(record, paths);
        log(`${record.name}: mounted again`);
      } else if (!wanted && mounted && backend.attach === 'on-use') {
        await backend.unmount(record, paths);
        log(`${record.name}: unused mount removed`);
      }
    } catch (error) {
      log(`${record.name}: ${(error as Error).message}`);
    }
  }

  const volumes = join(root, 'volumes');
  const folders = await readdir(volumes).catch(() => [] as string[]);
  const mounts = parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
  for (const folder of folders.filter((name) => !store.get(name))) {
    const dir = join(volumes, folder);
    for (const mount of mounts.filter((m) => m.mountpoint.startsWith(`${dir}/`)).reverse())
      await unmountIfMounted(mount.mountpoint, `clean up ${folder}`).catch(() => undefined);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    log(`${folder}: leftover of an unfinished create removed`);
  }
}
