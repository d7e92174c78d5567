import { catalogExists } from '../../catalog/catalog.ts';
import type { Severity } from '../../doctor/contract.ts';
import { parseDoctorPolicy } from '../../doctor/doctor-policy.ts';
import { runDoctor, SEVERITIES, type DoctorReport } from '../../doctor/run-doctor.ts';
import { EXIT } from '../exit-codes.ts';
import { ExitStatus, RESULT_EXIT } from '../exit-status.ts';
import type { Output } from '../output.ts';
import type { CliSession } from '../session.ts';

export interface DoctorOptions {
  json?: boolean;
  staleAfter?: string;
  diskWarn?: string;
  diskCritical?: string;
}

/** 0 when nothing is above info, 10 for warnings, 11 for critical findings (docs/CLI.md). */
export function doctorExitCode(worst: Severity | undefined): number {
  if (worst === 'critical') return RESULT_EXIT.critical;
  if (worst === 'warning') return RESULT_EXIT.warnings;
  return EXIT.ok;
}

/**
 * Audits the engine and prints the findings, most severe first.
 * @throws ExitStatus 10 or 11 after printing, when there are warnings or critical findings.
 */
export async function doctor(session: CliSession, options: DoctorOptions): Promise<void> {
  const policy = parseDoctorPolicy(options);
  const report = await runDoctor(
    {
      engine: session.engine(),
      inventory: session.inventory(),
      // Like ls: no catalog means no backups, and the audit must not create one.
      backups: () => (catalogExists(session.dataDir) ? session.catalog().backups.list() : []),
    },
    policy,
  );
  const exitCode = doctorExitCode(report.worst);
  if (options.json) session.out.json({ ...report, exitCode });
  else printReport(session.out, report);
  if (exitCode === RESULT_EXIT.critical || exitCode === RESULT_EXIT.warnings) {
    throw new ExitStatus(exitCode, `doctor: ${summaryText(report)}`);
  }
}

function printReport(out: Output, report: DoctorReport): void {
  for (const skipped of report.skipped) out.note(`doctor: ${skipped.check} not checked: ${skipped.reason}`);
  if (report.findings.length === 0) {
    out.write(`No findings on ${report.engine.endpoint}.`);
    return;
  }
  for (const severity of SEVERITIES) {
    const findings = report.findings.filter((f) => f.severity === severity);
    if (findings.length === 0) continue;
    out.write(`${severity.toUpperCase()} (${findings.length})`);
    out.table(
      ['CHECK', 'SUBJECT', 'PROBLEM', 'FIX'],
      findings.map((f) => [f.check, out.volumeName(f.subject), f.message, f.fix]),
      // Widest first: a long fix keeps its start and end (--no-trunc shows the command to copy whole).
      { cut: [['FIX', 'PROBLEM', 'SUBJECT']], middle: ['SUBJECT', 'FIX'] },
    );
    out.write('');
  }
  out.write(`${summaryText(report)} on ${report.engine.endpoint}`);
}

function summaryText(report: DoctorReport): string {
  const { critical, warning, info } = report.summary;
  return `${critical} critical, ${warning} warning${warning === 1 ? '' : 's'}, ${info} info`;
}
