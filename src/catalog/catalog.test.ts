import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, test } from 'node:test';
import { CATALOG_FILE, catalogExists, migrate, openCatalog } from './catalog.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';

const base = mkdtempSync(join(tmpdir(), 'stowage-catalog-'));
after(() => rmSync(base, { recursive: true, force: true }));
let folders = 0;
const freshDir = () => join(base, `data-${++folders}`);

/** Reads a database file the way any SQLite client would, independently of the Catalog class. */
function inspectFile(dataDir: string): { version: number; tables: string[]; journal: string } {
  const db = new DatabaseSync(join(dataDir, CATALOG_FILE), { readOnly: true });
  try {
    const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    const journal = (db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode;
    return { version, tables, journal };
  } finally {
    db.close();
  }
}

const LATEST = MIGRATIONS.at(-1)!.version;
/** Every table of the latest schema, in name order. */
const TABLES = [
  'backups',
  'engines',
  'history_coverage',
  'history_gaps',
  'protected_volumes',
  'runs',
  'schedule_state',
  'volume_events',
  'volume_summaries',
];

describe('openCatalog', () => {
  test('creates the folder (private) and the database at the latest schema version', () => {
    const dir = join(freshDir(), 'nested', 'stowage');
    assert.equal(catalogExists(dir), false);
    openCatalog(dir).close();
    assert.equal(catalogExists(dir), true);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.deepEqual(inspectFile(dir), {
      version: LATEST,
      tables: TABLES,
      journal: 'wal',
    });
  });

  test('re-opening is idempotent and keeps the data', () => {
    const dir = freshDir();
    const first = openCatalog(dir);
    first.protections.protect('engine-1', 'pg-data', 'production database');
    first.close();
    const second = openCatalog(dir); // would fail if migration 1 ran again: its table exists
    assert.deepEqual(
      second.protections.list('engine-1').map((mark) => [mark.volume, mark.reason]),
      [['pg-data', 'production database']],
    );
    second.close();
    assert.equal(inspectFile(dir).version, LATEST);
  });

  test('close twice is harmless', () => {
    const catalog = openCatalog(freshDir());
    catalog.close();
    assert.doesNotThrow(() => catalog.close());
  });

  test('a database newer than this Stowage is refused and left untouched', () => {
    const dir = freshDir();
    mkdirSync(dir);
    const db = new DatabaseSync(join(dir, CATALOG_FILE));
    db.exec('CREATE TABLE from_the_future (x); PRAGMA user_version = 99;');
    db.close();
    assert.throws(() => openCatalog(dir), {
      name: 'StowageError',
      kind: 'failed',
      message: `the catalog has schema version 99, newer than this Stowage knows (${LATEST})`,
      hint: 'upgrade Stowage, or point --data-dir at another folder',
    });
    assert.deepEqual(inspectFile(dir), { version: 99, tables: ['from_the_future'], journal: 'wal' });
  });

  test('a data folder that cannot be created is a classified error', () => {
    const file = join(base, 'a-file');
    writeFileSync(file, '');
    assert.throws(
      () => openCatalog(join(file, 'stowage')),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.equal((error as { kind?: unknown }).kind, 'failed');
        assert.match(
          error.message,
          new RegExp(
            `^open catalog in ${file}/stowage: cannot create the folder ${file}/stowage: ${file} is a file, not a folder`,
          ),
        );
        assert.equal(
          (error as { hint?: unknown }).hint,
          'check that the data folder is writable, or choose another with --data-dir',
        );
        return true;
      },
    );
  });

  test('a catalog file that cannot be opened is a classified error', () => {
    const dir = freshDir();
    mkdirSync(join(dir, CATALOG_FILE), { recursive: true }); // a folder where the file should be
    assert.throws(() => openCatalog(dir), { kind: 'failed', message: /^open catalog in / });
  });
});

describe('migrate', () => {
  const v1: Migration = { version: 1, name: 'first', sql: 'CREATE TABLE one (x INTEGER);' };
  const v2: Migration = {
    version: 2,
    name: 'second',
    sql: 'CREATE TABLE two (y TEXT); INSERT INTO one VALUES (42);',
  };
  const broken: Migration = {
    version: 3,
    name: 'broken',
    sql: 'CREATE TABLE three (z); INSERT INTO one VALUES (7); INSERT INTO no_such_table VALUES (1);',
  };
  const memory = () => new DatabaseSync(':memory:');
  const version = (db: DatabaseSync) =>
    (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  const tables = (db: DatabaseSync) =>
    (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
        name: string;
      }[]
    ).map((r) => r.name);

  test('applies every migration in order and records the version', () => {
    const db = memory();
    assert.equal(migrate(db, [v1, v2]), 2);
    assert.equal(version(db), 2);
    assert.deepEqual(tables(db), ['one', 'two']);
    assert.deepEqual(
      db
        .prepare('SELECT x FROM one')
        .all()
        .map((row) => ({ ...row })),
      [{ x: 42 }],
    );
  });

  test('applies only the pending ones', () => {
    const db = memory();
    migrate(db, [v1]);
    db.exec('INSERT INTO one VALUES (1)');
    assert.equal(migrate(db, [v1, v2]), 2);
    assert.deepEqual(
      db
        .prepare('SELECT x FROM one ORDER BY x')
        .all()
        .map((row) => ({ ...row })),
      [{ x: 1 }, { x: 42 }],
    );
  });

  test('running again changes nothing', () => {
    const db = memory();
    migrate(db, [v1, v2]);
    assert.equal(migrate(db, [v1, v2]), 2);
    assert.deepEqual(
      db.prepare('SELECT count(*) AS n FROM one').get(),
      Object.assign(Object.create(null), { n: 1 }),
    );
  });

  test('no migrations: version 0', () => {
    assert.equal(migrate(memory(), []), 0);
  });

  test('a failing migration rolls back entirely and names itself', () => {
    const db = memory();
    assert.throws(() => migrate(db, [v1, v2, broken]), {
      name: 'StowageError',
      kind: 'failed',
      message: 'catalog migration 3 (broken) failed: no such table: no_such_table',
    });
    assert.equal(version(db), 2, 'the versions before it stay applied');
    assert.deepEqual(tables(db), ['one', 'two'], 'its table is gone');
    assert.deepEqual(
      db
        .prepare('SELECT x FROM one')
        .all()
        .map((row) => ({ ...row })),
      [{ x: 42 }],
      'its insert is gone',
    );
    assert.equal(db.isTransaction, false);
    // Fixed and run again, it applies.
    assert.equal(migrate(db, [v1, v2, { ...broken, sql: 'CREATE TABLE three (z);' }]), 3);
  });

  test('through openCatalog, a failing migration leaves the file at the last good version', () => {
    const dir = freshDir();
    assert.throws(() => openCatalog(dir, [...MIGRATIONS, { ...broken, version: LATEST + 1 }]), {
      kind: 'failed',
    });
    assert.deepEqual(inspectFile(dir), {
      version: LATEST,
      tables: TABLES,
      journal: 'wal',
    });
  });
});
