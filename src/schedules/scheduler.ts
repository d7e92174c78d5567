/**
 * The daemon's scheduler: a croner timer per schedule (config and volume-label schedules), jitter, one
 * shared concurrency limit, catch-up of what was missed while the daemon was down, and health. Each firing
 * runs as a job (so the API can follow it and daemon shutdown cancels it) through `runSchedule`, the same
 * code path as `stowage run-now`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Cron } from 'croner';
import type { BackupContext } from '../backup/backup-context.ts';
import type { RunTrigger } from '../catalog/run-store.ts';
import type { StowageConfig } from '../config/config-types.ts';
import { StowageError } from '../core/errors.ts';
import type { Job, JobRegistry } from '../jobs/job-registry.ts';
import { runOwnerAlive, runSchedule, type RunSummary } from './run-schedule.ts';
import { configSchedules, findSchedule, policyVolumes } from './resolve-schedules.ts';
import type { Schedule } from './schedule.ts';
import { describeSchedules, type ScheduleStatus } from './schedule-status.ts';
import { jitterDelay, lateness, missedRuns, slotAt } from './schedule-times.ts';
import { VolumeLimiter } from './volume-limiter.ts';
import { labelSchedules } from './volume-selection.ts';
import { plural } from '../core/terminal-text.ts';

export interface SchedulerOptions {
  context: BackupContext;
  /** The current config; read again on `reload()`. */
  configRef: () => StowageConfig;
  jobs: JobRegistry;
  log: (line: string) => void;
  /** How often volumes are looked at for `stowage.backup.schedule` labels (default one minute). */
  rescanMs?: number;
  /** For tests: jitter's randomness and the HTTP transport of web notifications. */
  random?: () => number;
  fetch?: typeof fetch;
}

export interface Scheduler {
  /**
   * Stops firing: timers, label scans, and firings still waiting out their jitter. Backups already
   * running are left to the job registry's shutdown, which cancels them (their runs are then recorded as
   * interrupted) after restarting what they stopped.
   */
  stop(): Promise<void>;
  /** Starts a run of `name` now, as a job. @throws StowageError 'not-found' for an unknown schedule. */
  runNow(name: string): Promise<Job>;
  /** Applies `configRef()` again: schedules added, changed or removed, the new concurrency limit. */
  reload(): void;
  /** Problems for /healthz: late schedules, unusable schedule labels. Empty when all is well. */
  health(now?: Date): string[];
  list(now?: Date): ScheduleStatus[];
  /** Settles when the first look at volume labels (and the catch-up it may start) is done. */
  readonly ready: Promise<void>;
}

