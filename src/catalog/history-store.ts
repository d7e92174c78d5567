/**
 * Volume history: what the daemon's event recorder saw of each volume (creation, every mount and unmount
 * by a container, destruction), the stretches of time it saw, and the gaps it could not see. Per engine:
 * a volume name is only unique within one engine. Times are ISO 8601 (toISOString).
 */
import type { DatabaseSync } from 'node:sqlite';

export type VolumeAction = 'create' | 'mount' | 'unmount' | 'destroy';

export interface VolumeEventRecord {
  id: number;
  engineId: string;
  volume: string;
  action: VolumeAction;
  containerId: string | null;
  containerName: string | null;
  image: string | null;
  destination: string | null;
  readOnly: boolean | null;
  at: string;
  /** 'event': seen in the engine's stream; 'reconcile': inferred from the engine's state when reconnecting. */
  source: 'event' | 'reconcile';
  /** The engine event's identity, which makes replaying it harmless; null for inferred rows. */
  eventKey: string | null;
}

export type NewVolumeEvent = Omit<VolumeEventRecord, 'id'>;

/** The first container that used a volume after its creation: for an anonymous one, its creator. */
export interface FirstUser {
  containerId: string;
  containerName: string | null;
  image: string | null;
  destination: string | null;
}

export interface VolumeSummary {
  engineId: string;
  volume: string;
  firstSeenAt: string;
  createdAt: string | null;
  lastMountedAt: string | null;
  destroyedAt: string | null;
  firstUser: FirstUser | null;
}

export interface CoverageRecord {
  id: number;
  engineId: string;
  startedAt: string;
  endedAt: string;
  /** The newest engine event handled in this stretch: a replay resumes there. */
  lastEventNano: bigint | null;
}

export interface GapRecord {
  id: number;
  engineId: string;
  startsAt: string;
  endsAt: string;
  reason: string;
}

const EVENT_COLUMNS = `id, engine_id AS engineId, volume, action, container_id AS containerId,
  container_name AS containerName, image, destination, read_only AS readOnly, at, source, event_key AS eventKey`;
const SUMMARY_COLUMNS = `engine_id AS engineId, volume, first_seen_at AS firstSeenAt, created_at AS createdAt,
  last_mounted_at AS lastMountedAt, destroyed_at AS destroyedAt, first_container_id AS firstContainerId,
  first_container_name AS firstContainerName, first_image AS firstImage, first_destination AS firstDestination`;
const COVERAGE_COLUMNS = `id, engine_id AS engineId, started_at AS startedAt, ended_at AS endedAt,
  last_event_nano AS lastEventNano`;
const GAP_COLUMNS = 'id, engine_id AS engineId, starts_at AS startsAt, ends_at AS endsAt, reason';

