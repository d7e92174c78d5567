/**
 * Schedules against the private engine, through a real daemon: fires every three seconds on labelled
 * volumes, archives that restore, retention that keeps exactly what `keep` says, a webhook for failures,
 * catch-up after downtime, `run-now` from the CLI, and /healthz failing for a late schedule.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openCatalog } from '../src/catalog/catalog.ts';
import {
  docker,
  dockerOk,
  engineAvailable,
  fillVolume,
  IMAGE,
  SKIP_REASON,
  stowageIn,
  TestSession,
} from './support/engine.ts';

const root = join(import.meta.dirname, '..');

interface Run {
  id: number;
  schedule: string;
  volume: string | null;
  trigger: string;
  result: string | null;
  error: string | null;
  backupId: number | null;
  removed: number | null;
}
interface Backup {
  id: number;
  volume: string;
  verifyStatus: string | null;
}
interface Notification {
  event: string;
  schedule: string;
  trigger: string;
  failed: number;
  runs: { volume: string | null; result: string; error: string | null }[];
}

/** Polls `check` until it returns a value (not undefined), or fails naming `what`. */
async function until<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe('schedules in the daemon', { skip: !engineAvailable() && SKIP_REASON, timeout: 300_000 }, () => {
  const s = new TestSession();
  const port = 19_000 + Math.floor(Math.random() * 2000);
  const base = `http://127.0.0.1:${port}`;
  const A = `sched-a-${s.id}`; // selected by the config schedule's label, keep last:2
  const B = `sched-b-${s.id}`; // opted in by its own stowage.backup.schedule label, keep last:3
  const C = `sched-c-${s.id}`; // a yearly schedule: runs only by catch-up and run-now
  const missing = `sched-missing-${s.id}`;
  let daemon: ChildProcess;
  let log = '';
  let token = '';
  let hooks: Server;
  let webhookPort = 0;
  const posts: Notification[] = [];
  const api = (path: string, init: RequestInit = {}) =>
    fetch(base + path, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
  const json = async <T>(path: string) => (await (await api(path)).json()) as T;
  const runs = (query: string) => json<Run[]>(`/api/runs?${query}`);
  const stowage = (args: string[]) => stowageIn(s.dataDir, args);
  const successes = async (query: string) => (await runs(query)).filter((r) => r.result === 'success');

  const config = (webhookPort: number, fast: boolean) =>
    [
      'schedules:',
      ...(fast
        ? [
            '  - name: labelled',
            '    cron: "*/3 * * * * *"',
            `    label: stowage.test-sched=${s.id}`,
            '    keep: last:2',
            '  - name: broken',
            '    cron: "*/3 * * * * *"',
            `    volumes: [${missing}]`,
          ]
        : []),
      '  - name: yearly',
      '    cron: "0 0 1 1 *"',
      `    volumes: [${C}]`,
      'notify:',
      `  webhook: http://127.0.0.1:${webhookPort}/hook/secret`,
      '',
    ].join('\n');

  before(async () => {
    hooks = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (request.method === 'POST' && request.url === '/hook/secret')
          posts.push(JSON.parse(body) as Notification);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
    webhookPort = (hooks.address() as AddressInfo).port;

    s.volume(A, '--label', `stowage.test-sched=${s.id}`);
    s.volume(B, '--label', 'stowage.backup.schedule=*/3 * * * * *', '--label', 'stowage.backup.keep=last:3');
    s.volume(C);
    for (const v of [A, B, C]) fillVolume(v, `echo "data of ${v}" > /d/file`);
    writeFileSync(join(s.dataDir, 'config.yaml'), config(webhookPort, true));
    // The yearly schedule last fired long ago, as if the daemon had been down since: it must catch up once.
    const catalog = openCatalog(s.dataDir);
    const engineKey = s.json<{ engine: { id: string } }>(['info']).engine.id;
    catalog.runs.recordFire('yearly', engineKey, new Date('2020-01-01T00:00:00Z'));
    catalog.close();

    daemon = spawn(
      process.execPath,
      [join(root, 'src/cli/bin.ts'), '--data-dir', s.dataDir, 'daemon', '--listen', `127.0.0.1:${port}`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    daemon.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    await until('the daemon to listen', () => (log.includes('listening on') ? true : undefined), 20_000);
    token = s.stowage(['token']).stdout.trim();
  });

  after(async () => {
    daemon.kill('SIGKILL');
    await new Promise<void>((resolve) => hooks.close(() => resolve()));
    s.cleanup();
  });

  test('catch-up: a schedule whose last fire is long past runs once right after start', async () => {
    const caught = await until('the catch-up run', async () => {
      const found = await runs('schedule=yearly');
      return found.some((r) => r.result !== null) ? found : undefined;
    });
    assert.deepEqual(
      caught.map((r) => [r.trigger, r.volume, r.result]),
      [['catch-up', C, 'success']],
    );
    assert.match(log, /schedule yearly: missed a fire since 2020-01-01T00:00:00\.000Z; running once now/);
    await sleep(3500);
    assert.equal((await runs('schedule=yearly')).length, 1, 'once, not once per missed year');
  });

  test('a schedule fires every few seconds on labelled volumes, each archive verified', async () => {
    const ofA = await until('a run of the label-selected volume', async () => {
      const found = await successes(`schedule=labelled&volume=${A}`);
      return found.length ? found : undefined;
    });
    assert.equal(ofA[0]?.trigger, 'schedule');
    await until('a run of the volume that opted in by label', async () => {
      const found = await successes(`schedule=volume:${B}`);
      return found.length ? found : undefined;
    });
    const backups = await json<Backup[]>(`/api/backups?volume=${A}`);
    assert.ok(
      backups.some((b) => b.id === ofA[0]?.backupId && b.verifyStatus === 'ok'),
      'verified: a good backup',
    );
  });

  test('a failing schedule notifies the webhook with the volume and the error', async () => {
    const post = await until('a POST for the broken schedule', () =>
      posts.find((p) => p.schedule === 'broken'),
    );
    assert.equal(post.event, 'failure');
    assert.equal(post.failed, 1);
    assert.equal(post.runs[0]?.volume, missing);
    assert.equal(post.runs[0]?.result, 'failed');
    assert.match(post.runs[0]?.error ?? '', /no such volume/);
    assert.ok(!posts.some((p) => p.event === 'success'), 'successes are not notified by default');
  });

  test('/healthz fails (503) while a schedule is late, naming it', async () => {
    // A 3-second schedule whose run (backup, verify, retention) takes longer on a busy machine can be late
    // for a moment too; what must hold is that the failing one is late while the succeeding one is not.
    const body = await until('/healthz to report only the failing schedule as late', async () => {
      const response = await fetch(`${base}/healthz`);
      const health = (await response.json()) as { ok: boolean; problems: string[] };
      const onlyBroken = !health.problems.some((p) => p.includes('labelled'));
      return response.status === 503 && onlyBroken ? health : undefined;
    });
    assert.equal(body.ok, false);
    assert.ok(body.problems.some((p) => p.startsWith('schedule broken is late: no successful run since')));
  });

  test('the API lists schedules and runs, and starts a run (202 + job)', async () => {
    const schedules =
      await json<{ name: string; source: string; nextFire: string; lastRun: Run | null }[]>('/api/schedules');
    assert.deepEqual(
      schedules.map((x) => [x.name, x.source]),
      [
        ['labelled', 'config'],
        ['broken', 'config'],
        ['yearly', 'config'],
        [`volume:${B}`, 'label'],
      ],
    );
    assert.ok(schedules.every((x) => Date.parse(x.nextFire) > Date.now() - 1000));
    assert.equal(schedules.find((x) => x.name === 'yearly')?.lastRun?.trigger, 'catch-up');
    const started = await api('/api/schedules/yearly/run', { method: 'POST' });
    assert.equal(started.status, 202);
    const job = (await started.json()) as { id: string; kind: string };
    assert.equal(job.kind, 'schedule');
    const done = await until('the job', async () => {
      const current = await json<{ state: string; error: unknown }>(`/api/jobs/${job.id}`);
      return current.state === 'running' ? undefined : current;
    });
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
    assert.equal((await api('/api/schedules/no-such-schedule/run', { method: 'POST' })).status, 404);
    assert.equal((await api('/api/runs?colour=red')).status, 400);
    const manual = await runs(`volume=${C}`);
    assert.deepEqual(
      manual.map((r) => r.trigger),
      ['manual', 'catch-up'],
    );
  });

  test('run-now works from the CLI, through the same code, and fails for a failing schedule', async () => {
    const ok = await stowage(['run-now', 'yearly']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`^VOLUME .*\\n${C} +success +#\\d+`));
    const bad = await stowage(['run-now', 'broken']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /run-now broken: 1 of 1 run failed/);
    assert.ok(
      posts.some((p) => p.schedule === 'broken' && p.trigger === 'manual'),
      'the CLI notifies the webhook too',
    );
    assert.equal((await stowage(['run-now', 'nope'])).status, 3);
    const recorded = s.json<Run[]>(['runs', '--volume', C]);
    assert.equal(recorded[0]?.trigger, 'manual');
    assert.equal(recorded[0]?.result, 'success');
  });

  test('retention keeps exactly what keep says after several runs; the newest archive restores', async () => {
    await until('four successful runs of each fast schedule', async () =>
      (await successes(`schedule=labelled&volume=${A}`)).length >= 4 &&
      (await successes(`schedule=volume:${B}`)).length >= 4
        ? true
        : undefined,
    );
    // Quiesce: the config loses its fast schedules (reloaded on change) and B, whose label schedules it,
    // is removed (refused while a backup's helper holds it).
    writeFileSync(join(s.dataDir, 'config.yaml'), config(webhookPort, false));
    await until('the reload', () => (log.includes('configuration reloaded') ? true : undefined), 10_000);
    await until(`${B} removed`, () => (docker('volume', 'rm', B).status === 0 ? true : undefined), 20_000);
    await until('no running job', async () =>
      (await json<{ state: string }[]>('/api/jobs')).every((j) => j.state !== 'running') ? true : undefined,
    );

    const keptA = s.json<Backup[]>(['backups', A]);
    const newestRuns = (await successes(`schedule=labelled&volume=${A}`)).slice(0, 2).map((r) => r.backupId);
    assert.deepEqual(
      keptA.map((b) => b.id),
      newestRuns,
      'last:2 keeps the two newest',
    );
    assert.ok(keptA.every((b) => b.verifyStatus === 'ok'));
    assert.equal(s.json<Backup[]>(['backups', B]).length, 3, 'the keep label of B: last:3');
    assert.ok(
      (await runs(`schedule=labelled&volume=${A}`)).some((r) => (r.removed ?? 0) > 0),
      'runs count removals',
    );

    const restored = `sched-restored-${s.id}`;
    const restore = s.stowage(['restore', String(keptA[0]!.id), '--to', restored]);
    assert.equal(restore.status, 0, restore.stderr);
    assert.equal(dockerOk('run', '--rm', '-v', `${restored}:/d:ro`, IMAGE, 'cat', '/d/file'), `data of ${A}`);
    dockerOk('volume', 'rm', restored);

    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200, 'no late schedule once the broken one is gone');
  });

  test('SIGTERM stops the daemon; `schedules` works without it', async () => {
    const exited = new Promise<number | null>((resolve) => daemon.on('exit', (code) => resolve(code)));
    daemon.kill('SIGTERM');
    assert.equal(await exited, 0);
    const listed = s.json<{ name: string; lastSuccess: string | null; lastRun: Run | null }[]>(['schedules']);
    assert.deepEqual(
      listed.map((x) => x.name),
      ['yearly'],
    );
    assert.notEqual(listed[0]?.lastSuccess, null);
    assert.equal(listed[0]?.lastRun?.trigger, 'manual');
  });
});
