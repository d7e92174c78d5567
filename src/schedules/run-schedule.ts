/**
 * One run of a schedule — the code path shared by the daemon's timers and `stowage run-now`: select the
 * volumes now, then for each (within the concurrency limit) back up, verify what was written, and only
 * after a verified backup apply the retention policy; record every volume's run in the catalog, mark the
 * schedule's success, and notify where the schedule (or the config) says.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { openArchiveSource } from '../backup/archive-source.ts';
import type { BackupContext } from '../backup/backup-context.ts';
import { backupVolume } from '../backup/backup-volume.ts';
import { verifyBackup } from '../backup/verify-backup.ts';
import type { RunOutcome, RunRecord, RunTrigger } from '../catalog/run-store.ts';
import type { NotifyEvent, StowageConfig } from '../config/config-types.ts';
import { mapLimited } from '../core/concurrency.ts';
import { isAlive } from '../core/process-alive.ts';
import type { EngineVolume } from '../engine/contract.ts';
import type { RunNotification } from '../notify/notification.ts';
import { sendNotification } from '../notify/registry.ts';
import { LocalTarget } from '../targets/local-target.ts';
import type { Schedule, SelectedVolume } from './schedule.ts';
import { applyScheduleRetention } from './schedule-retention.ts';
import type { VolumeLimiter } from './volume-limiter.ts';
import { selectVolumes } from './volume-selection.ts';

export interface RunDependencies {
  context: BackupContext;
  config: StowageConfig;
  limiter: VolumeLimiter;
  log: (line: string) => void;
  /** For tests: the HTTP transport of web notifications. */
  fetch?: typeof fetch;
}

export interface RunRequest {
  schedule: Schedule;
  trigger: RunTrigger;
  /** The slot the run belongs to (scheduled), or when it was asked for (catch-up, manual). */
  firedAt: Date;
  signal: AbortSignal;
  /** Called as each volume's run is recorded as finished. */
  onVolume?: (run: RunRecord) => void;
}

export interface RunSummary {
  schedule: string;
  trigger: RunTrigger;
  firedAt: string;
  /** Every volume's run as recorded; empty when a label schedule's volume is gone. */
  runs: RunRecord[];
  ok: boolean;
}

/** `host:pid`, recorded with each run so a later process can tell a live run from an abandoned one. */
export const RUN_OWNER = `${hostname()}:${process.pid}`;

/**
 * Whether the process that recorded a run may still be running it. Runs of another host are assumed
 * alive (their processes cannot be seen from here); this process's own pid is a previous incarnation
 * that had the same pid (a daemon that is PID 1 in a container), since a process checks before it runs.
 */
export function runOwnerAlive(owner: string): boolean {
  const at = owner.lastIndexOf(':');
  const pid = Number(owner.slice(at + 1));
  if (at < 0 || !Number.isInteger(pid)) return false;
  if (owner.slice(0, at) !== hostname()) return true;
  return pid !== process.pid && isAlive(pid);
}

/**
 * Runs `request.schedule` once. Never throws for a volume's failure (that is recorded, in the result and
 * the catalog); throws only when the catalog itself cannot be written.
 */
export async function runSchedule(deps: RunDependencies, request: RunRequest): Promise<RunSummary> {
  const { context } = deps;
  const { schedule, signal } = request;
  const runs: RunRecord[] = [];
  const record = (volume: string | null, work: () => Promise<RunOutcome>) =>
    recordRun(deps, request, volume, work).then((run) => {
      runs.push(run);
      request.onVolume?.(run);
    });

  let volumes: EngineVolume[] | undefined;
  try {
    volumes = await context.engine.volumes.list();
  } catch (error) {
    await record(null, () => Promise.reject(error instanceof Error ? error : new Error(String(error))));
  }
  if (volumes) {
    const selected = selectVolumes(schedule, volumes);
    const present = new Set(volumes.map((v) => v.name));
    if (schedule.source === 'label' && !selected.some((v) => present.has(v.name))) {
      // The labelled volume was removed: its schedule ends with it, which is no failure.
      deps.log(`schedule ${schedule.name}: its volume no longer exists; nothing to do`);
    } else if (selected.length === 0) {
      await record(null, () =>
        Promise.reject(
          new Error(`schedule ${schedule.name} selects no volume (${describeSelector(schedule)})`),
        ),
      );
    } else {
      // Every volume waits for the shared limiter; mapLimited only keeps the order of the results.
      await mapLimited(selected, selected.length, async (volume) => {
        let started = false;
        const work = () => {
          started = true;
          return record(volume.name, () => backUp(deps, request, volume));
        };
        await deps.limiter.run(volume.name, signal, work).catch((error: unknown) => {
          if (started) throw error; // the catalog could not be written: not a volume's failure
          return record(volume.name, () =>
            Promise.reject(new Error("not started: the run was cancelled before this volume's turn")),
          );
        });
      });
    }
  }
  runs.sort((a, b) => a.id - b.id);
  const ok = runs.length > 0 && runs.every((run) => run.result === 'success');
  if (ok) context.catalog.runs.recordSuccess(schedule.name, context.engineInfo.id, request.firedAt);
  if (runs.length) await notify(deps, request, runs, ok);
  return {
    schedule: schedule.name,
    trigger: request.trigger,
    firedAt: request.firedAt.toISOString(),
    runs,
    ok,
  };
}

