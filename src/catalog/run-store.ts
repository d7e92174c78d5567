/**
 * Scheduled runs (one row per volume per run of a schedule) and each schedule's state on each engine
 * (Stowage's engine key): when it first existed, last fired and last fully succeeded. Shared by the daemon
 * and `stowage run-now`.
 */
import type { DatabaseSync } from 'node:sqlite';

export type RunTrigger = 'schedule' | 'catch-up' | 'manual';
export type RunResult = 'success' | 'failed' | 'interrupted';

export interface RunRecord {
  id: number;
  schedule: string;
  /** Null for a run that failed before it could select a volume. */
  volume: string | null;
  engineId: string | null;
  trigger: RunTrigger;
  /** `host:pid` of the process running it. */
  owner: string | null;
  startedAt: string;
  /** Null while running. */
  finishedAt: string | null;
  bytes: number | null;
  /** Null while running. */
  result: RunResult | null;
  error: string | null;
  backupId: number | null;
  /** Backups retention removed after this run. */
  removed: number | null;
}

export interface ScheduleState {
  schedule: string;
  firstSeen: string;
  lastFire: string | null;
  /** When the last run that succeeded for every volume started. */
  lastSuccess: string | null;
}

export interface RunOutcome {
  result: RunResult;
  bytes?: number | null;
  error?: string | null;
  backupId?: number | null;
  removed?: number | null;
}

const COLUMNS = `id, schedule, volume, engine_id AS engineId, trigger, owner, started_at AS startedAt,
  finished_at AS finishedAt, bytes, result, error, backup_id AS backupId, removed`;
const STATE_COLUMNS = `schedule, first_seen AS firstSeen, last_fire AS lastFire, last_success AS lastSuccess`;

export class RunStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Records a run as started now; finish it with `finish`. @returns its ID. */
  start(run: {
    schedule: string;
    volume: string | null;
    engineId: string | null;
    trigger: RunTrigger;
    owner: string;
    startedAt?: string;
  }): number {
    const result = this.#db
      .prepare(
        `INSERT INTO runs (schedule, volume, engine_id, trigger, owner, started_at) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        run.schedule,
        run.volume,
        run.engineId,
        run.trigger,
        run.owner,
        run.startedAt ?? new Date().toISOString(),
      );
    return Number(result.lastInsertRowid);
  }

  finish(id: number, outcome: RunOutcome): void {
    this.#db
      .prepare(
        `UPDATE runs SET finished_at = ?, result = ?, bytes = ?, error = ?, backup_id = ?, removed = ?
         WHERE id = ? AND finished_at IS NULL`,
      )
      .run(
        new Date().toISOString(),
        outcome.result,
        outcome.bytes ?? null,
        outcome.error ?? null,
        outcome.backupId ?? null,
        outcome.removed ?? null,
        id,
      );
  }

  get(id: number): RunRecord | undefined {
    const row = this.#db.prepare(`SELECT ${COLUMNS} FROM runs WHERE id = ?`).get(id) as RunRecord | undefined;
    return row && { ...row };
  }

  /** Newest first. */
  list(filter: { schedule?: string; volume?: string; engineId?: string; limit?: number } = {}): RunRecord[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.engineId !== undefined) {
      where.push('engine_id = ?');
      args.push(filter.engineId);
    }
    if (filter.schedule !== undefined) {
      where.push('schedule = ?');
      args.push(filter.schedule);
    }
    if (filter.volume !== undefined) {
      where.push('volume = ?');
      args.push(filter.volume);
    }
    args.push(filter.limit ?? -1);
    return this.#db
      .prepare(
        `SELECT ${COLUMNS} FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY started_at DESC, id DESC LIMIT ?`,
      )
      .all(...args)
      .map((row) => ({ ...row }) as unknown as RunRecord);
  }

  /**
   * Marks as failed the unfinished runs whose process is gone (killed, or the host restarted): without
   * this they would look as if they were still running forever. @returns how many were marked.
   */
  failAbandoned(ownerAlive: (owner: string) => boolean): number {
    const open = this.#db
      .prepare('SELECT id, owner FROM runs WHERE finished_at IS NULL')
      .all() as unknown as { id: number; owner: string | null }[];
    let marked = 0;
    for (const run of open) {
      if (run.owner !== null && ownerAlive(run.owner)) continue;
      this.finish(run.id, {
        result: 'failed',
        error: `the process running it (${run.owner ?? 'unknown'}) ended before it finished; no archive of this run was kept`,
      });
      marked++;
    }
    return marked;
  }

  state(schedule: string, engineId: string): ScheduleState | undefined {
    const row = this.#db
      .prepare(`SELECT ${STATE_COLUMNS} FROM schedule_state WHERE schedule = ? AND engine_id = ?`)
      .get(schedule, engineId) as ScheduleState | undefined;
    return row && { ...row };
  }

  states(engineId: string): Map<string, ScheduleState> {
    const rows = this.#db
      .prepare(`SELECT ${STATE_COLUMNS} FROM schedule_state WHERE engine_id = ?`)
      .all(engineId) as unknown as ScheduleState[];
    return new Map(rows.map((row) => [row.schedule, { ...row }]));
  }

  /** Remembers when a schedule was first seen (idempotent): a schedule is never late before it existed. */
  ensureState(schedule: string, engineId: string, at: Date): ScheduleState {
    this.#db
      .prepare(
        'INSERT INTO schedule_state (schedule, engine_id, first_seen) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .run(schedule, engineId, at.toISOString());
    return this.state(schedule, engineId)!;
  }

  recordFire(schedule: string, engineId: string, at: Date): void {
    this.ensureState(schedule, engineId, at);
    this.#db
      .prepare('UPDATE schedule_state SET last_fire = ? WHERE schedule = ? AND engine_id = ?')
      .run(at.toISOString(), schedule, engineId);
  }

  recordSuccess(schedule: string, engineId: string, at: Date): void {
    this.ensureState(schedule, engineId, at);
    // Runs can finish out of order (run-now beside a scheduled run): the newest start wins.
    this.#db
      .prepare(
        `UPDATE schedule_state SET last_success = ?
         WHERE schedule = ? AND engine_id = ? AND (last_success IS NULL OR last_success < ?)`,
      )
      .run(at.toISOString(), schedule, engineId, at.toISOString());
  }
}
