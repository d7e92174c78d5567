import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { DEFAULT_CONFIG, type StowageConfig } from '../config/config-types.ts';
import type { RunNotification } from './notify-webhook.ts';
import { runSchedule, type RunDependencies } from './run-schedule.ts';
import type { Schedule } from './schedule.ts';
import { fakeContext, fakeEngine, volume, type FakeEngine } from './testing/fake-engine.ts';
import { VolumeLimiter } from './volume-limiter.ts';

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
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

/** Dependencies over a fake engine; `posts` collects what the webhook received. */
function setup(engine: FakeEngine, config: Partial<StowageConfig> = {}) {
  const context = fakeContext(engine);
  cleanups.push(() => context.cleanup());
  const posts: RunNotification[] = [];
  const log: string[] = [];
  const deps: RunDependencies = {
    context,
    config: { ...DEFAULT_CONFIG, notify: { webhook: 'http://hooks.test/x', on: ['failure'] }, ...config },
    limiter: new VolumeLimiter(2),
    log: (line) => log.push(line),
    fetch: (_url, init) => {
      posts.push(JSON.parse(init?.body as string) as RunNotification);
      return Promise.resolve(new Response(null, { status: 204 }));
    },
  };
  const run = (s: Schedule, signal = new AbortController().signal) =>
    runSchedule(deps, { schedule: s, trigger: 'schedule', firedAt: new Date(), signal });
  return { context, deps, posts, log, run };
}

