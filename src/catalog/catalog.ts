/**
 * The catalog: one SQLite file in the data folder, shared by the CLI and the daemon. WAL mode and a busy
 * timeout let several Stowage processes use it at once.
 */
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { StowageError } from '../core/errors.ts';
import { ensurePrivateDataDir, makePrivate } from '../config/data-dir.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';
import { BackupStore } from './backup-store.ts';
import { EngineStore } from './engine-store.ts';
import { HistoryStore } from './history-store.ts';
import { ProtectionStore } from './protection-store.ts';
import { RunStore } from './run-store.ts';

export const CATALOG_FILE = 'catalog.db';

export class Catalog {
  readonly db: DatabaseSync;
  readonly protections: ProtectionStore;
  readonly backups: BackupStore;
  /** Volume history recorded by the daemon: events, summaries, coverage and gaps. */
  readonly history: HistoryStore;
  readonly runs: RunStore;
  /** The engines that used this catalog, and the hand-over of rows from before engines were told apart. */
  readonly engines: EngineStore;

  constructor(db: DatabaseSync) {
    this.db = db;
    this.protections = new ProtectionStore(db);
    this.backups = new BackupStore(db);
    this.history = new HistoryStore(db);
    this.runs = new RunStore(db);
    this.engines = new EngineStore(db);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

/** Whether a catalog was ever created here: readers can skip opening (and creating) one that is not. */
export function catalogExists(dataDir: string): boolean {
  return existsSync(join(dataDir, CATALOG_FILE));
}

/** Opens (creating if needed) the catalog in `dataDir` and brings its schema up to date. */
export function openCatalog(dataDir: string, migrations: readonly Migration[] = MIGRATIONS): Catalog {
  let db: DatabaseSync;
  try {
    // Inside the try: a data folder that cannot be created is the user's to fix, not a crash.
    ensurePrivateDataDir(dataDir);
    // Created owner-only (SQLite gives -wal and -shm the database file's mode), and tightened if older.
    const file = join(dataDir, CATALOG_FILE);
    if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
    makePrivate(file, `${file}-wal`, `${file}-shm`);
    db = new DatabaseSync(file);
  } catch (error) {
    throw new StowageError('failed', `open catalog in ${dataDir}: ${(error as Error).message}`, {
      hint: 'check that the data folder is writable, or choose another with --data-dir',
      cause: error,
    });
  }
  // busy_timeout first: switching a new file to WAL takes a lock that another process opening it at the
  // same moment may hold, and without the timeout that is an immediate "database is locked".
  db.exec('PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;');
  try {
    migrate(db, migrations);
  } catch (error) {
    db.close(); // the caller never gets a Catalog to close
    throw error;
  }
  return new Catalog(db);
}

const userVersion = (db: DatabaseSync) =>
  (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;

/** Applies pending migrations in one transaction each. @throws when the file is newer than this Stowage. */
export function migrate(db: DatabaseSync, migrations: readonly Migration[]): number {
  const current = userVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new StowageError(
      'failed',
      `the catalog has schema version ${current}, newer than this Stowage knows (${latest})`,
      {
        hint: 'upgrade Stowage, or point --data-dir at another folder',
      },
    );
  }
  for (const migration of migrations.filter((m) => m.version > current)) {
    db.exec('BEGIN IMMEDIATE');
    try {
      // Another process may have applied it while this one waited for the lock.
      if (userVersion(db) >= migration.version) {
        db.exec('COMMIT');
        continue;
      }
      db.exec(migration.sql);
      db.exec(`PRAGMA user_version = ${migration.version}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw new StowageError(
        'failed',
        `catalog migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  return latest;
}
