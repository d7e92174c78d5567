/** What `stowage schedules` and `GET /api/schedules` show: each schedule with its next fire and last run. */
import type { Catalog } from '../catalog/catalog.ts';
import type { RunRecord, ScheduleState } from '../catalog/run-store.ts';
import type { Schedule } from './schedule.ts';
import { lateness, nextFires } from './schedule-times.ts';

export interface ScheduleStatus {
  name: string;
  source: Schedule['source'];
  cron: string;
  volumes: string[];
  label: string | null;
  project: string | null;
  keep: string | null;
  jitterMs: number;
  verify: boolean;
  stop: boolean;
  target: string | null;
  nextFire: string | null;
  lastFire: string | null;
  lastSuccess: string | null;
  lastRun: Pick<
    RunRecord,
    'id' | 'volume' | 'trigger' | 'startedAt' | 'finishedAt' | 'result' | 'error'
  > | null;
  /** Why the schedule is late (see `lateness`), or null. */
  late: string | null;
}

/**
 * Each schedule's state on one engine (`engineId`, Stowage's engine key): a schedule's runs on another
 * engine sharing the catalog neither make it look done nor late. `catalog` is undefined when none exists
 * yet, `engineId` when the engine cannot be reached: then nothing is known to have run.
 */
export function describeSchedules(
  schedules: readonly Schedule[],
  catalog: Catalog | undefined,
  engineId: string | undefined,
  now: Date,
): ScheduleStatus[] {
  const known = engineId === undefined ? undefined : catalog;
  const states = known?.runs.states(engineId!) ?? new Map<string, ScheduleState>();
  return schedules.map((schedule) => {
    const state = states.get(schedule.name);
    const last = known?.runs.list({ schedule: schedule.name, engineId: engineId!, limit: 1 })[0];
    const late = state
      ? lateness(
          schedule.cron,
          {
            firstSeen: new Date(state.firstSeen),
            lastSuccess: state.lastSuccess ? new Date(state.lastSuccess) : undefined,
          },
          now,
        )
      : undefined;
    return {
      name: schedule.name,
      source: schedule.source,
      cron: schedule.cron,
      volumes: schedule.volumes,
      label: schedule.label ?? null,
      project: schedule.project ?? null,
      keep: schedule.keep ?? null,
      jitterMs: schedule.jitterMs,
      verify: schedule.verify,
      stop: schedule.stop,
      target: schedule.target ?? null,
      nextFire: nextFires(schedule.cron, now, 1)[0]?.toISOString() ?? null,
      lastFire: state?.lastFire ?? null,
      lastSuccess: state?.lastSuccess ?? null,
      lastRun: last
        ? {
            id: last.id,
            volume: last.volume,
            trigger: last.trigger,
            startedAt: last.startedAt,
            finishedAt: last.finishedAt,
            result: last.result,
            error: last.error,
          }
        : null,
      late: late ?? null,
    };
  });
}
