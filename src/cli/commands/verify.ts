import { openArchiveSource } from '../../backup/archive-source.ts';
import { verifyBackup } from '../../backup/verify-backup.ts';
import { StowageError } from '../../core/errors.ts';
import type { CliSession } from '../session.ts';

export interface VerifyOptions {
  restoreTest?: boolean;
  json?: boolean;
}

/** Exit 0 when the archive is good; 1 with every problem listed when it is not. */
export async function verify(session: CliSession, archive: string, options: VerifyOptions): Promise<void> {
  const context = options.restoreTest ? await session.backupContext() : undefined;
  const catalog = context?.catalog ?? session.catalog();
  const source = await openArchiveSource(archive, catalog);
  const result = await verifyBackup(source, catalog, context);
  const { report, restoreTest } = result;
  if (options.json) {
    session.out.json({
      archive: source.label,
      ok: result.ok,
      compression: report.compression ?? null,
      sha256: report.sha256 ?? null,
      entries: report.contents.entries,
      files: report.contents.files,
      bytes: report.contents.bytes,
      manifestChecked: report.manifestChecked,
      fileListChecked: report.fileListChecked,
      problems: report.problems.map((p) => p.message),
      problemsOmitted: report.problemsOmitted,
      restoreTest: restoreTest ? { ok: restoreTest.ok, problems: restoreTest.problems } : null,
    });
  } else {
    const checked =
      [report.manifestChecked && 'manifest', report.fileListChecked && 'file list']
        .filter(Boolean)
        .join(' and ') || 'structure only (no manifest)';
    session.out.write(
      `${source.label}: ${report.ok ? 'OK' : 'DAMAGED'} — ${report.contents.files} files, ${report.contents.entries} entries; checked against ${checked}`,
    );
    for (const problem of report.problems) session.out.write(`  ${problem.message}`);
    if (report.problemsOmitted) session.out.write(`  … and ${report.problemsOmitted} more`);
    if (restoreTest) {
      session.out.write(`restore test: ${restoreTest.ok ? 'OK — every file read back matches' : 'FAILED'}`);
      for (const problem of restoreTest.problems) session.out.write(`  ${problem}`);
    }
  }
  if (!result.ok)
    throw new StowageError('failed', `verify ${source.label}: the archive is not good`, {
      hint: 'do not rely on it; take a new backup',
    });
}
