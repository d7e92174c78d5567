/**
 * `stowage verify`: re-read an archive, check every checksum against its manifest and file list, and judge
 * every entry by the rules a restore applies (planRestore: the same SafetyRules, the same device choice), so
 * that an archive `restore` would refuse is never reported good. With `restoreTest`, also restore it into a
 * scratch volume, read that back through the archive API and compare every file with the file list. The
 * result is recorded in the catalog (a "good backup", the one retention keeps, is one that passed).
 */
import { randomBytes } from 'node:crypto';
import { planRestore } from '../archive/restore-plan.ts';
import { verifyArchive, type VerifyReport } from '../archive/verify-archive.ts';
import { LABELS } from '../core/labels.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { HELPER_MOUNT, withHelper } from '../engine/helper-containers.ts';
import { archiveStream, fileListStream, type ArchiveSource } from './archive-source.ts';
import type { BackupContext } from './backup-context.ts';
import { restoreArchive } from './restore-volume.ts';

export interface VerifyResult {
  ok: boolean;
  report: VerifyReport;
  restoreTest: { ok: boolean; problems: string[]; volume: string } | undefined;
}

export interface VerifyBackupOptions {
  /** Accept device files, as `restore --allow-devices` does; by default they make the archive not good. */
  allowDevices?: boolean;
}

/**
 * Verifies `source`; with `context`, also runs the restore test. Records the outcome in `catalog` when
 * the archive is catalogued (found by ID or by its location).
 */
export async function verifyBackup(
  source: ArchiveSource,
  catalog: Catalog | undefined,
  context?: BackupContext,
  options: VerifyBackupOptions = {},
): Promise<VerifyResult> {
  const allowDevices = options.allowDevices ?? false;
  const report = await planRestore(await archiveStream(source), {
    ...(source.manifest ? { manifest: source.manifest } : {}),
    ...(source.hasFileList ? { fileList: (await fileListStream(source))! } : {}),
    allowDevices,
  });
  let restoreTest: VerifyResult['restoreTest'];
  if (context && report.ok) restoreTest = await runRestoreTest(context, source, allowDevices);
  const ok = report.ok && (restoreTest?.ok ?? true);
  if (source.record && catalog) {
    const problem = report.problems[0]?.message ?? restoreTest?.problems[0];
    catalog.backups.markVerified(source.record.id, ok, problem);
  }
  return { ok, report, restoreTest };
}

async function runRestoreTest(
  context: BackupContext,
  source: ArchiveSource,
  allowDevices: boolean,
): Promise<NonNullable<VerifyResult['restoreTest']>> {
  const { engine } = context;
  const volume = `stowage-verify-${randomBytes(6).toString('hex')}`;
  await engine.volumes.create({ name: volume, labels: { [LABELS.scratch]: 'verify' } });
  try {
    await restoreArchive(context, { source, volume, allowDevices });
    if (!source.hasFileList) {
      return {
        ok: true,
        volume,
        problems: ['no file list beside the archive: restored, but files were not compared one by one'],
      };
    }
    const readBack = await withHelper(
      engine,
      { mounts: [{ volume, target: HELPER_MOUNT, readOnly: true }], purpose: 'verify' },
      async (helper) =>
        verifyArchive(await engine.containers.getArchive(helper, `${HELPER_MOUNT}/.`), {
          fileList: (await fileListStream(source))!,
          ignoreRootTimes: true,
        }),
    );
    return { ok: readBack.ok, volume, problems: readBack.problems.map((p) => p.message) };
  } finally {
    await engine.volumes.remove(volume).catch(() => undefined);
  }
}
