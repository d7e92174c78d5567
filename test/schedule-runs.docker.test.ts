/**
 * One run of a schedule (`runSchedule`, the code path of the daemon's timers and `stowage run-now`)
 * against the private engine: real volumes with labels, a real backup context (engine, its identity, a
 * catalog in a data folder of the test's own), backups that are verified before retention removes anything.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import type { BackupContext } from '../src/backup/backup-context.ts';
import { openCatalog } from '../src/catalog/catalog.ts';
import { DEFAULT_CONFIG, type StowageConfig } from '../src/config/config-types.ts';
import { connectEngine } from '../src/engine/docker-engine.ts';
import type { RunNotification } from '../src/notify/notification.ts';
import { runSchedule, type RunDependencies } from '../src/schedules/run-schedule.ts';
import type { Schedule } from '../src/schedules/schedule.ts';
import { VolumeLimiter } from '../src/schedules/volume-limiter.ts';
import { docker, dockerOk, engineAvailable, fillVolume, SKIP_REASON, TestSession } from './support/engine.ts';

const schedule = (fields: Partial<Schedule>): Schedule => ({
  name: 'nightly',
  source: 'config',
  cron: '@daily',
  volumes: [],
  label: undefined,
  project: undefined,
  keep: undefined,
  jitterMs: 0,
  verify: true,
  stop: false,
  target: undefined,
  ...fields,
});

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
  cleanups = [];
});

/**
 * A real volume named `name` (the names are the ones the assertions use, so each must not exist yet),
 * labelled for the session's clean-up and holding one file, `hello.txt`, whose text names the volume.
 */
function volume(s: TestSession, name: string, labels: Record<string, string> = {}): void {
  if (docker('volume', 'inspect', name).status === 0)
    throw new Error(`volume ${name} already exists in the private engine`);
  s.volume(name, ...Object.entries(labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]));
  fillVolume(name, `echo "hello from ${name}" > /d/hello.txt`);
}

/**
 * A session with `volumes` created, a backup context over the private engine (DOCKER_HOST, as the CLI
 * connects) with a catalog in the session's data folder, and dependencies whose webhook transport records
 * what it is sent (`posts`).
 */
async function setup(volumes: [string, Record<string, string>?][], config: Partial<StowageConfig> = {}) {
  const s = new TestSession();
  const engine = connectEngine();
  const catalog = openCatalog(s.dataDir);
  cleanups.push(() => s.cleanup());
  cleanups.push(() => engine.close());
  cleanups.push(() => catalog.close());
  for (const [name, labels] of volumes) volume(s, name, labels);
  const context: BackupContext = { engine, engineInfo: await engine.info(), dataDir: s.dataDir, catalog };
  const posts: RunNotification[] = [];
  const log: string[] = [];
  const deps: RunDependencies = {
    context,
    config: {
      ...DEFAULT_CONFIG,
      notify: { webhook: 'http://hooks.test/x', on: ['failure'], urls: [] },
      ...config,
    },
    limiter: new VolumeLimiter(2),
    log: (line) => log.push(line),
    fetch: (_url, init) => {
      posts.push(JSON.parse(init?.body as string) as RunNotification);
      return Promise.resolve(new Response(null, { status: 204 }));
    },
  };
  const run = (sched: Schedule, signal = new AbortController().signal) =>
    runSchedule(deps, { schedule: sched, trigger: 'schedule', firedAt: new Date(), signal });
  return { s, context, deps, posts, log, run };
}

