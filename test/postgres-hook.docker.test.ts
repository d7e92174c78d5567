/**
 * Consistency hooks with a real PostgreSQL (Debian's, built offline by scripts/postgres-image.ts): the
 * data outlives its container, a `pg_dump` pre hook puts a dump in the archive and the post hook removes
 * it, the dump restores, and `--stop` makes a cold copy on which postgres starts cleanly.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildPostgresImage, PGDATA, POSTGRES_IMAGE } from '../scripts/postgres-image.ts';
import { docker, dockerOk, engineAvailable, SKIP_REASON, TestSession } from './support/engine.ts';

interface BackupJson {
  backups: { archive: string; held: { name: string; how: string }[]; warnings: string[] }[];
  failures: { error: string }[];
}

interface ArchiveEntry {
  path: string;
  size: number;
}

const DUMP = `${PGDATA}/stowage-dump.sql`;
/** initdb on the first start only, then postgres as PID 1 on the unix socket (no network needed). */
const START = `test -s "$PGDATA/PG_VERSION" || initdb -D "$PGDATA" --auth=trust --username=postgres >/dev/null; exec postgres -D "$PGDATA" -c listen_addresses=''`;
const ROWS = 'anvil,bolt,crate';
/** Quiet, no ~/.psqlrc, and the first SQL error is psql's exit status. */
const PSQL = ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1'];

/** Rows of `sql` as psql prints them unaligned, run through the unix socket as the image's postgres user. */
function psql(container: string, database: string, sql: string): string {
  return dockerOk('exec', container, ...PSQL, '-A', '-t', '-d', database, '-c', sql);
}

const items = (container: string, database = 'shop') =>
  psql(container, database, "SELECT string_agg(name, ',' ORDER BY id) FROM items");
const state = (container: string, field: 'Running' | 'StartedAt') =>
  dockerOk('inspect', '-f', `{{.State.${field}}}`, container);

/** Waits until postgres accepts connections; fails with its log when the container exits or time runs out. */
async function ready(container: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (docker('exec', container, 'pg_isready', '-q').status !== 0) {
    if (state(container, 'Running') !== 'true' || Date.now() > deadline) {
      const log = docker('logs', '--tail', '15', container);
      assert.fail(`postgres in ${container} did not become ready:\n${log.stdout}${log.stderr}`);
    }
    await sleep(200);
  }
}