export class HistoryStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** @returns false when the event was already recorded (same engine and event key): replays are harmless. */
  addEvent(event: NewVolumeEvent): boolean {
    const result = this.#db
      .prepare(
        `INSERT INTO volume_events (engine_id, volume, action, container_id, container_name, image, destination,
           read_only, at, source, event_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (engine_id, event_key) DO NOTHING`,
      )
      .run(
        event.engineId,
        event.volume,
        event.action,
        event.containerId,
        event.containerName,
        event.image,
        event.destination,
        event.readOnly === null ? null : Number(event.readOnly),
        event.at,
        event.source,
        event.eventKey,
      );
    const added = Number(result.changes) > 0;
    if (added && event.action === 'mount') {
      this.#db
        .prepare(
          `UPDATE volume_summaries SET last_mounted_at = ?
           WHERE engine_id = ? AND volume = ? AND (last_mounted_at IS NULL OR last_mounted_at < ?)`,
        )
        .run(event.at, event.engineId, event.volume, event.at);
    }
    return added;
  }

  /** Oldest first; `since` (inclusive) leaves out earlier lifetimes of a name. */
  events(engineId: string, volume: string, since?: string): VolumeEventRecord[] {
    const rows = this.#db
      .prepare(
        `SELECT ${EVENT_COLUMNS} FROM volume_events WHERE engine_id = ? AND volume = ? AND at >= ?
         ORDER BY at, id`,
      )
      .all(engineId, volume, since ?? '') as unknown as EventRow[];
    return rows.map(toEvent);
  }

  /** Whether the recorder saw this volume being created (at or after `since`), not just found it. */
  sawCreation(engineId: string, volume: string, since: string): boolean {
    return (
      this.#db
        .prepare(
          `SELECT 1 FROM volume_events WHERE engine_id = ? AND volume = ? AND action = 'create'
             AND source = 'event' AND at >= ? LIMIT 1`,
        )
        .get(engineId, volume, since) !== undefined
    );
  }

  /** (volume, container) pairs whose latest mount has no unmount after it: mounted as far as the history knows. */
  openMounts(engineId: string): { volume: string; containerId: string; containerName: string | null }[] {
    return this.#db
      .prepare(
        `SELECT volume, container_id AS containerId, container_name AS containerName FROM (
           SELECT volume, container_id, container_name, action,
             row_number() OVER (PARTITION BY volume, container_id ORDER BY at DESC, id DESC) AS newest
           FROM volume_events
           WHERE engine_id = ? AND container_id IS NOT NULL AND action IN ('mount', 'unmount'))
         WHERE newest = 1 AND action = 'mount' ORDER BY volume, container_id`,
      )
      .all(engineId) as unknown as { volume: string; containerId: string; containerName: string | null }[];
  }

  /**
   * A container turned out to be one of Stowage's helpers after its mounts were recorded (its create event
   * was missed): its rows go, since a helper is never a user.
   */
  forgetContainer(engineId: string, containerId: string): void {
    const volumes = this.#db
      .prepare('SELECT DISTINCT volume FROM volume_events WHERE engine_id = ? AND container_id = ?')
      .all(engineId, containerId) as { volume: string }[];
    this.#db
      .prepare('DELETE FROM volume_events WHERE engine_id = ? AND container_id = ?')
      .run(engineId, containerId);
    for (const { volume } of volumes) {
      this.#db
        .prepare(
          `UPDATE volume_summaries SET last_mounted_at = (
             SELECT max(at) FROM volume_events WHERE engine_id = ? AND volume = ? AND action = 'mount')
           WHERE engine_id = ? AND volume = ?`,
        )
        .run(engineId, volume, engineId, volume);
      this.#db
        .prepare(
          `UPDATE volume_summaries SET first_container_id = NULL, first_container_name = NULL, first_image = NULL,
             first_destination = NULL WHERE engine_id = ? AND volume = ? AND first_container_id = ?`,
        )
        .run(engineId, volume, containerId);
    }
  }

  /** Names the container on rows recorded before its name and image were known. */
  nameContainer(engineId: string, containerId: string, name: string, image: string): void {
    this.#db
      .prepare(
        `UPDATE volume_events SET container_name = coalesce(container_name, ?), image = coalesce(image, ?)
         WHERE engine_id = ? AND container_id = ? AND (container_name IS NULL OR image IS NULL)`,
      )
      .run(name, image, engineId, containerId);
    this.#db
      .prepare(
        `UPDATE volume_summaries SET first_container_name = coalesce(first_container_name, ?),
           first_image = coalesce(first_image, ?)
         WHERE engine_id = ? AND first_container_id = ?`,
      )
      .run(name, image, engineId, containerId);
  }

  summary(engineId: string, volume: string): VolumeSummary | undefined {
    const row = this.#db
      .prepare(`SELECT ${SUMMARY_COLUMNS} FROM volume_summaries WHERE engine_id = ? AND volume = ?`)
      .get(engineId, volume) as SummaryRow | undefined;
    return row && toSummary(row);
  }

  summaries(engineId: string): VolumeSummary[] {
    const rows = this.#db
      .prepare(`SELECT ${SUMMARY_COLUMNS} FROM volume_summaries WHERE engine_id = ? ORDER BY volume`)
      .all(engineId) as unknown as SummaryRow[];
    return rows.map(toSummary);
  }

  /** A volume found on the engine: recorded the first time only (and its creation time once known). */
  noteSeen(engineId: string, volume: string, at: string, createdAt: string | null): void {
    this.#db
      .prepare(
        `INSERT INTO volume_summaries (engine_id, volume, first_seen_at, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (engine_id, volume) DO UPDATE SET created_at = coalesce(created_at, excluded.created_at)`,
      )
      .run(engineId, volume, at, createdAt);
  }

  /** A new lifetime of this name: everything about the previous one (destruction, first user) is reset. */
  noteCreated(engineId: string, volume: string, createdAt: string, at: string): void {
    this.#db
      .prepare(
        `INSERT INTO volume_summaries (engine_id, volume, first_seen_at, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (engine_id, volume) DO UPDATE SET first_seen_at = excluded.first_seen_at,
           created_at = excluded.created_at, last_mounted_at = NULL, destroyed_at = NULL,
           first_container_id = NULL, first_container_name = NULL, first_image = NULL, first_destination = NULL`,
      )
      .run(engineId, volume, at, createdAt);
  }

  noteDestroyed(engineId: string, volume: string, at: string): void {
    this.#db
      .prepare(
        'UPDATE volume_summaries SET destroyed_at = ? WHERE engine_id = ? AND volume = ? AND destroyed_at IS NULL',
      )
      .run(at, engineId, volume);
  }

  /** Keeps the first one recorded. */
  noteFirstUser(engineId: string, volume: string, user: FirstUser): void {
    this.#db
      .prepare(
        `UPDATE volume_summaries SET first_container_id = ?, first_container_name = ?, first_image = ?,
           first_destination = ?
         WHERE engine_id = ? AND volume = ? AND first_container_id IS NULL`,
      )
      .run(user.containerId, user.containerName, user.image, user.destination, engineId, volume);
  }

  /** The first stretch of the recorder on this engine, then the newest. */
  coverage(engineId: string): { first: CoverageRecord; latest: CoverageRecord } | undefined {
    const select = (order: 'ASC' | 'DESC') =>
      this.#db
        .prepare(
          `SELECT ${COVERAGE_COLUMNS} FROM history_coverage WHERE engine_id = ? ORDER BY started_at ${order}, id ${order} LIMIT 1`,
        )
        .get(engineId) as CoverageRow | undefined;
    const first = select('ASC');
    const latest = select('DESC');
    return first && latest ? { first: toCoverage(first), latest: toCoverage(latest) } : undefined;
  }

  /** True when the recorder never ran against any engine: readers can skip the engine's ID. */
  isEmpty(): boolean {
    return this.#db.prepare('SELECT 1 FROM history_coverage LIMIT 1').get() === undefined;
  }

  startCoverage(engineId: string, at: string): number {
    const result = this.#db
      .prepare('INSERT INTO history_coverage (engine_id, started_at, ended_at) VALUES (?, ?, ?)')
      .run(engineId, at, at);
    return Number(result.lastInsertRowid);
  }

  /** The recorder saw everything up to `at`, the newest event being `lastEventNano`. */
  extendCoverage(id: number, at: string, lastEventNano: bigint | undefined): void {
    this.#db
      .prepare(
        `UPDATE history_coverage SET ended_at = max(ended_at, ?), last_event_nano = coalesce(?, last_event_nano)
         WHERE id = ?`,
      )
      .run(at, lastEventNano === undefined ? null : lastEventNano.toString(), id);
  }

  addGap(engineId: string, startsAt: string, endsAt: string, reason: string): void {
    this.#db
      .prepare('INSERT INTO history_gaps (engine_id, starts_at, ends_at, reason) VALUES (?, ?, ?, ?)')
      .run(engineId, startsAt, endsAt, reason);
  }

  /** Oldest first. */
  gaps(engineId: string): GapRecord[] {
    return this.#db
      .prepare(`SELECT ${GAP_COLUMNS} FROM history_gaps WHERE engine_id = ? ORDER BY starts_at, id`)
      .all(engineId) as unknown as GapRecord[];
  }

  /** Runs `work` in one transaction, so a crash never leaves half an event recorded. */
  transaction<T>(work: () => T): T {
    if (this.#db.isTransaction) return work();
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }
}

interface EventRow extends Omit<VolumeEventRecord, 'readOnly'> {
  readOnly: number | null;
}

interface SummaryRow extends Omit<VolumeSummary, 'firstUser'> {
  firstContainerId: string | null;
  firstContainerName: string | null;
  firstImage: string | null;
  firstDestination: string | null;
}

interface CoverageRow extends Omit<CoverageRecord, 'lastEventNano'> {
  lastEventNano: string | null;
}

function toEvent(row: EventRow): VolumeEventRecord {
  return { ...row, readOnly: row.readOnly === null ? null : row.readOnly === 1 };
}

function toSummary(row: SummaryRow): VolumeSummary {
  const { firstContainerId, firstContainerName, firstImage, firstDestination, ...summary } = row;
  return {
    ...summary,
    firstUser:
      firstContainerId === null
        ? null
        : {
            containerId: firstContainerId,
            containerName: firstContainerName,
            image: firstImage,
            destination: firstDestination,
          },
  };
}

function toCoverage(row: CoverageRow): CoverageRecord {
  return { ...row, lastEventNano: row.lastEventNano === null ? null : BigInt(row.lastEventNano) };
}