describe('runSchedule', () => {
  test('backs up, verifies and applies retention: after several runs exactly what keep says is left', async () => {
    const { context, posts, run } = setup(fakeEngine([volume('data'), volume('other')]));
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
    assert.notEqual(context.catalog.runs.state('nightly')?.lastSuccess, null);
  });

  test('a volume that fails is recorded with its error and notified; the others of the run go on', async () => {
    const engine = fakeEngine([volume('data')]);
    const { context, posts, run } = setup(engine);
    await run(schedule({ volumes: ['data'], keep: 'last:1' }));
    const summary = await run(schedule({ volumes: ['data', 'gone'], keep: 'last:1' }));
    assert.equal(summary.ok, false);
    const byVolume = new Map(summary.runs.map((r) => [r.volume, r]));
    assert.equal(byVolume.get('gone')?.result, 'failed');
    assert.match(byVolume.get('gone')?.error ?? '', /volume gone does not exist/);
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
    const state = context.catalog.runs.state('nightly');
    assert.ok(state?.lastSuccess && Date.parse(state.lastSuccess) <= Date.parse(summary.firedAt));
    assert.notEqual(state.lastSuccess, summary.firedAt, 'a partly failed run is no success of the schedule');
  });

  test("a volume's failed run never applies retention to its older backups", async () => {
    const engine = fakeEngine([volume('data')]);
    const { context, run } = setup(engine);
    for (let i = 0; i < 3; i++) await run(schedule({ volumes: ['data'] }));
    engine.state.volumes = []; // the next backup of `data` fails
    const summary = await run(schedule({ volumes: ['data'], keep: 'last:1' }));
    assert.equal(summary.runs[0]?.result, 'failed');
    assert.equal(summary.runs[0]?.removed, null);
    assert.equal(context.catalog.backups.list({ volume: 'data' }).length, 3);
  });

  test('without verification, no retention at all', async () => {
    const { context, run, log } = setup(fakeEngine([volume('data', { 'stowage.backup.keep': 'last:1' })]));
    const unverified = schedule({ volumes: ['data'], verify: false });
    await run(unverified);
    await run(unverified);
    await run(unverified);
    assert.equal(context.catalog.backups.list({ volume: 'data' }).length, 3);
    assert.ok(context.catalog.backups.list().every((b) => b.verifyStatus === null));
    assert.ok(log.some((line) => line.includes('no retention, since this schedule does not verify')));
  });

  test("a volume's keep label replaces the schedule's keep; an invalid one fails the run but keeps the backup", async () => {
    const { context, run } = setup(
      fakeEngine([
        volume('a', { 'stowage.backup.keep': 'last:1' }),
        volume('b', { 'stowage.backup.keep': 'x' }),
      ]),
    );
    const s = schedule({ volumes: ['a', 'b'], keep: 'last:5' });
    await run(s);
    const second = await run(s);
    assert.equal(context.catalog.backups.list({ volume: 'a' }).length, 1);
    assert.equal(context.catalog.backups.list({ volume: 'b' }).length, 2);
    const b = second.runs.find((r) => r.volume === 'b');
    assert.equal(b?.result, 'failed');
    assert.notEqual(b?.backupId, null);
    assert.match(
      b?.error ?? '',
      /^label stowage\.backup\.keep: invalid retention policy "x".*; no backup was removed$/,
    );
  });

  test('successes are notified when asked for', async () => {
    const { posts, run } = setup(fakeEngine([volume('data')]), {
      notify: { webhook: 'http://hooks.test/x', on: ['failure', 'success'] },
    });
    await run(schedule({ volumes: ['data'] }));
    assert.deepEqual(
      posts.map((p) => [p.event, p.succeeded, p.failed]),
      [['success', 1, 0]],
    );
  });

  test('a webhook that fails is logged and changes nothing', async () => {
    const { deps, log, run } = setup(fakeEngine([]));
    deps.fetch = () => Promise.reject(new TypeError('fetch failed'));
    const summary = await run(schedule({ volumes: ['gone'] }));
    assert.equal(summary.runs[0]?.result, 'failed');
    assert.ok(log.some((line) => line === 'schedule nightly: notify http://hooks.test/…: fetch failed'));
  });

  test('a schedule selecting nothing is a failed run without a volume', async () => {
    const { posts, run } = setup(fakeEngine([volume('data')]));
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
    const engine = fakeEngine([volume('data')]);
    const { run } = setup(engine);
    engine.state.unreachable = true;
    const summary = await run(schedule({ volumes: ['data'] }));
    assert.deepEqual(
      summary.runs.map((r) => [r.volume, r.result, r.error]),
      [[null, 'failed', 'connect ENOENT /run/fake.sock']],
    );
  });

  test('a label schedule whose volume was removed ends quietly: no run, no notification', async () => {
    const { posts, run, log } = setup(fakeEngine([]));
    const summary = await run(schedule({ name: 'volume:gone', source: 'label', volumes: ['gone'] }));
    assert.deepEqual(summary.runs, []);
    assert.equal(summary.ok, false);
    assert.deepEqual(posts, []);
    assert.ok(log.includes('schedule volume:gone: its volume no longer exists; nothing to do'));
  });

  test('cancelled before starting: every volume is recorded as interrupted, nothing written', async () => {
    const { context, run } = setup(fakeEngine([volume('a'), volume('b')]));
    const summary = await run(
      schedule({ volumes: ['a', 'b'] }),
      AbortSignal.abort(new Error('the daemon is shutting down')),
    );
    assert.deepEqual(
      summary.runs.map((r) => [r.volume, r.result]),
      [
        ['a', 'interrupted'],
        ['b', 'interrupted'],
      ],
    );
    assert.match(summary.runs[0]?.error ?? '', /^interrupted \(the daemon is shutting down\)/);
    assert.deepEqual(context.catalog.backups.list(), []);
  });

  test('a schedule target is used instead of the default folder', async () => {
    const engine = fakeEngine([volume('data')]);
    const { context, run } = setup(engine);
    const target = join(context.dataDir, 'elsewhere');
    await run(schedule({ volumes: ['data'], target }));
    assert.equal(context.catalog.backups.list()[0]?.target, `local:${target}`);
  });

  test('a target that cannot be written fails the run', async () => {
    const { context, run } = setup(fakeEngine([volume('data')]));
    const summary = await run(
      schedule({ volumes: ['data'], target: join(context.dataDir, 'catalog.db', 'sub') }),
    );
    assert.equal(summary.runs[0]?.result, 'failed');
    assert.match(summary.runs[0]?.error ?? '', /ENOTDIR/);
  });
});