describe('runSchedule', { skip: !engineAvailable() && SKIP_REASON, timeout: 300_000 }, () => {
  test('backs up, verifies and applies retention: after several runs exactly what keep says is left', async () => {
    const { context, posts, run } = await setup([['data'], ['other']]);
    const nightly = schedule({ volumes: ['data'], keep: 'last:2' });
    const removed: (number | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const summary = await run(nightly);
      assert.equal(summary.ok, true, JSON.stringify(summary.runs));
      assert.equal(summary.runs.length, 1);
      const only = summary.runs[0]!;
      assert.equal(only.result, 'success');
      assert.equal(only.volume, 'data');
      assert.ok((only.bytes ?? 0) > 0);
      assert.equal(
        context.catalog.backups.get(only.backupId ?? 0)?.verifyStatus,
        'ok',
        'verified and marked good',
      );
      removed.push(only.removed);
    }
    assert.deepEqual(removed, [0, 0, 1, 1]);
    const left = context.catalog.backups.list({ volume: 'data' });
    assert.equal(left.length, 2);
    for (const backup of left) assert.ok(existsSync(join(context.dataDir, 'backups', backup.archiveKey)));
    assert.deepEqual(posts, [], 'successes are not notified unless asked for');
    assert.notEqual(context.catalog.runs.state('nightly', context.engineInfo.id)?.lastSuccess, null);
  });

  test('a volume that fails is recorded with its error and notified; the others of the run go on', async () => {
    const { context, posts, run } = await setup([['data']]);
    await run(schedule({ volumes: ['data'], keep: 'last:1' }));
    const summary = await run(schedule({ volumes: ['data', 'gone'], keep: 'last:1' }));
    assert.equal(summary.ok, false);
    const byVolume = new Map(summary.runs.map((r) => [r.volume, r]));
    assert.equal(byVolume.get('gone')?.result, 'failed');
    assert.match(byVolume.get('gone')?.error ?? '', /^inspect volume "gone": get gone: no such volume$/);
    assert.equal(byVolume.get('data')?.result, 'success', 'the other volume of the run still succeeds');
    // `data` succeeded and was verified, so its own retention ran; nothing of `gone` existed to remove.
    assert.equal(context.catalog.backups.list({ volume: 'data' }).length, 1);
    assert.equal(posts.length, 1);
    assert.equal(posts[0]?.event, 'failure');
    assert.equal(posts[0]?.schedule, 'nightly');
    assert.equal(posts[0]?.failed, 1);
    assert.equal(posts[0]?.succeeded, 1);
    assert.deepEqual(
      posts[0]?.runs.map((r) => [r.volume, r.result]),
      [
        ['data', 'success'],
        ['gone', 'failed'],
      ],
    );
    const state = context.catalog.runs.state('nightly', context.engineInfo.id);
    assert.ok(state?.lastSuccess && Date.parse(state.lastSuccess) <= Date.parse(summary.firedAt));
    assert.notEqual(state.lastSuccess, summary.firedAt, 'a partly failed run is no success of the schedule');
  });

  test("a volume's failed run never applies retention to its older backups", async () => {
    const { context, run } = await setup([['data']]);
    for (let i = 0; i < 3; i++) await run(schedule({ volumes: ['data'] }));
    dockerOk('volume', 'rm', 'data'); // the next backup of `data` fails
    const summary = await run(schedule({ volumes: ['data'], keep: 'last:1' }));
    assert.equal(summary.runs[0]?.result, 'failed');
    assert.equal(summary.runs[0]?.removed, null);
    assert.equal(context.catalog.backups.list({ volume: 'data' }).length, 3);
  });

  test('without verification, no retention at all', async () => {
    const { context, run, log } = await setup([['data', { 'stowage.backup.keep': 'last:1' }]]);
    const unverified = schedule({ volumes: ['data'], verify: false });
    await run(unverified);
    await run(unverified);
    await run(unverified);
    assert.equal(context.catalog.backups.list({ volume: 'data' }).length, 3);
    assert.ok(context.catalog.backups.list().every((b) => b.verifyStatus === null));
    assert.ok(log.some((line) => line.includes('no retention, since this schedule does not verify')));
  });

  test("a volume's keep label replaces the schedule's keep; an invalid one fails the run but keeps the backup", async () => {
    const { context, run } = await setup([
      ['vol-a', { 'stowage.backup.keep': 'last:1' }],
      ['vol-b', { 'stowage.backup.keep': 'x' }],
    ]);
    const s = schedule({ volumes: ['vol-a', 'vol-b'], keep: 'last:5' });
    await run(s);
    const second = await run(s);
    assert.equal(context.catalog.backups.list({ volume: 'vol-a' }).length, 1);
    assert.equal(context.catalog.backups.list({ volume: 'vol-b' }).length, 2);
    const b = second.runs.find((r) => r.volume === 'vol-b');
    assert.equal(b?.result, 'failed');
    assert.notEqual(b?.backupId, null);
    assert.match(
      b?.error ?? '',
      /^label stowage\.backup\.keep: invalid retention policy "x".*; no backup was removed$/,
    );
  });

  test('successes are notified when asked for', async () => {
    const { posts, run } = await setup([['data']], {
      notify: { webhook: 'http://hooks.test/x', on: ['failure', 'success'], urls: [] },
    });
    await run(schedule({ volumes: ['data'] }));
    assert.deepEqual(
      posts.map((p) => [p.event, p.succeeded, p.failed]),
      [['success', 1, 0]],
    );
  });

  test('a webhook that fails is logged and changes nothing', async () => {
    const { deps, log, run } = await setup([]);
    deps.fetch = () => Promise.reject(new TypeError('fetch failed'));
    const summary = await run(schedule({ volumes: ['gone'] }));
    assert.equal(summary.runs[0]?.result, 'failed');
    assert.ok(log.some((line) => line === 'schedule nightly: notify http://hooks.test/…: fetch failed'));
  });

  test('a schedule selecting nothing is a failed run without a volume', async () => {
    const { posts, run } = await setup([['data']]);
    const summary = await run(schedule({ label: 'tier=prod' }));
    assert.equal(summary.ok, false);
    assert.equal(summary.runs.length, 1);
    assert.equal(summary.runs[0]?.volume, null);
    assert.equal(
      summary.runs[0]?.error,
      'schedule nightly selects no volume (label tier=prod; no volume matches now)',
    );
    assert.equal(posts.length, 1);
  });

  test('an unreachable engine is a failed run', async () => {
    const { context, run } = await setup([['data']]);
    // The engine goes away after the context was made: a unix socket path where no engine listens.
    const dir = mkdtempSync(join(tmpdir(), 'stowage-no-engine-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const socket = join(dir, 'docker.sock');
    const gone = connectEngine({}, { env: { DOCKER_HOST: `unix://${socket}` } });
    cleanups.push(() => gone.close());
    context.engine = gone;
    const summary = await run(schedule({ volumes: ['data'] }));
    assert.deepEqual(
      summary.runs.map((r) => [r.volume, r.result, r.error]),
      [
        [
          null,
          'failed',
          `cannot connect to the engine: no engine is listening at unix://${socket} (from DOCKER_HOST)`,
        ],
      ],
    );
  });

  test('a label schedule whose volume was removed ends quietly: no run, no notification', async () => {
    const { posts, run, log } = await setup([]);
    const summary = await run(schedule({ name: 'volume:gone', source: 'label', volumes: ['gone'] }));
    assert.deepEqual(summary.runs, []);
    assert.equal(summary.ok, false);
    assert.deepEqual(posts, []);
    assert.ok(log.includes('schedule volume:gone: its volume no longer exists; nothing to do'));
  });

  test('cancelled before starting: every volume is recorded as interrupted, nothing written', async () => {
    const { context, run } = await setup([['vol-a'], ['vol-b']]);
    const summary = await run(
      schedule({ volumes: ['vol-a', 'vol-b'] }),
      AbortSignal.abort(new Error('the daemon is shutting down')),
    );
    assert.deepEqual(
      summary.runs.map((r) => [r.volume, r.result]),
      [
        ['vol-a', 'interrupted'],
        ['vol-b', 'interrupted'],
      ],
    );
    assert.match(summary.runs[0]?.error ?? '', /^interrupted \(the daemon is shutting down\)/);
    assert.deepEqual(context.catalog.backups.list(), []);
  });

  test('a schedule target is used instead of the default folder', async () => {
    const { context, run } = await setup([['data']]);
    const target = join(context.dataDir, 'elsewhere');
    await run(schedule({ volumes: ['data'], target }));
    assert.equal(context.catalog.backups.list()[0]?.target, `local:${target}`);
  });

  test('a target that cannot be written fails the run', async () => {
    const { context, run } = await setup([['data']]);
    const summary = await run(
      schedule({ volumes: ['data'], target: join(context.dataDir, 'catalog.db', 'sub') }),
    );
    assert.equal(summary.runs[0]?.result, 'failed');
    assert.match(summary.runs[0]?.error ?? '', /catalog\.db is a file, not a folder/);
  });
});
