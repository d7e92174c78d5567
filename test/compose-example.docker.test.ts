/**
 * examples/compose.yaml brought up with Debian's docker-compose on the private engine, with Stowage's offline
 * image: the database volume's labels make the daemon back it up on schedule, the database container's hooks
 * put a pg_dumpall dump in the archive, and the restore walkthrough of docs/CONTAINER.md brings a dropped
 * table back. The example is adapted only where the test engine differs: local images (no registry), no
 * network (the test engine has no bridge, and nothing here needs one), the private engine's socket, and a
 * schedule that fires during the test rather than at 02:30.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import { buildStowageImage } from '../scripts/image.ts';
import { buildPostgresImage, POSTGRES_IMAGE } from '../scripts/postgres-image.ts';
import { docker, engineAvailable, IMAGE, SKIP_REASON, TestSession } from './support/engine.ts';
import { ensureCommands } from './support/loopback.ts';

const root = join(import.meta.dirname, '..');
const socket = (process.env.DOCKER_HOST ?? '').replace(/^unix:\/\//, '');
/** initdb on the first start only, then postgres on its unix socket (as test/postgres-hook.docker.test.ts). */
const START = `test -s "$PGDATA/PG_VERSION" || initdb -D "$PGDATA" --auth=trust --username=postgres >/dev/null; exec postgres -D "$PGDATA" -c listen_addresses=''`;

interface Service {
  image: string;
  command?: unknown;
  ports?: unknown;
  network_mode?: string;
  volumes?: string[];
  depends_on?: unknown;
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes: Record<string, { labels: Record<string, string> }>;
}

/**
 * Every 30 seconds instead of 02:30: the first run comes soon after the daemon starts, and right after a run
 * the restore has most of 30 seconds before the next one takes the volume's lock.
 */
const TEST_SCHEDULE = '*/30 * * * * *';

describe('the compose example', { skip: !engineAvailable() && SKIP_REASON, timeout: 600_000 }, () => {
  const s = new TestSession();
  const dir = mkdtempSync(join(tmpdir(), 'stowage-compose-'));
  const project = `shop${s.id}`;
  const volume = `${project}_db-data`;
  const compose = (...args: string[]) => {
    const result = spawnSync('docker-compose', ['-p', project, '-f', join(dir, 'compose.yaml'), ...args], {
      encoding: 'utf8',
      env: process.env,
    });
    return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
  };
  const stowage = (...args: string[]) => compose('exec', '-T', 'stowage', 'stowage', ...args);
  const psql = (sql: string) =>
    compose('exec', '-T', 'db', 'psql', '-U', 'postgres', '-A', '-t', '-c', sql).stdout.trim();

  async function dbReady(): Promise<void> {
    for (let i = 0; i < 300; i++) {
      if (compose('exec', '-T', 'db', 'pg_isready', '-q').status === 0) return;
      await sleep(200);
    }
    assert.fail(`postgres did not become ready:\n${compose('logs', '--tail', '20', 'db').stdout}`);
  }

  before(() => {
    ensureCommands({ 'docker-compose': 'docker-compose' });
    buildStowageImage(process.env);
    buildPostgresImage(process.env);
    const file = parse(readFileSync(join(root, 'examples', 'compose.yaml'), 'utf8')) as ComposeFile;
    const { db, app, stowage: daemon } = file.services as Record<'db' | 'app' | 'stowage', Service>;
    db.image = POSTGRES_IMAGE;
    // Compose reads $NAME as its own variables: $$ passes a dollar through to the shell.
    db.command = ['sh', '-c', START.replaceAll('$', '$$$$')];
    app.image = IMAGE;
    app.command = ['sleep', '3600'];
    for (const service of [db, app, daemon]) {
      delete service.ports;
      service.network_mode = 'none';
    }
    daemon.volumes = daemon.volumes!.map((v) => v.replace(/^\/var\/run\/docker\.sock:/, `${socket}:`));
    file.volumes['db-data']!.labels['stowage.backup.schedule'] = TEST_SCHEDULE;
    writeFileSync(join(dir, 'compose.yaml'), stringify(file));
    writeFileSync(join(dir, 'db-password.txt'), 'not-used-with-trust-auth\n');
  });
  after(() => {
    compose('down', '-v', '--remove-orphans');
    s.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('comes up; the scheduled backup runs with the dump hooks; the walkthrough restores a dropped table', async () => {
    const up = compose('up', '-d');
    assert.equal(up.status, 0, up.stderr);
    await dbReady();
    psql("CREATE TABLE items (name text); INSERT INTO items VALUES ('kettle'), ('teapot')");

    // The daemon found the labelled volume and backs it up on its own schedule, verified.
    let backups: { id: number; verifyStatus: string | null }[] = [];
    for (let i = 0; i < 120 && !backups.some((b) => b.verifyStatus === 'ok'); i++) {
      await sleep(1000);
      const listed = stowage('backups', volume, '--json');
      if (listed.status === 0) backups = JSON.parse(listed.stdout) as typeof backups;
    }
    const good = backups.find((b) => b.verifyStatus === 'ok');
    assert.ok(
      good,
      `no verified backup of ${volume}:\n${compose('logs', '--tail', '30', 'stowage').stdout}\n${stowage('runs').stdout}`,
    );
    const entries = stowage('ls-archive', String(good.id));
    assert.equal(entries.status, 0, entries.stderr);
    assert.match(entries.stdout, /stowage-dump\.sql/, 'the pre hook put its dump in the archive');
    const leftover = compose('exec', '-T', 'db', 'ls', '/var/lib/postgresql/data');
    assert.doesNotMatch(leftover.stdout, /stowage-dump\.sql/, 'the post hook removed it afterwards');

    psql('DROP TABLE items');
    // As a user would: a restore that meets the schedule's backup of the same volume (exit 4, busy) is
    // tried again a moment later.
    let restored = stowage('restore', String(good.id), '--to', volume, '--force', '--stop');
    for (let i = 0; i < 3 && restored.status === 4 && /busy/.test(restored.stderr); i++) {
      await sleep(5000);
      restored = stowage('restore', String(good.id), '--to', volume, '--force', '--stop');
    }
    assert.equal(restored.status, 0, restored.stderr);
    await dbReady();
    assert.equal(psql("SELECT string_agg(name, ',' ORDER BY name) FROM items"), 'kettle,teapot');
    const running = docker('inspect', '-f', '{{.State.Running}}', `${project}_db_1`).stdout.trim();
    assert.equal(running, 'true', 'the database was started again');
  });
});
