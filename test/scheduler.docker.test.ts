/**
 * The daemon's scheduler (`startScheduler`) against the private engine: real volumes with schedule labels,
 * a real backup context (engine, its identity, a catalog in a data folder of the test's own), and the job
 * registry its runs go through: catch-up, cron firing, health, run-now, label schedules, reload and stop.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BackupContext } from '../src/backup/backup-context.ts';
import { openCatalog } from '../src/catalog/catalog.ts';
import { DEFAULT_CONFIG, type ScheduleConfig, type StowageConfig } from '../src/config/config-types.ts';
import { connectEngine } from '../src/engine/docker-engine.ts';
import { JobRegistry, type Job } from '../src/jobs/job-registry.ts';
import { startScheduler } from '../src/schedules/scheduler.ts';
import { docker, engineAvailable, fillVolume, SKIP_REASON, TestSession } from './support/engine.ts';

const scheduleConfig = (fields: Partial<ScheduleConfig>): ScheduleConfig => ({
  name: 'nightly',
  cron: '@daily',
  volumes: ['data'],
  label: undefined,
  project: undefined,
  keep: undefined,
  jitterMs: 0,
  verify: true,
  stop: false,
  target: undefined,
  ...fields,
});

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
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
 * A session with `volumes` created and a backup context over the private engine (DOCKER_HOST, as the CLI
 * connects) with a catalog in the session's data folder; `start` starts the scheduler over it.
 */
async function setup(volumes: [string, Record<string, string>?][], schedules: ScheduleConfig[]) {
  const s = new TestSession();
  const engine = connectEngine();
  const catalog = openCatalog(s.dataDir);
  cleanups.push(() => s.cleanup());
  cleanups.push(() => engine.close());
  cleanups.push(() => catalog.close());
  for (const [name, labels] of volumes) volume(s, name, labels);
  const context: BackupContext = { engine, engineInfo: await engine.info(), dataDir: s.dataDir, catalog };
  const jobs = new JobRegistry();
  const log: string[] = [];
  let config: StowageConfig = { ...DEFAULT_CONFIG, schedules };
  cleanups.push(() => jobs.shutdown(5000));
  const start = () => {
    const scheduler = startScheduler({
      context,
      configRef: () => config,
      jobs,
      log: (line) => log.push(line),
    });
    cleanups.push(() => scheduler.stop());
    return scheduler;
  };
  const setConfig = (next: Partial<StowageConfig>) => (config = { ...config, ...next });
  return { s, context, jobs, log, start, setConfig };
}

async function settled(jobs: JobRegistry): Promise<Job[]> {
  for (let i = 0; i < 200 && jobs.list().some((j) => j.state === 'running'); i++) await sleep(20);
  return jobs.list();
}

const hourAgo = () => new Date(Date.now() - 3_600_000);

