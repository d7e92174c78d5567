/**
 * `stowage restore ARCHIVE [--to VOL]`: the whole archive is checked before anything is written
 * (paths, links, devices, every checksum); then it streams into the volume through a helper container.
 * A failed restore leaves the target as it was: a volume it created is removed, an empty one is emptied,
 * and with `--force` the safety backup of the replaced contents is put back.
 */
import { Readable } from 'node:stream';
import { planRestore, type RestorePlan } from '../archive/restore-plan.ts';
import { createRestoreParts } from '../archive/restore-stream.ts';
import { isStowageError, StowageError } from '../core/errors.ts';
import { checkVolumeName } from '../core/volume-name.ts';
import type { Engine, EngineVolume, Labels } from '../engine/contract.ts';
import { HELPER_MOUNT, withHelper } from '../engine/helper-containers.ts';
import { replaceHeld } from './consistency.ts';
import { emptyVolume, isEmpty } from './empty-volume.ts';
import { LocalTarget } from '../targets/local-target.ts';
import { archiveStream, fileListStream, openArchiveSource, type ArchiveSource } from './archive-source.ts';
import type { BackupContext } from './backup-context.ts';
import { backupVolume } from './backup-volume.ts';
import { RunJournal } from './run-journal.ts';
import { lockVolume } from './volume-lock.ts';
import { UPLOAD_ROOT } from './volume-root-tar.ts';
import { join } from 'node:path';

export interface RestoreRequest {
  source: ArchiveSource;
  /** Target volume; default: the archived volume's name. */
  volume?: string;
  /** Replace a non-empty volume (after a safety backup). */
  force?: boolean;
  allowDevices?: boolean;
  /** With `force`: stop the running containers that use the volume, and start them again after. */
  stop?: boolean;
  /** Seconds each stopped container gets to exit before it is killed (default 10, as `docker stop`). */
  stopTimeout?: number;
  /** Only this path of the archive. */
  path?: string;
  /** Driver and options for a volume the restore creates (the archived ones are reused only when harmless). */
  driver?: string;
  options?: Labels;
  signal?: AbortSignal;
}

export interface RestoreResult {
  volume: string;
  created: boolean;
  replaced: boolean;
  safetyBackup: string | undefined;
  plan: RestorePlan;
  notes: string[];
}

/** Option keys that point at host paths or network shares: never taken from an archive. */
const UNSAFE_OPTION = /^(device|o|type)$/;

export async function restoreArchive(
  context: BackupContext,
  request: RestoreRequest,
): Promise<RestoreResult> {
  const { engine } = context;
  const { source } = request;
  const volumeName = request.volume ?? source.manifest?.volume.name;
  if (!volumeName) {
    throw new StowageError(
      'invalid',
      `restore ${source.label}: the archive has no manifest naming its volume`,
      { hint: 'give the volume with --to VOL' },
    );
  }
  // A name from a manifest is untrusted input like any other: Docker's rule, before the engine sees it.
  checkVolumeName(volumeName, request.volume === undefined ? 'archived volume' : 'target volume');
  const plan = await planRestore(await archiveStream(source), {
    ...(source.manifest ? { manifest: source.manifest } : {}),
    ...(source.hasFileList ? { fileList: (await fileListStream(source))! } : {}),
    allowDevices: request.allowDevices ?? false,
    ...(request.path !== undefined ? { path: request.path } : {}),
  });
  if (!plan.ok) throw refusal(source.label, plan);
  // Interrupted while the archive was being checked: nothing was written yet.
  request.signal?.throwIfAborted();

  const lock = lockVolume(context.dataDir, context.engineInfo.id, volumeName, 'restore');
  const journal = new RunJournal(context.dataDir, engine.endpoint, `restore ${volumeName}`);
  const notes: string[] = [];
  try {
    const existing = await engine.volumes.inspect(volumeName).catch((error: unknown) => {
      if (isStowageError(error, 'not-found')) return undefined;
      throw error;
    });
    let volume: EngineVolume;
    let created = false;
    let safetyBackup: string | undefined;
    let replacing = false;
    if (!existing) {
      volume = await engine.volumes.create(newVolumeSpec(volumeName, request, source, notes));
      created = true;
    } else {
      volume = existing;
      replacing = !(await isEmpty(engine, volume.name, journal));
      if (replacing && !request.force) {
        throw new StowageError('conflict', `restore into ${volume.name}: volume is not empty`, {
          hint: `restore into a new volume with --to NEW, or replace its contents with --force (a safety backup is taken first)`,
        });
      }
    }
    const fill = async () => {
      if (replacing) {
        safetyBackup = await takeSafetyBackup(context, volume.name);
        await emptyVolume(engine, volume, journal);
      }
      try {
        request.signal?.throwIfAborted();
        await write(engine, volume.name, source, plan, journal, request.signal);
      } catch (error) {
        await rollBack(context, volume, { created, safetyBackup }, journal).catch((rollbackError: Error) => {
          notes.push(`could not put ${volume.name} back as it was: ${rollbackError.message}`);
        });
        throw new StowageError('failed', `restore into ${volume.name} failed: ${(error as Error).message}`, {
          hint: created
            ? 'the volume it created was removed'
            : safetyBackup
              ? `its previous contents were put back (safety backup ${safetyBackup})`
              : 'the volume was emptied again',
          cause: error,
        });
      }
    };
    // Replacing contents under a running container would mix old and new files in its view: its running
    // users are stopped (--stop) or named. Containers that only reference the volume stay as they are.
    const archive = source.record ? String(source.record.id) : source.label;
    if (replacing) notes.push(...(await replaceHeld(engine, volume.name, request, archive, journal, fill)));
    else await fill();
    return { volume: volume.name, created, replaced: safetyBackup !== undefined, safetyBackup, plan, notes };
  } finally {
    lock.release();
    journal.close();
  }
}

