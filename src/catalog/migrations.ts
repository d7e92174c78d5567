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
];
