/**
 * `stowage backup`: one volume → one archive in a target, streamed through a helper container's archive
 * API (no image pull, no host access), with consistency holds and a crash-safe commit: archive, file list
 * and manifest are written under temporary names and fsynced; the manifest is renamed first and the
 * archive's rename is the commit. A failed or interrupted backup leaves nothing that lists as a backup.
 */
import { createGzip } from 'node:zlib';
import type { ArchiveManifest } from '../archive/manifest.ts';
import type { Compression } from '../archive/compression.ts';
import { writeArchive } from '../archive/archive-writer.ts';
import { StowageError } from '../core/errors.ts';
import { VERSION } from '../core/version.ts';
import { HELPER_MOUNT, withHelper } from '../engine/helper-containers.ts';
import type { PendingObject, Target } from '../targets/contract.ts';
import { backupKeys, type BackupKeys } from './archive-keys.ts';
import type { BackupContext, TransferProgress } from './backup-context.ts';
import { holdContainers, planConsistency, type ConsistencyFlags } from './consistency.ts';
import { RunJournal } from './run-journal.ts';
import { findSockets } from './socket-scan.ts';
import { lockVolume } from './volume-lock.ts';

export interface BackupRequest {
  volume: string;
  target: Target;
  compression?: Compression;
  consistency?: ConsistencyFlags;
  expectedBytes?: number;
  signal?: AbortSignal;
  onProgress?: (progress: TransferProgress) => void;
  /** The caller holds the volume's lock already (a restore taking its safety backup). */
  lockHeld?: boolean;
}

export interface BackupResult {
  id: number;
  volume: string;
  target: string;
  keys: BackupKeys;
  manifest: ArchiveManifest;
  durationMs: number;
  /** Containers held for consistency, and how. */
  held: { name: string; how: string }[];
  /** Devices, sockets and other entries reported while archiving. */
  warnings: string[];
}

/** @throws StowageError: 'not-found' (volume), 'conflict' (busy), 'failed' (hook, engine, target). */
export async function backupVolume(context: BackupContext, request: BackupRequest): Promise<BackupResult> {
  const { engine, catalog, dataDir } = context;
  const started = Date.now();
  const volume = await engine.volumes.inspect(request.volume);
  const lock = request.lockHeld
    ? { release: () => undefined }
    : lockVolume(dataDir, context.engineInfo.id, volume.name, 'backup');
  const journal = new RunJournal(dataDir, engine.endpoint, `backup ${volume.name}`);
  const pending: PendingObject[] = [];
  try {
    const compression = request.compression ?? 'zstd';
    const keys = await freeKeys(request.target, volume.name, new Date(), compression);
    const users = (await engine.containers.list()).filter((c) =>
      c.mounts.some((m) => m.type === 'volume' && m.name === volume.name),
    );
    const actions = planConsistency(
      users.map((c) => ({ containerId: c.id, containerName: c.name, running: c.running, labels: c.labels })),
      request.consistency ?? {},
    );
    const archive = await request.target.create(keys.archive);
    const fileList = await request.target.create(keys.fileList);
    pending.push(archive, fileList);

    const sockets = engine.local && volume.mountpoint ? findSockets(volume.mountpoint) : Promise.resolve([]);
    const release = await holdContainers(engine, actions, journal, request.consistency?.stopTimeout);
    let manifest: ArchiveManifest;
    let releaseProblems: string[] = [];
    try {
      manifest = await withHelper(
        engine,
        {
          mounts: [{ volume: volume.name, target: HELPER_MOUNT, readOnly: true }],
          purpose: 'backup',
          tracker: journal,
        },
        async (helper) => {
          const source = await engine.containers.getArchive(helper, `${HELPER_MOUNT}/.`, request.signal);
          const list = createGzip();
          list.pipe(fileList.stream);
          return writeArchive(source, archive.stream, {
            volume: {
              name: volume.name,
              driver: volume.driver,
              options: volume.options,
              labels: volume.labels,
            },
            toolVersion: VERSION,
            engine: {
              id: context.engineInfo.id,
              name: context.engineInfo.name,
              version: context.engineInfo.serverVersion,
              endpoint: engine.endpoint,
            },
            compression,
            fileList: list,
            ...(request.signal ? { signal: request.signal } : {}),
            onProgress: (p) =>
              request.onProgress?.({
                volume: volume.name,
                bytes: p.tarBytes,
                entries: p.entries,
                expectedBytes: request.expectedBytes,
              }),
          });
        },
      );
    } finally {
      releaseProblems = await release();
    }
    const manifestObject = await request.target.create(keys.manifest);
    pending.push(manifestObject);
    manifestObject.stream.end(`${JSON.stringify(manifest, null, 2)}\n`);
    // Commit order: file list, manifest, then the archive, whose rename makes the backup exist.
    await fileList.commit();
    await manifestObject.commit();
    await archive.commit();
    pending.length = 0;
    const archiveInfo = await request.target.stat(keys.archive);
    const id = catalog.backups.add({
      engineId: context.engineInfo.id,
      volume: volume.name,
      target: request.target.url,
      archiveKey: keys.archive,
      manifestKey: keys.manifest,
      fileListKey: keys.fileList,
      compression,
      startedAt: manifest.startedAt,
      finishedAt: manifest.finishedAt,
      files: manifest.contents.files,
      bytes: manifest.contents.bytes,
      archiveBytes: archiveInfo?.size ?? manifest.archive.bytes,
      archiveSha256: manifest.archive.sha256,
    });
    if (releaseProblems.length) {
      // The archive is good and kept; what is wrong is the state of the containers, which the user must see.
      throw new StowageError(
        'failed',
        `backup ${volume.name} was written (ID ${id}), but ${releaseProblems.join('; ')}`,
        {
          hint: 'check those containers with `docker ps -a`; the next Stowage run retries restarting them',
        },
      );
    }
    return {
      id,
      volume: volume.name,
      target: request.target.url,
      keys,
      manifest,
      durationMs: Date.now() - started,
      held: actions
        .filter((a) => a.hold)
        .map((a) => ({ name: a.name, how: `${a.hold === 'stop' ? 'stopped' : 'paused'} (${a.reason})` })),
      warnings: [
        ...manifest.warnings.map((w) => `${w.path}: ${w.message}`),
        ...(await sockets).map(
          (path) => `${path}: socket not archived (sockets cannot pass through the engine's archive API)`,
        ),
      ],
    };
  } catch (error) {
    await Promise.all(pending.map((object) => object.abort()));
    if (request.signal?.aborted)
      throw new StowageError('failed', `backup ${volume.name}: interrupted; no archive was kept`, {
        cause: error,
      });
    throw error;
  } finally {
    lock.release();
    journal.close();
  }
}

/** Two backups of one volume in the same second get distinct names. */
async function freeKeys(
  target: Target,
  volume: string,
  at: Date,
  compression: Compression,
): Promise<BackupKeys> {
  for (let attempt = 0; ; attempt++) {
    const keys = backupKeys(volume, at, compression, attempt);
    if (!(await target.stat(keys.archive))) return keys;
  }
}
