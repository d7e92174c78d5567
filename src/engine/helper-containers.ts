/**
 * Helper containers: created from a tiny image Stowage builds itself (never pulled), mounting volumes,
 * never started. The engine's archive API streams a volume's contents out of and into them, so data moves
 * without host access and works on remote engines. Every helper is labelled (hidden from listings) and
 * removed when its work ends, whatever happened.
 */
import { hostname } from 'node:os';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { LABELS } from '../core/labels.ts';
import { VERSION } from '../core/version.ts';
import type { Engine } from './contract.ts';

export const HELPER_IMAGE = `stowage/helper:${VERSION}`;
/** Where a helper mounts the volume it works on (the second volume of a pair goes at /w). */
export const HELPER_MOUNT = '/v';

/** Told about every helper created and removed, so a killed run's helpers can be found and removed later. */
export interface HelperTracker {
  created(id: string): void;
  removed(id: string): void;
}

export interface HelperRequest {
  mounts: { volume: string; target: string; readOnly: boolean }[];
  /** What the helper is for, recorded in its labels: `backup`, `restore`, `clone`... */
  purpose: string;
  tracker?: HelperTracker;
}

/** Builds the helper image with `docker import` when the engine lacks it. */
export async function ensureHelperImage(engine: Engine): Promise<void> {
  if (await engine.images.exists(HELPER_IMAGE)) return;
  const rootfs = pack();
  rootfs.entry(
    { name: 'stowage-helper', mode: 0o644 },
    'Containers from this image move volume data for Stowage and are never started.\n',
  );
  rootfs.entry({ name: 'v', type: 'directory', mode: 0o755 });
  rootfs.entry({ name: 'w', type: 'directory', mode: 0o755 });
  rootfs.finalize();
  await engine.images.importRootfs(Readable.from(rootfs), HELPER_IMAGE, [
    'CMD ["/stowage-helper"]',
    `LABEL ${LABELS.helper}=image`,
  ]);
}

/** Runs `work` with a helper container and removes the helper afterwards, also on failure. */
export async function withHelper<T>(
  engine: Engine,
  request: HelperRequest,
  work: (id: string) => Promise<T>,
): Promise<T> {
  await ensureHelperImage(engine);
  const id = await engine.containers.create({
    image: HELPER_IMAGE,
    cmd: ['/stowage-helper'],
    labels: { [LABELS.helper]: request.purpose, [LABELS.helperOwner]: `${hostname()}:${process.pid}` },
    mounts: request.mounts,
  });
  request.tracker?.created(id);
  try {
    return await work(id);
  } finally {
    await engine.containers.remove(id, { force: true });
    request.tracker?.removed(id);
  }
}
