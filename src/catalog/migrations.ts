/**
 * The catalog's schema, as an append-only list: a migration, once released, is never edited; a change is
 * a new entry. `user_version` records how far a database has come.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'protected volumes',
    sql: `
      CREATE TABLE protected_volumes (
        engine_id TEXT NOT NULL,
        volume    TEXT NOT NULL,
        reason    TEXT,
        marked_at TEXT NOT NULL,
        PRIMARY KEY (engine_id, volume)
      );`,
  },
  {
    version: 2,
    name: 'backups',
    sql: `
      CREATE TABLE backups (
        id             INTEGER PRIMARY KEY,
        engine_id      TEXT NOT NULL,
        volume         TEXT NOT NULL,
        target         TEXT NOT NULL,
        archive_key    TEXT NOT NULL,
        manifest_key   TEXT,
        file_list_key  TEXT,
        compression    TEXT NOT NULL,
        started_at     TEXT,
        finished_at    TEXT NOT NULL,
        files          INTEGER,
        bytes          INTEGER,
        archive_bytes  INTEGER NOT NULL,
        archive_sha256 TEXT,
        verified_at    TEXT,
        verify_status  TEXT CHECK (verify_status IN ('ok', 'failed')),
        verify_error   TEXT,
        UNIQUE (target, archive_key)
      );
      CREATE INDEX backups_by_volume ON backups (volume, finished_at);`,
  },
  {
    version: 3,
    name: 'volume history',
    // Times are ISO 8601 UTC with milliseconds (toISOString), so text order is time order.
    // volume_events: what the daemon's event recorder saw (source 'event'; event_key dedupes replays), or
    //   inferred from the engine's state after reconnecting (source 'reconcile'; at = when it was seen).
    // volume_summaries: one row per volume name and engine; first_* is the first user after its creation
    //   (for an anonymous volume: the container and path that made it).
    // history_coverage: stretches the recorder saw, with the last event seen (where a replay resumes);
    // history_gaps: stretches it could not see.
    sql: `
      CREATE TABLE volume_events (
        id             INTEGER PRIMARY KEY,
        engine_id      TEXT NOT NULL,
        volume         TEXT NOT NULL,
        action         TEXT NOT NULL CHECK (action IN ('create', 'mount', 'unmount', 'destroy')),
        container_id   TEXT,
        container_name TEXT,
        image          TEXT,
        destination    TEXT,
        read_only      INTEGER,
        at             TEXT NOT NULL,
        source         TEXT NOT NULL CHECK (source IN ('event', 'reconcile')),
        event_key      TEXT,
        UNIQUE (engine_id, event_key)
      );
      CREATE INDEX volume_events_by_volume ON volume_events (engine_id, volume, at);
      CREATE INDEX volume_events_by_container ON volume_events (engine_id, container_id);
      CREATE TABLE volume_summaries (
        engine_id            TEXT NOT NULL,
        volume               TEXT NOT NULL,
        first_seen_at        TEXT NOT NULL,
        created_at           TEXT,
        last_mounted_at      TEXT,
        destroyed_at         TEXT,
        first_container_id   TEXT,
        first_container_name TEXT,
        first_image          TEXT,
        first_destination    TEXT,
        PRIMARY KEY (engine_id, volume)
      );
      CREATE TABLE history_coverage (
        id              INTEGER PRIMARY KEY,
        engine_id       TEXT NOT NULL,
        started_at      TEXT NOT NULL,
        ended_at        TEXT NOT NULL,
        last_event_nano TEXT
      );
      CREATE INDEX history_coverage_by_engine ON history_coverage (engine_id, started_at);
      CREATE TABLE history_gaps (
        id        INTEGER PRIMARY KEY,
        engine_id TEXT NOT NULL,
        starts_at TEXT NOT NULL,
        ends_at   TEXT NOT NULL,
        reason    TEXT NOT NULL
      );
      CREATE INDEX history_gaps_by_engine ON history_gaps (engine_id, starts_at);`,
  },
  {
    version: 4,
    name: 'scheduled runs',
    // One row per volume per run of a schedule. `owner` (host:pid) tells a live run from one whose process
    // died; `backup_id` has no foreign key because retention removes old backups but keeps their runs.
    sql: `
      CREATE TABLE runs (
        id          INTEGER PRIMARY KEY,
        schedule    TEXT NOT NULL,
        volume      TEXT,
        engine_id   TEXT,
        trigger     TEXT NOT NULL CHECK (trigger IN ('schedule', 'catch-up', 'manual')),
        owner       TEXT,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        bytes       INTEGER,
        result      TEXT CHECK (result IN ('success', 'failed', 'interrupted')),
        error       TEXT,
        backup_id   INTEGER,
        removed     INTEGER
      );
      CREATE INDEX runs_by_schedule ON runs (schedule, started_at);
      CREATE INDEX runs_by_volume ON runs (volume, started_at);
      CREATE TABLE schedule_state (
        schedule     TEXT PRIMARY KEY,
        first_seen   TEXT NOT NULL,
        last_fire    TEXT,
        last_success TEXT
      );`,
  },
  {
    version: 5,
    name: 'engines told apart',
    // Until now rows were keyed by the ID the engine reports, which engines may share (Docker before 23.0
    // derives it from a key file every engine on a host shares). From now on they are keyed by Stowage's
    // engine key (reported ID, data root and name, hashed: src/engine/engine-identity.ts); `engines` lists
    // the keys this catalog has seen. Older rows keep their reported ID: which engine made them cannot be
    // known here, so `EngineStore.register` hands them over on first use where that is safe (see there).
    // `inherited`: 1 while the engine holds history it took over from its reported ID. A schedule's state
    // (first seen, last fire, last success) becomes per engine too; older states (engine '') go to the first
    // engine registered.
    sql: `
      CREATE TABLE engines (
        engine_id     TEXT PRIMARY KEY,
        reported_id   TEXT NOT NULL,
        name          TEXT NOT NULL,
        root_dir      TEXT NOT NULL,
        label         TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        last_seen_at  TEXT NOT NULL,
        inherited     INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX engines_by_reported_id ON engines (reported_id);
      CREATE INDEX backups_by_engine ON backups (engine_id, volume, finished_at);
      CREATE TABLE schedule_state_by_engine (
        schedule     TEXT NOT NULL,
        engine_id    TEXT NOT NULL,
        first_seen   TEXT NOT NULL,
        last_fire    TEXT,
        last_success TEXT,
        PRIMARY KEY (schedule, engine_id)
      );
      INSERT INTO schedule_state_by_engine (schedule, engine_id, first_seen, last_fire, last_success)
        SELECT schedule, '', first_seen, last_fire, last_success FROM schedule_state;
      DROP TABLE schedule_state;
      ALTER TABLE schedule_state_by_engine RENAME TO schedule_state;`,
  },
];