/**
 * Starts the scheduler over `context` (whose catalog records runs). Before anything fires, runs that a
 * killed process left unfinished are marked failed. Catch-up: a schedule whose last fire (or, if it never
 * fired, the time it was first seen) is before a fire time that has passed runs once at start.
 */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const { context, jobs, log } = options;
  const store = context.catalog.runs;
  const random = options.random ?? Math.random;
  const pending = new AbortController();
  const timers = new Map<string, { schedule: Schedule; timer: Cron }>();
  const running = new Set<string>();
  let config = options.configRef();
  const limiter = new VolumeLimiter(config.scheduler.concurrency);
  let labelled: Schedule[] = [];
  let labelProblems: string[] = [];
  let scanError: string | undefined;
  let scanning: Promise<void> | undefined;
  let stopped = false;

  const abandoned = store.failAbandoned(runOwnerAlive);
  if (abandoned)
    log(`scheduler: ${plural(abandoned, 'run')} whose process ended before they finished are marked failed`);

  /** Brings the timers in line with the schedules; a new (or re-timed) schedule catches up what it missed. */
  function sync(now = new Date()): void {
    const wanted = [...configSchedules(config), ...labelled];
    const names = new Set(wanted.map((schedule) => schedule.name));
    for (const [name, entry] of timers) {
      if (names.has(name)) continue;
      entry.timer.stop();
      timers.delete(name);
    }
    for (const schedule of wanted) {
      const entry = timers.get(schedule.name);
      if (entry?.schedule.cron === schedule.cron) {
        entry.schedule = schedule;
        continue;
      }
      entry?.timer.stop();
      const timer = new Cron(
        schedule.cron,
        {
          mode: '5-or-6-parts',
          unref: true,
          catch: (error) => log(`schedule ${schedule.name}: ${(error as Error).message}`),
        },
        () => {
          const at = new Date();
          fire(schedule.name, 'schedule', slotAt(schedule.cron, at) ?? at);
        },
      );
      timers.set(schedule.name, { schedule, timer });
      const state = store.ensureState(schedule.name, context.engineInfo.id, now);
      const since = new Date(state.lastFire ?? state.firstSeen);
      if (missedRuns(schedule.cron, since, now, 1).length) {
        log(`schedule ${schedule.name}: missed a fire since ${since.toISOString()}; running once now`);
        fire(schedule.name, 'catch-up', now);
      }
    }
  }

  function fire(name: string, trigger: RunTrigger, firedAt: Date): void {
    const entry = timers.get(name);
    if (!entry || stopped) return;
    if (running.has(name)) {
      log(
        `schedule ${name}: the fire of ${firedAt.toISOString()} is skipped: its previous run is still going`,
      );
      return;
    }
    store.recordFire(name, context.engineInfo.id, firedAt);
    running.add(name);
    jobs.start('schedule', name, async (control) => {
      try {
        const delay = jitterDelay(entry.schedule.jitterMs, random);
        if (delay > 0) {
          log(`schedule ${name}: starting in ${Math.round(delay / 1000)}s (jitter)`);
          await sleep(delay, undefined, { signal: AbortSignal.any([control.signal, pending.signal]) });
        }
        return await execute(timers.get(name)?.schedule ?? entry.schedule, trigger, firedAt, control.signal);
      } finally {
        running.delete(name);
      }
    });
  }

  async function execute(
    schedule: Schedule,
    trigger: RunTrigger,
    firedAt: Date,
    signal: AbortSignal,
  ): Promise<RunSummary> {
    const summary = await runSchedule(
      { context, config, limiter, log, ...(options.fetch ? { fetch: options.fetch } : {}) },
      { schedule, trigger, firedAt, signal },
    );
    // A labelled volume that was removed takes its schedule with it now, not at the next look.
    if (schedule.source === 'label' && summary.runs.length === 0) void rescan();
    const failed = summary.runs.filter((run) => run.result !== 'success');
    if (failed.length) {
      throw new StowageError(
        'failed',
        `schedule ${schedule.name}: ${failed.length} of ${plural(summary.runs.length, 'run')} failed: ${failed
          .map((run) => `${run.volume ?? '(no volume)'}: ${run.error}`)
          .join('; ')}`,
        { hint: 'see `stowage runs --schedule ' + schedule.name + '`' },
      );
    }
    return summary;
  }

  /** Looks for volumes labelled with a schedule; keeps the previous result when the engine does not answer. */
  function rescan(): Promise<void> {
    scanning ??= (async () => {
      try {
        const volumes = await policyVolumes(context.engine);
        const found = labelSchedules(volumes, config.schedules);
        for (const problem of found.problems)
          if (!labelProblems.includes(problem)) log(`scheduler: ${problem}`);
        labelled = found.schedules;
        labelProblems = found.problems;
        if (scanError) log('scheduler: volume labels can be read again');
        scanError = undefined;
      } catch (error) {
        const message = (error as Error).message;
        if (message !== scanError) log(`scheduler: cannot look at volume labels: ${message}`);
        scanError = message;
      }
      if (!stopped) sync();
    })().finally(() => {
      scanning = undefined;
    });
    return scanning;
  }

  sync();
  const ready = rescan();
  const rescanTimer = setInterval(() => void rescan(), options.rescanMs ?? 60_000);
  rescanTimer.unref();

  return {
    ready,
    async stop() {
      stopped = true;
      clearInterval(rescanTimer);
      for (const entry of timers.values()) entry.timer.stop();
      timers.clear();
      pending.abort(new Error('the scheduler stopped'));
      await scanning;
    },
    async runNow(name) {
      if (!timers.has(name)) {
        // Perhaps a volume labelled since the last look: a look that began before now may not see it.
        await scanning;
        await rescan();
      }
      const schedule = findSchedule({ schedules: [...timers.values()].map((entry) => entry.schedule) }, name);
      return jobs.start('schedule', name, (control) =>
        execute(schedule, 'manual', new Date(), control.signal),
      );
    },
    reload() {
      config = options.configRef();
      limiter.setLimit(config.scheduler.concurrency);
      sync();
      void rescan();
    },
    health(now = new Date()) {
      const problems: string[] = [];
      for (const { schedule } of timers.values()) {
        const state = store.state(schedule.name, context.engineInfo.id);
        if (!state) continue;
        const late = lateness(
          schedule.cron,
          {
            firstSeen: new Date(state.firstSeen),
            lastSuccess: state.lastSuccess ? new Date(state.lastSuccess) : undefined,
          },
          now,
        );
        if (late) problems.push(`schedule ${schedule.name} is late: ${late}`);
      }
      return [...problems, ...labelProblems];
    },
    list(now = new Date()) {
      return describeSchedules(
        [...timers.values()].map((entry) => entry.schedule),
        context.catalog,
        context.engineInfo.id,
        now,
      );
    },
  };
}
