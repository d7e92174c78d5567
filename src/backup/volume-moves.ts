/**
 * What Docker has no command for: `clone` (a verified copy on the same engine), `rename` (clone, then
 * remove the old name) and `transfer` (a verified copy onto another engine). A copy that fails or does
 * not match is removed, so the only volumes left are complete ones.
 */
import { inUseError, StowageError } from '../core/errors.ts';
import type { Engine, Labels } from '../engine/contract.ts';
import { usersByVolume } from '../inventory/usage.ts';
import type { BackupContext, TransferProgress } from './backup-context.ts';
import { copyVolume, createDestination, reusableOptions, type CopyResult } from './copy-volume.ts';
import { RunJournal } from './run-journal.ts';
import { lockVolume } from './volume-lock.ts';

export interface MoveOptions {
  driver?: string;
  options?: Labels;
  signal?: AbortSignal;
  onProgress?: (progress: TransferProgress) => void;
}

export interface MoveResult extends CopyResult {
  source: string;
  destination: string;
  /** Driver options of the source that were not reused (they point at host paths or shares). */
  droppedOptions: string[];
}

export async function cloneVolume(
  context: BackupContext,
  source: string,
  destination: string,
  options: MoveOptions = {},
): Promise<MoveResult> {
  return copyBetween(context, context.engine, source, destination, options);
}

/** @throws StowageError 'in-use' naming every container (running or stopped) that references `source`. */
export async function renameVolume(
  context: BackupContext,
  source: string,
  destination: string,
  options: MoveOptions = {},
): Promise<MoveResult> {
  const { engine } = context;
  await engine.volumes.inspect(source);
  const users = usersByVolume(await engine.containers.list()).get(source) ?? [];
  if (users.length) {
    // Docker cannot change a container's mounts, and removes no volume a container references: the
    // containers must be recreated on the new name, which only their owner (a compose file...) can do.
    const containers = [...new Set(users.map((u) => u.containerName))].join(' ');
    const running = [...new Set(users.filter((u) => u.running).map((u) => u.containerName))].join(' ');
    throw inUseError(
      source,
      users,
      'rename',
      `stowage rename ${source} ${destination}`,
      'containers name their volumes and Docker cannot change the name a container uses: ' +
        (running ? `stop ${running} (\`docker stop ${running}\`), ` : '') +
        `copy the data with \`stowage clone ${source} ${destination}\`, recreate ${containers} with ` +
        `${destination} (e.g. in their compose file), then remove the old volume with \`stowage rm ${source}\``,
    );
  }
  const result = await copyBetween(context, engine, source, destination, options);
  await engine.volumes.remove(source);
  // A protection mark follows the volume to its new name.
  if (context.catalog.protections.unprotect(context.engineInfo.id, source)) {
    context.catalog.protections.protect(context.engineInfo.id, destination, `renamed from ${source}`);
  }
  return result;
}

export async function transferVolume(
  context: BackupContext,
  destinationEngine: Engine,
  source: string,
  destination: string,
  options: MoveOptions = {},
): Promise<MoveResult> {
  if (destinationEngine.endpoint === context.engine.endpoint) {
    throw new StowageError(
      'invalid',
      `transfer ${source}: the destination is the same engine (${destinationEngine.endpoint})`,
      { hint: 'use `stowage clone` on one engine' },
    );
  }
  return copyBetween(context, destinationEngine, source, destination, options);
}

async function copyBetween(
  context: BackupContext,
  destinationEngine: Engine,
  source: string,
  destination: string,
  options: MoveOptions,
): Promise<MoveResult> {
  const { engine } = context;
  const sourceVolume = await engine.volumes.inspect(source);
  const { options: driverOptions, dropped } = reusableOptions(sourceVolume, options.options);
  const lock = lockVolume(context.dataDir, context.engineInfo.id, source, 'copy');
  const journal = new RunJournal(context.dataDir, engine.endpoint, `copy ${source}`);
  const destinationJournal =
    destinationEngine === engine
      ? journal
      : new RunJournal(context.dataDir, destinationEngine.endpoint, `copy into ${destination}`);
  try {
    await createDestination(destinationEngine, destination, sourceVolume, options.driver, driverOptions);
    try {
      const copied = await copyVolume(
        { engine, volume: source, tracker: journal },
        { engine: destinationEngine, volume: destination, tracker: destinationJournal },
        context.dataDir,
        options,
      );
      return { ...copied, source, destination, droppedOptions: dropped };
    } catch (error) {
      await destinationEngine.volumes.remove(destination).catch(() => undefined);
      throw error;
    }
  } finally {
    lock.release();
    journal.close();
    destinationJournal.close();
  }
}
