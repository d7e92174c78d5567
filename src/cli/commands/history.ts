import { catalogExists } from '../../catalog/catalog.ts';
import { formatAge } from '../../core/units.ts';
import {
  volumeHistoryReport,
  type HistoryEntry,
  type VolumeHistoryReport,
} from '../../history/history-report.ts';
import type { Output } from '../output.ts';
import type { CliSession } from '../session.ts';

/** What the daemon recorded of a volume: creation, every mount and unmount, last use, gaps. */
export async function history(
  session: CliSession,
  volume: string,
  options: { json?: boolean },
): Promise<void> {
  // Reading never creates a catalog: without one there is simply no history.
  const catalog = catalogExists(session.dataDir) ? session.catalog() : undefined;
  const report = await volumeHistoryReport(catalog, session.engine(), volume);
  if (options.json) return session.out.json(report);
  print(session.out, report, Date.now());
  if (!report.recording) {
    session.out.note(
      'No history recorded on this engine: the daemon (`stowage daemon`) records volume events.',
    );
  }
}

/** The facts, then the events as a table (fitted to the terminal like every table), then the gaps. */
function print(out: Output, r: VolumeHistoryReport, now: number): void {
  const when = (iso: string | null) => (iso ? `${iso} (${formatAge(now - Date.parse(iso))} ago)` : 'unknown');
  const lines = [`Volume:      ${r.volume}${r.exists ? '' : ' (no longer on the engine)'}`];
  lines.push(`Created:     ${when(r.createdAt)}`);
  if (r.firstSeenAt) lines.push(`First seen:  ${when(r.firstSeenAt)}`);
  if (r.destroyedAt) lines.push(`Removed:     ${when(r.destroyedAt)}`);
  if (r.firstUser) {
    const u = r.firstUser;
    lines.push(
      `First user:  ${u.containerName ?? u.containerId.slice(0, 12)} (image ${u.image ?? 'unknown'}) at ${u.destination ?? 'unknown'}`,
    );
  }
  if (r.inUse) lines.push('Last used:   in use now');
  else if (r.certainty) lines.push(`Last used:   ${r.lastUsedAt ? when(r.lastUsedAt) : 'never seen used'}`);
  if (r.certainty && !r.inUse && r.idleForMs !== null) {
    const span = formatAge(r.idleForMs);
    lines.push(
      r.certainty === 'known'
        ? `Unused for:  ${span}`
        : `Unused for:  at least ${span}; before that unknown (the history has a gap)`,
    );
  }
  if (r.recording) {
    lines.push(
      `Recorded:    since ${r.recording.since}` +
        (r.recording.active ? ', recording now' : `; not recording since ${r.recording.lastSeenAt}`),
    );
  }
  out.write(lines.join('\n'));
  const after: string[] = [];
  if (r.events.length) {
    out.write('');
    out.table(
      ['TIME', 'EVENT', 'CONTAINER', 'IMAGE', 'DESTINATION'],
      r.events.map((e) => [
        e.at,
        e.action + (e.source === 'reconcile' ? '*' : ''),
        e.containerName ?? (e.containerId ? e.containerId.slice(0, 12) : ''),
        e.image ?? '',
        destination(e),
      ]),
      { cut: [['CONTAINER', 'IMAGE', 'DESTINATION']], middle: ['DESTINATION'] },
    );
    if (r.events.some((e) => e.source === 'reconcile')) {
      after.push('* inferred from the engine when the daemon (re)connected; the time is when it was seen');
    }
  }
  if (r.gaps.length) {
    after.push('', 'Gaps (stretches the daemon did not see):');
    for (const gap of r.gaps)
      after.push(`  ${gap.from ? `${gap.from} to ${gap.to}` : `until ${gap.to}`}: ${gap.reason}`);
  }
  if (after.length) out.write(after.join('\n'));
}

function destination(e: HistoryEntry): string {
  if (!e.destination) return '';
  return e.readOnly ? `${e.destination} (ro)` : e.destination;
}
