/**
 * Helper containers: created from a tiny image Stowage makes itself and loads (never pulled), mounting volumes,
 * never started. The engine's archive API streams a volume's contents out of and into them, so data moves
 * without host access and works on remote engines. Every helper is labelled (hidden from listings) and
 * removed when its work ends, whatever happened.
 */
import { hostname } from 'node:os';
import { LABELS } from '../core/labels.ts';
import { VERSION } from '../core/version.ts';
import type { Engine } from './contract.ts';
import { fixedTar } from './fixed-tar.ts';

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

const ensured = new WeakMap<Engine, Promise<void>>();

/**
 * Loads the helper image when the engine lacks it. The image is the same bytes every time (see
 * `loadImage`), so processes that find it missing at the same moment all load one image: no lock is
 * needed, even between processes with different data folders. Within a process, one load is shared.
 */
export async function ensureHelperImage(engine: Engine): Promise<void> {
  let pending = ensured.get(engine);
  if (!pending) {
    pending = loadHelperImage(engine);
    ensured.set(engine, pending);
    // A failed load is tried again by the next caller; a done one is checked again (the image may be removed).
    void pending.then(
      () => ensured.delete(engine),
      () => ensured.delete(engine),
    );
  }
  return pending;
}

async function loadHelperImage(engine: Engine): Promise<void> {
  if (await engine.images.exists(HELPER_IMAGE)) return;
  const layer = await fixedTar(
    [
      [
        'stowage-helper',
        Buffer.from('Containers from this image move volume data for Stowage and are never started.\n'),
      ],
    ],
    ['v', 'w'],
  );
  await engine.images.loadImage({
    reference: HELPER_IMAGE,
    layer,
    cmd: ['/stowage-helper'],
    labels: { [LABELS.helper]: 'image' },
  });
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