describe(
  'PostgreSQL consistency hooks on a real engine',
  { skip: !engineAvailable() && SKIP_REASON, timeout: 600_000 },
  () => {
    const s = new TestSession();
    const archives = mkdtempSync(join(tmpdir(), 'stowage-archives-'));
    const volume = `pg-${s.id}`;
    const db = `db-${s.id}`;
    let hotArchive = '';

    // No skip when the image cannot be built: a missing mirror or debootstrap is a failure to fix, in CI too.
    before(() => buildPostgresImage(process.env));
    after(() => {
      s.cleanup();
      rmSync(archives, { recursive: true, force: true });
    });

    /** `docker run -d` of postgres on `pgdata`, labelled for clean-up, then waits until it is ready. */
    async function postgres(name: string, pgdata: string, flags: string[] = []): Promise<void> {
      const mount = `${pgdata}:${PGDATA}`;
      dockerOk(
        'run',
        '-d',
        '--name',
        name,
        '--label',
        s.label,
        ...flags,
        '-v',
        mount,
        POSTGRES_IMAGE,
        'sh',
        '-c',
        START,
      );
      await ready(name);
    }

    function backup(...flags: string[]): BackupJson['backups'][number] {
      const result = s.stowage(['backup', volume, '--to', archives, '--json', ...flags]);
      // With --json the failures are in stdout; stderr only says that there were some.
      assert.equal(result.status, 0, `${result.stderr}${result.stdout}`);
      const report = JSON.parse(result.stdout) as BackupJson;
      assert.deepEqual(report.failures, []);
      assert.equal(report.backups.length, 1);
      return report.backups[0]!;
    }

    function archived(archive: string): Map<string, ArchiveEntry> {
      const entries = s.json<ArchiveEntry[]>(['ls-archive', archive]);
      return new Map(entries.map((e) => [e.path.replace(/^\.\//, ''), e]));
    }

    test('persistence lab: the database outlives its container', async () => {
      s.volume(volume);
      const first = `first-${s.id}`;
      await postgres(first, volume);
      psql(first, 'postgres', 'CREATE DATABASE shop');
      psql(first, 'shop', 'CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)');
      psql(first, 'shop', "INSERT INTO items VALUES (1, 'anvil'), (2, 'bolt'), (3, 'crate')");
      dockerOk('stop', first);
      dockerOk('rm', first);

      const hooks = [
        `stowage.backup.pre=pg_dump -U postgres -d shop -f ${DUMP}`,
        `stowage.backup.post=rm -f ${DUMP}`,
      ];
      await postgres(
        db,
        volume,
        hooks.flatMap((label) => ['--label', label]),
      );
      assert.equal(items(db), ROWS);
    });

    test('backup runs the pg_dump hook: the dump is in the archive, then gone from the live volume', () => {
      const startedAt = state(db, 'StartedAt');
      const result = backup();
      assert.deepEqual(result.held, [], 'hooks alone hold nothing');
      hotArchive = result.archive;
      const entries = archived(hotArchive);
      assert.ok(
        (entries.get('stowage-dump.sql')?.size ?? 0) > 0,
        `the archive lists a non-empty stowage-dump.sql: ${[...entries.keys()].slice(0, 10).join(', ')}`,
      );
      assert.ok(entries.has('postmaster.pid'), 'a hot copy: postgres was running');
      assert.notEqual(docker('exec', db, 'test', '-e', DUMP).status, 0, 'the post hook removed the dump');
      assert.equal(state(db, 'Running'), 'true');
      assert.equal(state(db, 'StartedAt'), startedAt, 'hooks alone never restart the container');
      assert.equal(items(db), ROWS);
    });

    test('the dump restores: loaded into a fresh database of a fresh server', async () => {
      const restored = `${volume}-dump`;
      const result = s.stowage(['restore', hotArchive, '--to', restored]);
      assert.equal(result.status, 0, result.stderr);
      // The dump is what the hook is for: loaded by a new server from its own empty PGDATA, not the hot copy.
      const fresh = `${volume}-fresh`;
      s.volume(fresh);
      const loader = `loader-${s.id}`;
      await postgres(loader, fresh, ['-v', `${restored}:/restore:ro`]);
      psql(loader, 'postgres', 'CREATE DATABASE shop_restored');
      dockerOk('exec', loader, ...PSQL, '-d', 'shop_restored', '-f', '/restore/stowage-dump.sql');
      assert.equal(items(loader, 'shop_restored'), ROWS);
    });

    let coldArchive = '';
    test('backup --stop stops postgres during the backup and starts it again', async () => {
      const since = (Date.now() / 1000).toFixed(3);
      const result = backup('--stop');
      const until = (Date.now() / 1000 + 1).toFixed(3);
      assert.deepEqual(result.held, [{ name: db, how: 'stopped (--stop)' }]);
      coldArchive = result.archive;
      const filters = [`container=${db}`, 'event=stop', 'event=start'].flatMap((f) => ['--filter', f]);
      const events = dockerOk(
        'events',
        '--since',
        since,
        '--until',
        until,
        ...filters,
        '--format',
        '{{.Action}}',
      );
      assert.deepEqual(events.split('\n'), ['stop', 'start']);
      assert.equal(state(db, 'Running'), 'true');
      await ready(db);
      assert.equal(items(db), ROWS);
      const entries = archived(coldArchive);
      assert.ok(!entries.has('postmaster.pid'), 'a cold copy: postgres had shut down cleanly');
      assert.ok(entries.has('PG_VERSION'));
      assert.notEqual(
        docker('exec', db, 'test', '-e', DUMP).status,
        0,
        'the post hook ran after the restart',
      );
    });

    // The volume root must come back postgres-owned and 0700, or postgres refuses the data folder.
    test('the --stop archive restores into a volume on which postgres starts with the rows', async () => {
      const restored = `${volume}-cold`;
      const result = s.stowage(['restore', coldArchive, '--to', restored]);
      assert.equal(result.status, 0, result.stderr);
      const cold = `cold-${s.id}`;
      await postgres(cold, restored);
      assert.equal(items(cold), ROWS);
      const log = docker('logs', cold);
      assert.match(
        log.stderr,
        /database system was shut down at/,
        'no crash recovery: the copy was consistent',
      );
    });
  },
);
