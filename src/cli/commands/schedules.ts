import { catalogExists } from '../../catalog/catalog.ts';
import type { RunRecord } from '../../catalog/run-store.ts';
import { invalid, StowageError } from '../../core/errors.ts';
import { formatAge, formatBytes } from '../../core/units.ts';
import { runOwnerAlive, runSchedule } from '../../schedules/run-schedule.ts';
import { findSchedule, resolveSchedules } from '../../schedules/resolve-schedules.ts';
import { describeSchedules, type ScheduleStatus } from '../../schedules/schedule-status.ts';
import { VolumeLimiter } from '../../schedules/volume-limiter.ts';
import { withInterrupt } from '../interrupt.ts';
import type { CliSession } from '../session.ts';
import { plural } from '../../core/terminal-text.ts';

export interface RunsOptions {
  schedule?: string;
  volume?: string;
  limit?: string;
  json?: boolean;
}

/** The schedules of the config and of volume labels, with next fire and last run; needs no daemon. */
export async function schedules(session: CliSession, options: { json?: boolean }): Promise<void> {
  const resolved = await resolveSchedules(session.config(), session.engine());
  if (resolved.engineError)
    session.out.note(`stowage: schedules from volume labels are not listed: ${resolved.engineError}`);
  for (const problem of resolved.problems) session.out.note(`stowage: ${problem}`);
  const now = new Date();
  const catalog = catalogExists(session.dataDir) ? session.catalog() : undefined;
  // A schedule's state is per engine; without the engine, nothing is known to have run.
  const engineId = catalog
    ? await session.engineInfo().then(
        (i) => i.id,
        () => undefined,
      )
    : undefined;
  const statuses = describeSchedules(resolved.schedules, catalog, engineId, now);
  if (options.json) return session.out.json(statuses);
  if (statuses.length === 0) {
    session.out.note(
      'No schedules: define them in config.yaml (docs/CONFIG.md) or label volumes stowage.backup.schedule=@daily.',
    );
    return;
  }
  session.out.table(
    ['NAME', 'CRON', 'SELECTS', 'KEEP', 'NEXT', 'LAST RUN', 'LAST SUCCESS', 'STATUS'],
    statuses.map((s) => [
      s.name,
      s.cron,
      selects(s),
      s.keep ?? '-',
      s.nextFire ? `in ${formatAge(Date.parse(s.nextFire) - now.getTime())}` : 'never',
      s.lastRun ? `${s.lastRun.result ?? 'running'} ${ago(now, s.lastRun.startedAt)}` : 'never',
      s.lastSuccess ? ago(now, s.lastSuccess) : 'never',
      s.late ? 'late' : 'ok',
    ]),
  );
  for (const s of statuses) if (s.late) session.out.note(`${s.name} is late: ${s.late}`);
}

/** Recorded runs, newest first; runs left unfinished by a process that died are marked failed first. */
export function runs(session: CliSession, options: RunsOptions): void {
  const limit = options.limit === undefined ? 50 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw invalid(`invalid --limit "${options.limit}"`, 'give a whole number of 1 or more');
  let records: RunRecord[] = [];
  if (catalogExists(session.dataDir)) {
    const catalog = session.catalog();
    catalog.runs.failAbandoned(runOwnerAlive);
    records = catalog.runs.list({
      ...(options.schedule !== undefined ? { schedule: options.schedule } : {}),
      ...(options.volume !== undefined ? { volume: options.volume } : {}),
      limit,
    });
  }
  if (options.json) return session.out.json(records);
  const now = new Date();
  session.out.table(
    ['ID', 'SCHEDULE', 'VOLUME', 'TRIGGER', 'STARTED', 'TIME', 'RESULT', 'SIZE', 'BACKUP', 'ERROR'],
    records.map((r) => [
      String(r.id),
      r.schedule,
      r.volume ?? '-',
      r.trigger,
      ago(now, r.startedAt),
      r.finishedAt ? seconds(Date.parse(r.finishedAt) - Date.parse(r.startedAt)) : '-',
      r.result ?? 'running',
      r.bytes === null ? '-' : formatBytes(r.bytes),
      r.backupId === null ? '-' : `#${r.backupId}${r.removed ? ` (${r.removed} old removed)` : ''}`,
      r.error ?? '',
    ]),
  );
}

/**
 * Runs a schedule now in this process, through the same code as the daemon (backup, verify, retention,
 * runs recorded, webhook). Exits non-zero when any volume failed.
 */
export async function runNow(session: CliSession, name: string, options: { json?: boolean }): Promise<void> {
  const config = session.config();
  const context = await session.backupContext();
  const schedule = findSchedule(await resolveSchedules(config, context.engine), name);
  const note = (text: string) => session.out.note(text);
  const summary = await withInterrupt(note, (signal) =>
    runSchedule(
      { context, config, limiter: new VolumeLimiter(config.scheduler.concurrency), log: note },
      { schedule, trigger: 'manual', firedAt: new Date(), signal },
    ),
  );
  if (options.json) session.out.json(summary);
  else if (summary.runs.length) {
    session.out.table(
      ['VOLUME', 'RESULT', 'BACKUP', 'SIZE', 'REMOVED', 'TIME', 'ERROR'],
      summary.runs.map((r) => [
        r.volume ?? '-',
        r.result ?? '?',
        r.backupId === null ? '-' : `#${r.backupId}`,
        r.bytes === null ? '-' : formatBytes(r.bytes),
        String(r.removed ?? 0),
        r.finishedAt ? seconds(Date.parse(r.finishedAt) - Date.parse(r.startedAt)) : '-',
        r.error ?? '',
      ]),
    );
  }
  const failed = summary.runs.filter((r) => r.result !== 'success');
  if (failed.length) {
    throw new StowageError(
      'failed',
      `run-now ${name}: ${failed.length} of ${plural(summary.runs.length, 'run')} failed`,
      {
        hint: `see the errors above, or \`stowage runs --schedule ${name}\``,
      },
    );
  }
}

function selects(s: ScheduleStatus): string {
  if (s.source === 'label') return `${s.volumes.join(',')} (volume label)`;
  return (
    [
      s.volumes.length ? s.volumes.join(',') : '',
      s.label ? `label ${s.label}` : '',
      s.project ? `project ${s.project}` : '',
    ]
      .filter(Boolean)
      .join('; ') || '-'
  );
}

const ago = (now: Date, iso: string) => `${formatAge(now.getTime() - Date.parse(iso))} ago`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
