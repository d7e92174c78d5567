/**
 * Volume to volume, on one engine or between two, with no temporary archive: the source helper's tar
 * streams straight into the destination helper, hashing every file on the way; then the destination is
 * read back through the archive API and compared file by file. `clone`, `rename` and `transfer` use it.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { writeArchive } from '../archive/archive-writer.ts';
import type { ArchiveManifest } from '../archive/manifest.ts';
import { verifyArchive } from '../archive/verify-archive.ts';
import { isStowageError, StowageError } from '../core/errors.ts';
import { VERSION } from '../core/version.ts';
import type { Engine, EngineVolume, Labels } from '../engine/contract.ts';
import { HELPER_MOUNT, withHelper, type HelperTracker } from '../engine/helper-containers.ts';
import type { TransferProgress } from './backup-context.ts';
import { underVolumeMount, UPLOAD_ROOT } from './volume-root-tar.ts';

export interface CopyEnd {
  engine: Engine;
  volume: string;
  tracker?: HelperTracker;
}

export interface CopyResult {
  files: number;
  bytes: number;
  entries: number;
}

/**
 * Copies every entry of `from` into `to` (which should be empty) and checks the copy.
 * @throws StowageError 'failed' naming the first differences when the copy does not match the source.
 */
export async function copyVolume(
  from: CopyEnd,
  to: CopyEnd,
  workDir: string,
  options: { signal?: AbortSignal; onProgress?: (p: TransferProgress) => void; expectedBytes?: number } = {},
): Promise<CopyResult> {
  const scratch = await mkdtemp(join(workDir, 'copy-'));
  const listFile = join(scratch, 'files.ndjson');
  try {
    const manifest = await withHelper(from.engine, helperFor(from, true, 'copy-source'), (source) =>
      withHelper(to.engine, helperFor(to, false, 'copy-destination'), async (destination) => {
        const tar = await from.engine.containers.getArchive(source, `${HELPER_MOUNT}/.`, options.signal);
        const pipe = new PassThrough();
        const [written] = await Promise.all([
          writeArchive(tar, pipe, {
            volume: { name: from.volume, driver: '', options: {}, labels: {} },
            toolVersion: VERSION,
            compression: 'none',
            fileList: createWriteStream(listFile),
            ...(options.signal ? { signal: options.signal } : {}),
            onProgress: (p) =>
              options.onProgress?.({
                volume: from.volume,
                bytes: p.tarBytes,
                entries: p.entries,
                expectedBytes: options.expectedBytes,
              }),
          }),
          to.engine.containers.putArchive(destination, UPLOAD_ROOT, underVolumeMount(pipe)),
        ]);
        return written;
      }),
    );
    await checkCopy(to, listFile, manifest);
    return {
      files: manifest.contents.files,
      bytes: manifest.contents.bytes,
      entries: manifest.contents.entries,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function checkCopy(to: CopyEnd, listFile: string, manifest: ArchiveManifest): Promise<void> {
  const report = await withHelper(to.engine, helperFor(to, true, 'copy-check'), async (helper) =>
    verifyArchive(await to.engine.containers.getArchive(helper, `${HELPER_MOUNT}/.`), {
      fileList: createReadStream(listFile),
      ignoreRootTimes: true,
    }),
  );
  if (!report.ok || report.contents.entries !== manifest.contents.entries) {
    const first =
      report.problems
        .slice(0, 3)
        .map((p) => p.message)
        .join('; ') || `${report.contents.entries} entries read back, ${manifest.contents.entries} sent`;
    throw new StowageError('failed', `the copy in ${to.volume} does not match its source: ${first}`);
  }
}

function helperFor(end: CopyEnd, readOnly: boolean, purpose: string) {
  return {
    mounts: [{ volume: end.volume, target: HELPER_MOUNT, readOnly }],
    purpose,
    ...(end.tracker ? { tracker: end.tracker } : {}),
  };
}

/** Option keys that point at host paths or network shares: never copied without being asked. */
export function reusableOptions(
  volume: EngineVolume,
  explicit: Labels | undefined,
): { options: Labels; dropped: string[] } {
  if (explicit) return { options: explicit, dropped: [] };
  const keys = Object.keys(volume.options);
  if (keys.length === 0) return { options: {}, dropped: [] };
  const harmless = volume.options.type === 'tmpfs' && !/bind/.test(volume.options.o ?? '');
  return harmless ? { options: volume.options, dropped: [] } : { options: {}, dropped: keys };
}

/** Creates the destination volume; refuses one that exists already. */
export async function createDestination(
  engine: Engine,
  name: string,
  like: EngineVolume,
  driver: string | undefined,
  options: Labels,
): Promise<EngineVolume> {
  const existing = await engine.volumes.inspect(name).catch((error: unknown) => {
    if (isStowageError(error, 'not-found')) return undefined;
    throw error;
  });
  if (existing) {
    throw new StowageError('conflict', `volume ${name} already exists on ${engine.endpoint}`, {
      hint: 'choose another name, or remove it first',
    });
  }
  return engine.volumes.create({ name, driver: driver ?? like.driver, options, labels: like.labels });
}