function refusal(label: string, plan: RestorePlan): StowageError {
  const shown = plan.problems.slice(0, 5).map((p) => p.message);
  const more = plan.problems.length - shown.length + plan.problemsOmitted;
  return new StowageError(
    'invalid',
    `refusing to restore ${label}: ${shown.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`,
    {
      hint: 'nothing was written; `stowage verify` lists every problem',
    },
  );
}

function newVolumeSpec(name: string, request: RestoreRequest, source: ArchiveSource, notes: string[]) {
  const archived = source.manifest?.volume;
  const driver = request.driver ?? archived?.driver ?? 'local';
  let options = request.options ?? {};
  if (!request.options && archived && Object.keys(archived.options).length) {
    // Only option-less and tmpfs volumes are recreated as they were: an archive must never make Stowage
    // mount a host path or a network share the user did not ask for.
    const harmless = archived.options.type === 'tmpfs' && !/bind/.test(archived.options.o ?? '');
    if (harmless) options = archived.options;
    else {
      const unsafe = Object.keys(archived.options).filter((k) => UNSAFE_OPTION.test(k) || !harmless);
      notes.push(
        `the archived driver options (${unsafe.join(', ')}) were not reused; pass them with --opt to recreate them`,
      );
    }
  }
  return { name, driver, options, labels: archived?.labels ?? {} };
}

async function write(
  engine: Engine,
  volume: string,
  source: ArchiveSource,
  plan: RestorePlan,
  journal: RunJournal,
  signal?: AbortSignal,
): Promise<void> {
  const request = {
    mounts: [{ volume, target: HELPER_MOUNT, readOnly: false }],
    purpose: 'restore',
    tracker: journal,
  };
  // Two helpers on the same volume: the engine extracts each upload on one thread, and one container
  // takes one upload at a time.
  await withHelper(engine, request, (first) =>
    withHelper(engine, request, async (second) => {
      // Entries under `v/`, uploaded at `/`: the volume root becomes an ordinary entry whose owner and
      // mode the engine applies (see volume-root-tar.ts).
      const split = createRestoreParts(await archiveStream(source), plan, 2, {
        under: HELPER_MOUNT.slice(1),
      });
      const uploads = [first, second].map((helper, index) =>
        engine.containers.putArchive(helper, UPLOAD_ROOT, split.parts[index]!),
      );
      // An interrupt ends both uploads; the caller then rolls back as for any failed write.
      const abort = () => {
        for (const part of split.parts) part.destroy(signal!.reason as Error);
      };
      signal?.addEventListener('abort', abort, { once: true });
      try {
        await Promise.all(uploads);
      } catch (error) {
        // The other upload must end too before the helpers go (and the caller rolls back).
        for (const part of split.parts) part.destroy(error as Error);
        await Promise.allSettled(uploads);
        // When reading the archive failed (an unsafe entry, a changed archive), that is the reason to give.
        throw await split.last.then(
          () => error,
          (reason: unknown) => reason,
        );
      }
      signal?.removeEventListener('abort', abort);
      signal?.throwIfAborted();
      await engine.containers.putArchive(first, UPLOAD_ROOT, Readable.from([await split.last]));
    }),
  );
}

/** The replaced contents go to `<data-dir>/safety/` first, recorded in the catalog like any backup. */
async function takeSafetyBackup(context: BackupContext, volume: string): Promise<string> {
  const target = new LocalTarget(join(context.dataDir, 'safety'));
  const result = await backupVolume(context, { volume, target, lockHeld: true });
  return `#${result.id}`;
}

async function rollBack(
  context: BackupContext,
  volume: EngineVolume,
  state: { created: boolean; safetyBackup: string | undefined },
  journal: RunJournal,
): Promise<void> {
  const { engine } = context;
  if (state.created) {
    await engine.volumes.remove(volume.name);
    return;
  }
  await emptyVolume(engine, volume, journal);
  if (state.safetyBackup) {
    const source = await openArchiveSource(state.safetyBackup, context.catalog);
    // The safety backup is what this very volume held a moment ago, devices included: it goes back whole.
    const plan = await planRestore(await archiveStream(source), {
      ...(source.manifest ? { manifest: source.manifest } : {}),
      allowDevices: true,
    });
    await write(engine, volume.name, source, plan, journal);
  }
}
