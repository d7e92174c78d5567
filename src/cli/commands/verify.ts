import type { ArchiveProblem, ProblemCode } from '../../archive/problem-list.ts';
import { openArchiveSource } from '../../backup/archive-source.ts';
import { verifyBackup } from '../../backup/verify-backup.ts';
import { StowageError } from '../../core/errors.ts';
import type { CliSession } from '../session.ts';
import { plural } from '../../core/terminal-text.ts';

export interface VerifyOptions {
  restoreTest?: boolean;
  allowDevices?: boolean;
  json?: boolean;
}

/**
 * Exit 0 when the archive is good; 1 with every problem listed when it is not, including every reason
 * `restore` would refuse it (the same rules; devices count as a problem unless `--allow-devices`).
 */
export async function verify(session: CliSession, archive: string, options: VerifyOptions): Promise<void> {
  const context = options.restoreTest ? await session.backupContext() : undefined;
  const catalog = context?.catalog ?? session.catalog();
  const source = await openArchiveSource(archive, catalog);
  const result = await verifyBackup(source, catalog, context, {
    allowDevices: options.allowDevices ?? false,
  });
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
      problemCodes: report.problems.map((p) => p.code),
      problemsOmitted: report.problemsOmitted,
      restoreTest: restoreTest ? { ok: restoreTest.ok, problems: restoreTest.problems } : null,
      backupId: source.record?.id ?? null,
    });
  } else {
    const checked =
      [report.manifestChecked && 'manifest', report.fileListChecked && 'file list']
        .filter(Boolean)
        .join(' and ') || 'structure only (no manifest)';
    session.out.write(
      `${source.label}: ${verdict(report.problems)} — ${plural(report.contents.files, 'file')}, ${plural(report.contents.entries, 'entry', 'entries')}; checked against ${checked}`,
    );
    for (const problem of report.problems) session.out.write(`  ${problem.message}`);
    if (report.problemsOmitted) session.out.write(`  … and ${report.problemsOmitted} more`);
    if (restoreTest) {
      session.out.write(`restore test: ${restoreTest.ok ? 'OK — every file read back matches' : 'FAILED'}`);
      for (const problem of restoreTest.problems) session.out.write(`  ${problem}`);
    }
    // Only catalogued backups have a verification state; say so rather than leave the user guessing.
    if (!source.record)
      session.out.note(
        'This archive is not in the catalog, so the result was not recorded; `stowage backups --scan DIR` catalogues the archives of a folder.',
      );
  }
  if (!result.ok)
    throw new StowageError('failed', `verify ${source.label}: the archive is not good`, {
      hint: report.problems.every((p) => p.code === 'device')
        ? 'it holds device files, which restore refuses unless --allow-devices; verify with --allow-devices to accept them'
        : 'do not rely on it; take a new backup',
    });
}

/** Codes of problems with the archive's bytes; the others are entries restore refuses. */
const DAMAGE: ReadonlySet<ProblemCode> = new Set([
  'not-archive',
  'damaged',
  'truncated',
  'archive-checksum',
  'entry-mismatch',
  'extra-entry',
  'file-list',
  'counts',
]);

function verdict(problems: readonly ArchiveProblem[]): string {
  if (problems.length === 0) return 'OK';
  if (problems.some((p) => p.code === 'not-archive')) return 'NOT AN ARCHIVE';
  if (problems.some((p) => DAMAGE.has(p.code))) return 'DAMAGED';
  return 'REFUSED BY RESTORE';
}
