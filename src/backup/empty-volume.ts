/**
 * Emptying a volume before a restore replaces its contents. The engine has no "empty" operation: an
 * unreferenced volume is removed and created again with its driver, options and labels; a volume that
 * containers reference (the engine refuses to remove it, even for stopped ones) is emptied in place
 * through a helper, and checked empty afterwards.
 */
import { ArchiveReader } from '../archive/archive-reader.ts';
import { StowageError } from '../core/errors.ts';
import type { Engine, EngineVolume } from '../engine/contract.ts';
import { HELPER_MOUNT, withHelper, type HelperTracker } from '../engine/helper-containers.ts';
import { usersByVolume } from '../inventory/usage.ts';

/** @throws StowageError 'failed' when the volume could not be emptied (nothing else is changed then). */
export async function emptyVolume(
  engine: Engine,
  volume: EngineVolume,
  tracker: HelperTracker,
): Promise<void> {
  const referenced = usersByVolume(await engine.containers.list()).has(volume.name);
  if (!referenced) return recreate(engine, volume);
  await withHelper(
    engine,
    {
      mounts: [{ volume: volume.name, target: HELPER_MOUNT, readOnly: false }],
      purpose: 'restore-empty',
      tracker,
    },
    (helper) => engine.containers.clearMount(helper, HELPER_MOUNT),
  );
  if (!(await isEmpty(engine, volume.name, tracker)))
    throw new StowageError(
      'failed',
      `could not empty ${volume.name} in place: this engine kept some of its files`,
      {
        hint: 'restore into a new volume with --to NEW instead',
      },
    );
}

/** Empty = the archive API lists only the volume's root folder. */
export async function isEmpty(engine: Engine, volume: string, tracker: HelperTracker): Promise<boolean> {
  return withHelper(
    engine,
    { mounts: [{ volume, target: HELPER_MOUNT, readOnly: true }], purpose: 'restore-check', tracker },
    async (helper) => {
      const controller = new AbortController();
      const stream = await engine.containers.getArchive(helper, `${HELPER_MOUNT}/.`, controller.signal);
      let entries = 0;
      try {
        for await (const entry of new ArchiveReader(stream)) {
          void entry;
          if (++entries > 1) break;
        }
      } finally {
        controller.abort(new Error('enough read'));
      }
      return entries <= 1;
    },
  );
}

/** Removes and recreates a volume with its driver, options and labels. */
async function recreate(engine: Engine, volume: EngineVolume): Promise<void> {
  await engine.volumes.remove(volume.name);
  await engine.volumes.create({
    name: volume.name,
    driver: volume.driver,
    options: volume.options,
    labels: volume.labels,
  });
}
