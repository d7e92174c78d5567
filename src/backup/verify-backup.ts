/**
 * `stowage verify`: re-read an archive and check every checksum against its manifest and file list;
 * with `restoreTest`, also restore it into a scratch volume, read that back through the archive API and
 * compare every file with the file list. The result is recorded in the catalog (a "good backup" is one
 * that passed).
 */
import { randomBytes } from 'node:crypto';
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

export async function verifyBackup(
  source: ArchiveSource,
  catalog: Catalog | undefined,
  context?: BackupContext,
): Promise<VerifyResult> {
  const report = await verifyArchive(await archiveStream(source), {
    ...(source.manifest ? { manifest: source.manifest } : {}),
    ...(source.hasFileList ? { fileList: (await fileListStream(source))! } : {}),
  });
  let restoreTest: VerifyResult['restoreTest'];
  if (context && report.ok) restoreTest = await runRestoreTest(context, source);
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
): Promise<NonNullable<VerifyResult['restoreTest']>> {
  const { engine } = context;
  const volume = `stowage-verify-${randomBytes(6).toString('hex')}`;
  await engine.volumes.create({ name: volume, labels: { [LABELS.scratch]: 'verify' } });
  try {
    await restoreArchive(context, { source, volume, allowDevices: true });
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