/** Records a run row around `work`: started now, finished with its outcome, or failed/interrupted by its error. */
async function recordRun(
  deps: RunDependencies,
  request: RunRequest,
  volume: string | null,
  work: () => Promise<RunOutcome>,
): Promise<RunRecord> {
  const store = deps.context.catalog.runs;
  const id = store.start({
    schedule: request.schedule.name,
    volume,
    engineId: deps.context.engineInfo.id,
    trigger: request.trigger,
    owner: RUN_OWNER,
  });
  let outcome: RunOutcome;
  try {
    outcome = await work();
  } catch (error) {
    const message = (error as Error).message;
    outcome = request.signal.aborted
      ? { result: 'interrupted', error: `interrupted (${reasonOf(request.signal)}): ${message}` }
      : { result: 'failed', error: message };
  }
  store.finish(id, outcome);
  const run = store.get(id)!;
  deps.log(
    `schedule ${run.schedule}: ${run.volume ?? '(no volume)'}: ${run.result}` +
      (run.backupId !== null
        ? ` (backup #${run.backupId}${run.removed ? `, ${run.removed} old removed` : ''})`
        : '') +
      (run.error ? `: ${run.error}` : ''),
  );
  return run;
}

/** Backup → verify → retention for one volume. @throws on the first step that fails. */
async function backUp(
  deps: RunDependencies,
  request: RunRequest,
  volume: SelectedVolume,
): Promise<RunOutcome> {
  const { context, config } = deps;
  const { schedule, signal } = request;
  const target = new LocalTarget(schedule.target ?? config.backup.target ?? join(context.dataDir, 'backups'));
  const backup = await backupVolume(context, {
    volume: volume.name,
    target,
    compression: config.backup.compression,
    consistency: schedule.stop ? { stop: true } : {},
    signal,
  });
  const done: RunOutcome = { result: 'success', bytes: backup.manifest.contents.bytes, backupId: backup.id };
  if (!schedule.verify) {
    if (volume.keep !== undefined)
      deps.log(
        `schedule ${schedule.name}: ${volume.name}: no retention, since this schedule does not verify`,
      );
    return done;
  }
  signal.throwIfAborted();
  const verified = await verifyBackup(
    await openArchiveSource(String(backup.id), context.catalog),
    context.catalog,
  );
  if (!verified.ok) {
    const problem = verified.report.problems[0]?.message ?? 'a checksum did not match';
    return { ...done, result: 'failed', error: `verify #${backup.id}: ${problem}; no backup was removed` };
  }
  if (volume.keepProblem)
    return { ...done, result: 'failed', error: `${volume.keepProblem}; no backup was removed` };
  if (volume.keep === undefined) return done;
  // Only here, after a backup that was written and verified, may retention remove anything.
  const retention = await applyScheduleRetention(context.catalog, {
    engineId: context.engineInfo.id,
    volume: volume.name,
    target,
    keep: volume.keep,
  });
  const removed = retention.removed.length;
  if (retention.failed.length)
    return { ...done, removed, result: 'failed', error: `retention: ${retention.failed.join('; ')}` };
  if (retention.blocked)
    deps.log(`schedule ${schedule.name}: ${volume.name}: retention removed nothing: ${retention.blocked}`);
  return { ...done, removed };
}

/**
 * Where a run with this outcome is notified: the schedule's own list, else the config's (`notify.urls`
 * and the older `notify.webhook`), each for its own events or `notify.on`'s.
 */
export function notificationUrls(
  config: StowageConfig['notify'],
  schedule: Schedule,
  event: NotifyEvent,
): string[] {
  const list = schedule.notify ?? [
    ...config.urls,
    ...(config.webhook === undefined ? [] : [{ url: config.webhook, on: undefined }]),
  ];
  return list.filter((entry) => (entry.on ?? config.on).includes(event)).map((entry) => entry.url);
}

/** Sends the run's report to each notification at once; one that fails is logged (redacted) and changes nothing. */
async function notify(
  deps: RunDependencies,
  request: RunRequest,
  runs: RunRecord[],
  ok: boolean,
): Promise<void> {
  const event = ok ? 'success' : 'failure';
  const urls = notificationUrls(deps.config.notify, request.schedule, event);
  if (urls.length === 0) return;
  const finishedAt = new Date();
  const notification: RunNotification = {
    event,
    schedule: request.schedule.name,
    trigger: request.trigger,
    host: hostname(),
    engine: deps.context.engine.endpoint,
    startedAt: runs[0]!.startedAt,
    finishedAt: finishedAt.toISOString(),
    durationMs: Math.max(0, finishedAt.getTime() - Date.parse(runs[0]!.startedAt)),
    succeeded: runs.filter((run) => run.result === 'success').length,
    failed: runs.filter((run) => run.result !== 'success').length,
    runs: runs.map((run) => ({
      id: run.id,
      volume: run.volume,
      result: run.result!,
      error: run.error,
      bytes: run.bytes,
      backupId: run.backupId,
      removed: run.removed,
    })),
  };
  const options = deps.fetch ? { fetch: deps.fetch } : {};
  await Promise.all(
    urls.map((url) =>
      sendNotification(url, notification, options).catch((error: Error) =>
        deps.log(`schedule ${request.schedule.name}: ${error.message}`),
      ),
    ),
  );
}

function describeSelector(schedule: Schedule): string {
  const parts = [
    schedule.volumes.length ? `volumes ${schedule.volumes.join(', ')}` : '',
    schedule.label ? `label ${schedule.label}` : '',
    schedule.project ? `project ${schedule.project}` : '',
  ].filter(Boolean);
  return `${parts.join(', ') || 'nothing'}; no volume matches now`;
}

function reasonOf(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : String(reason);
}