describe('Scheduler', { skip: !engineAvailable() && SKIP_REASON, timeout: 300_000 }, () => {
  test('catch-up: a schedule that missed fires while the daemon was down runs once at start', async () => {
    const { context, jobs, log, start } = await setup([['data']], [scheduleConfig({ cron: '*/10 * * * *' })]);
    // Down since long ago: hundreds of ten-minute slots were missed.
    context.catalog.runs.recordFire('nightly', context.engineInfo.id, new Date('2026-01-01T00:00:00Z'));
    const scheduler = start();
    await scheduler.ready;
    const done = await settled(jobs);
    assert.equal(done.length, 1, 'one run, not one per missed slot');
    assert.equal(done[0]?.state, 'succeeded', JSON.stringify(done[0]?.error));
    const runs = context.catalog.runs.list({ schedule: 'nightly' });
    assert.deepEqual(
      runs.map((r) => [r.trigger, r.volume, r.result]),
      [['catch-up', 'data', 'success']],
    );
    assert.ok(
      log.some((line) =>
        /^schedule nightly: missed a fire since 2026-01-01T00:00:00\.000Z; running once now$/.test(line),
      ),
    );
    assert.ok(
      Date.parse(context.catalog.runs.state('nightly', context.engineInfo.id)!.lastFire!) >
        Date.parse('2026-06-01T00:00:00Z'),
    );
  });

  test('a schedule seen for the first time does not run at start, and a fired one is not caught up again', async () => {
    const { context, jobs, start } = await setup(
      [['data']],
      [scheduleConfig({ name: 'new' }), scheduleConfig({ name: 'fired', cron: '@hourly' })],
    );
    context.catalog.runs.recordFire(
      'fired',
      context.engineInfo.id,
      new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000),
    );
    await start().ready;
    assert.deepEqual(await settled(jobs), []);
    assert.ok(context.catalog.runs.state('new', context.engineInfo.id)?.firstSeen);
  });

  test('a schedule never fired but known for long is caught up from when it was first seen', async () => {
    const { context, jobs, start } = await setup([['data']], [scheduleConfig({ cron: '@hourly' })]);
    context.catalog.runs.ensureState('nightly', context.engineInfo.id, new Date(Date.now() - 3 * 3_600_000));
    await start().ready;
    assert.equal((await settled(jobs)).length, 1);
  });

  test('fires on its cron expression (seconds), recording each run', async () => {
    const { context, jobs, start } = await setup([['data']], [scheduleConfig({ cron: '* * * * * *' })]);
    start();
    await sleep(2300);
    await settled(jobs);
    const runs = context.catalog.runs.list({ schedule: 'nightly' });
    assert.ok(runs.length >= 2, `${runs.length} runs`);
    assert.ok(runs.every((r) => r.trigger === 'schedule' && r.result === 'success'));
  });

  test('health: a schedule without a success for two fires is late; a fresh success clears it', async () => {
    const { context, start } = await setup([['data']], [scheduleConfig({ cron: '@hourly' })]);
    context.catalog.runs.ensureState('nightly', context.engineInfo.id, new Date('2026-01-01T00:00:00Z'));
    context.catalog.runs.recordFire('nightly', context.engineInfo.id, new Date()); // no catch-up: only health is tested here
    const scheduler = start();
    await scheduler.ready;
    const problems = scheduler.health(new Date());
    assert.equal(problems.length, 1);
    assert.match(
      problems[0]!,
      /^schedule nightly is late: no successful run since it was first seen \(2026-01-01T00:00:00\.000Z\)/,
    );
    context.catalog.runs.recordSuccess('nightly', context.engineInfo.id, hourAgo());
    assert.deepEqual(scheduler.health(new Date()), []);
    assert.equal(scheduler.list()[0]?.late, null);
  });

  test('runNow: a manual run as a job; an unknown schedule is not found', async () => {
    const { context, jobs, start } = await setup([['data']], [scheduleConfig({})]);
    const scheduler = start();
    await scheduler.ready;
    await assert.rejects(scheduler.runNow('nope'), {
      kind: 'not-found',
      message: 'schedule nope does not exist',
    });
    const job = await scheduler.runNow('nightly');
    assert.equal(job.kind, 'schedule');
    assert.equal(job.subject, 'nightly');
    await settled(jobs);
    assert.equal(jobs.get(job.id)?.state, 'succeeded');
    assert.deepEqual(
      context.catalog.runs.list().map((r) => [r.trigger, r.result]),
      [['manual', 'success']],
    );
  });

  test('a failing run makes a failed job that names the volume and the error', async () => {
    const { jobs, start } = await setup([], [scheduleConfig({})]);
    const scheduler = start();
    await scheduler.ready;
    const job = await scheduler.runNow('nightly');
    await settled(jobs);
    assert.equal(jobs.get(job.id)?.state, 'failed');
    assert.match(
      jobs.get(job.id)?.error?.message ?? '',
      /^schedule nightly: 1 of 1 run failed: data: inspect volume "data": get data: no such volume/,
    );
  });

  test('volume labels: a cron label makes a schedule, a bad one is a health problem', async () => {
    const { start } = await setup(
      [
        ['mail', { 'stowage.backup.schedule': '@hourly' }],
        ['logs', { 'stowage.backup.schedule': 'nightly' }],
        ['odd', { 'stowage.backup.schedule': 'sometimes' }],
      ],
      [scheduleConfig({})],
    );
    const scheduler = start();
    await scheduler.ready;
    assert.deepEqual(
      scheduler.list().map((s) => [s.name, s.source, s.cron]),
      [
        ['nightly', 'config', '@daily'],
        ['volume:mail', 'label', '@hourly'],
      ],
    );
    const problems = scheduler.health(new Date());
    assert.equal(problems.length, 1);
    assert.match(
      problems[0]!,
      /^volume odd: label stowage\.backup\.schedule: "sometimes" is neither a schedule/,
    );
  });

  test('reload: schedules added and removed, a label volume found on demand by runNow', async () => {
    const { s, start, setConfig, jobs } = await setup([['data']], [scheduleConfig({})]);
    const scheduler = start();
    await scheduler.ready;
    setConfig({ schedules: [scheduleConfig({ name: 'weekly', cron: '@weekly' })] });
    scheduler.reload();
    assert.deepEqual(
      scheduler.list().map((s) => s.name),
      ['weekly'],
    );
    volume(s, 'fresh', { 'stowage.backup.schedule': '@daily' });
    const job = await scheduler.runNow('volume:fresh');
    assert.equal(job.subject, 'volume:fresh');
    await settled(jobs);
  });

  test('stop: nothing fires afterwards', async () => {
    const { context, start } = await setup([['data']], [scheduleConfig({ cron: '* * * * * *' })]);
    const scheduler = start();
    await scheduler.stop();
    await sleep(1500);
    assert.deepEqual(context.catalog.runs.list(), []);
  });
});
