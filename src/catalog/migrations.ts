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
];
