/**
 * Volume history against real engines: the daemon's event recorder (run in-process, as the daemon runs it)
 * records what `docker run` does to volumes, ignores Stowage's own helpers, catches up with `since=` after
 * being stopped, and records a gap when the engine restarted meanwhile (on a second private engine: the
 * suite's engine is shared). Then what a user sees: `stowage history`, `inspect`, `prune --unused-for`, `cost`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import {
  buildBusyboxImage,
  startPrivateEngine,
  stopPrivateEngine,
  TEST_IMAGE,
  type PrivateEngine,
} from '../scripts/private-engine.ts';
import { openCatalog, type Catalog } from '../src/catalog/catalog.ts';
import type { Engine } from '../src/engine/contract.ts';
import { connectEngine } from '../src/engine/docker-engine.ts';
import { startEventRecorder, type RunningRecorder } from '../src/history/event-recorder.ts';
import type { VolumeHistoryReport } from '../src/history/history-report.ts';
import type { CostEstimate } from '../src/lifecycle/cost-estimate.ts';
import type { PrunePlan } from '../src/lifecycle/prune-plan.ts';
import {
  dockerOk,
  engineAvailable,
  IMAGE,
  SKIP_REASON,
  TestSession,
  volumeAt,
  type Result,
} from './support/engine.ts';
import { restartEngine } from './support/restartable-engine.ts';

const root = join(import.meta.dirname, '..');

/** The CLI against any engine and data folder (TestSession's is bound to the suite's engine and its folder). */
function stowage(args: string[], options: { dataDir: string; host?: string }): Result {
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'src/cli/bin.ts'),
      '--data-dir',
      options.dataDir,
      ...(options.host ? ['--host', options.host] : []),
      ...args,
    ],
    { encoding: 'utf8', env: process.env },
  );
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

function json<T>(args: string[], options: { dataDir: string; host?: string }): T {
  const result = stowage([...args, '--json'], options);
  if (result.status !== 0)
    throw new Error(`stowage ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

async function until(condition: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

function record(engine: Engine, catalog: Catalog, logs: string[]): RunningRecorder {
  return startEventRecorder({
    engine,
    catalog,
    log: (line) => logs.push(line),
    retryMs: 50,
    heartbeatMs: 200,
  });
}

describe('volume history on the private engine', { skip: !engineAvailable() && SKIP_REASON }, () => {
  const s = new TestSession();
  const logs: string[] = [];
  let engine: Engine;
  let catalog: Catalog;
  let recorder: RunningRecorder;
  let engineId = '';
  const at = { dataDir: s.dataDir };
  const history = (volume: string) => json<VolumeHistoryReport>(['history', volume], at);
  const rows = (volume: string) => catalog.history.events(engineId, volume);

  before(async () => {
    engine = connectEngine();
    engineId = (await engine.info()).id;
    // The recorder and the CLI share the data folder, as the daemon and the CLI do.
    catalog = openCatalog(s.dataDir);
    recorder = record(engine, catalog, logs);
    await recorder.live();
  });

  after(async () => {
    await recorder.stop();
    engine.close();
    catalog.close();
    s.cleanup();
  });

  test('docker run with a volume: created, mounted and unmounted by that container and image', async () => {
    const volume = s.volume(`hist-${s.id}`);
    dockerOk(
      'run',
      '--rm',
      '--name',
      `writer-${s.id}`,
      '--label',
      s.label,
      '-v',
      `${volume}:/data:ro`,
      IMAGE,
      'true',
    );
    await until(() => rows(volume).some((e) => e.action === 'unmount'), 'the unmount');
    const report = history(volume);
    assert.deepEqual(
      report.events.map((e) => [e.action, e.containerName, e.image, e.destination, e.readOnly, e.source]),
      [
        ['create', null, null, null, null, 'event'],
        ['mount', `writer-${s.id}`, IMAGE, '/data', true, 'event'],
        ['unmount', `writer-${s.id}`, IMAGE, null, null, 'event'],
      ],
    );
    assert.equal(report.exists, true);
    assert.equal(report.lastUsedAt, report.events[2]!.at);
    assert.equal(report.certainty, 'known');
    assert.equal(report.inUse, false);
    assert.deepEqual(report.gaps, []);
    assert.equal(report.recording?.active, true);
    const text = stowage(['history', volume], at);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`mount\\s+writer-${s.id}\\s+${IMAGE}\\s+/data \\(ro\\)`));
    assert.match(text.stdout, /^Unused for: {2}\d+ seconds?$/m);
  });

  test('a running container is in use; its stop is the last use', async () => {
    const volume = s.volume(`svc-${s.id}`);
    s.container(`svc-${s.id}`, ['-v', `${volume}:/srv`]);
    await until(() => rows(volume).some((e) => e.action === 'mount'), 'the mount');
    assert.equal(history(volume).inUse, true);
    dockerOk('stop', '-t', '0', `svc-${s.id}`);
    await until(() => rows(volume).some((e) => e.action === 'unmount'), 'the unmount');
    const report = history(volume);
    assert.equal(report.inUse, false);
    assert.equal(report.lastUsedAt, report.events.at(-1)!.at);
  });

  test("Stowage's helpers are not users: a backup leaves the history as it was", async () => {
    const volume = s.volume(`backed-${s.id}`);
    await until(() => rows(volume).length > 0, 'the create');
    const before = history(volume).events.length;
    const backup = s.stowage(['backup', volume, '--to', join(s.dataDir, 'archives')]);
    assert.equal(backup.status, 0, `${backup.stdout}\n${backup.stderr}`);
    // Events are handled in order: once a later one is in, the helper's were handled too.
    const marker = s.volume(`marker-${s.id}`);
    await until(() => rows(marker).length > 0, 'a later event');
    assert.equal(history(volume).events.length, before);
    assert.deepEqual(
      history(volume).events.map((e) => e.action),
      ['create'],
    );
  });

  test('an anonymous volume: inspect names the container and path that made it, after that container is gone', async () => {
    s.container(`maker-${s.id}`, ['-v', '/var/lib/app'], ['true']);
    dockerOk('wait', `maker-${s.id}`);
    const volume = volumeAt(`maker-${s.id}`, '/var/lib/app');
    dockerOk('rm', `maker-${s.id}`); // without -v: the volume stays, an orphan
    try {
      await until(() => catalog.history.summary(engineId, volume)?.firstUser != null, 'the first user');
      const [details] = json<{ createdBy: unknown }[]>(['inspect', volume], at);
      assert.deepEqual(details!.createdBy, {
        containerId: catalog.history.summary(engineId, volume)!.firstUser!.containerId,
        containerName: `maker-${s.id}`,
        image: IMAGE,
        path: '/var/lib/app',
        recorded: true,
      });
      assert.match(
        stowage(['inspect', volume], at).stdout,
        /Created by: {2}maker-\S+ \(image .+\) at \/var\/lib\/app \(recorded/,
      );
      // Without the daemon's catalog, as before: unknown.
      const elsewhere = mkdtempSync(join(tmpdir(), 'stowage-data-'));
      try {
        assert.equal(
          json<{ createdBy: unknown }[]>(['inspect', volume], { dataDir: elsewhere })[0]!.createdBy,
          'unknown',
        );
      } finally {
        rmSync(elsewhere, { recursive: true, force: true });
      }
    } finally {
      dockerOk('volume', 'rm', volume);
    }
  });

  test('events while the recorder is stopped are caught up with since= when it starts again', async () => {
    await recorder.stop();
    const stoppedAt = Date.now();
    const volume = s.volume(`while-down-${s.id}`);
    dockerOk(
      'run',
      '--rm',
      '--name',
      `down-${s.id}`,
      '--label',
      s.label,
      '-v',
      `${volume}:/data`,
      IMAGE,
      'true',
    );
    recorder = record(engine, catalog, logs);
    await recorder.live();
    await until(() => rows(volume).some((e) => e.action === 'unmount'), 'the replayed unmount');
    const events = rows(volume);
    assert.deepEqual(
      events.map((e) => [e.action, e.source]),
      [
        ['create', 'event'],
        ['mount', 'event'],
        ['unmount', 'event'],
      ],
    );
    assert.equal(events[1]!.containerName, `down-${s.id}`);
    assert.ok(Date.parse(events[0]!.at) >= stoppedAt - 1000, 'as they happened, not when seen');
    assert.deepEqual(catalog.history.gaps(engineId), []);
  });

  test('prune --unused-for: from the history, or from the creation time where there is none, saying so', async () => {
    const anonymous = s.volume('a1b2'.repeat(16));
    const named = s.volume(`idle-${s.id}`);
    const recent = s.volume(`recent-${s.id}`);
    await until(() => rows(recent).length > 0, 'the volumes');
    await sleep(2100);
    dockerOk('run', '--rm', '--label', s.label, '-v', `${recent}:/d`, IMAGE, 'true');
    await until(() => rows(recent).some((e) => e.action === 'unmount'), 'the recent use');

    const args = ['prune', '--all', '--unused-for', '2s', '--filter', `label=${s.label}`];
    const plan = json<PrunePlan & { dryRun: boolean }>(args, at);
    const removed = new Map(plan.remove.map((c) => [c.name, c]));
    assert.equal(removed.get(anonymous)?.unused?.basis, 'history');
    assert.equal(removed.get(anonymous)?.unused?.certainty, 'known');
    assert.ok(removed.has(named));
    assert.deepEqual(
      plan.skipped.find((v) => v.name === recent),
      {
        name: recent,
        reason: 'used recently',
        detail: `last used ${rows(recent).at(-1)!.at}, less than 2s ago`,
      },
    );
    const text = stowage(args, at);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stderr, new RegExp(`Kept: ${recent} \\(used recently: last used`));
    assert.match(text.stdout, /UNUSED FOR/);

    // Another data folder has no history: creation times stand in, and the plan says so.
    const elsewhere = mkdtempSync(join(tmpdir(), 'stowage-data-'));
    try {
      const fallback = json<PrunePlan>(args, { dataDir: elsewhere });
      const candidate = fallback.remove.find((c) => c.name === recent);
      assert.equal(
        candidate?.unused?.basis,
        'creation',
        'recently used, but nothing says so without history',
      );
      assert.equal(candidate?.unused?.note, 'no history of its use: counted from its creation');
      assert.match(
        stowage(args, { dataDir: elsewhere }).stderr,
        /No recorded history for \d+ volumes?: their creation time stands in/,
      );
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
    // Nothing was removed: the plan is a dry run.
    assert.ok(dockerOk('volume', 'ls', '-q').split('\n').includes(anonymous));
  });

  test('cost: orphaned, dangling and idle volumes at a price per GB-month, per volume and in total', async () => {
    const orphan = s.volume('c0de'.repeat(16));
    const dangling = s.volume(`dangling-${s.id}`);
    const idle = s.volume(`stopped-user-${s.id}`);
    const inUse = s.volume(`in-use-${s.id}`);
    const fill = (volume: string, kb: number) =>
      dockerOk(
        'run',
        '--rm',
        '--label',
        s.label,
        '-v',
        `${volume}:/d`,
        IMAGE,
        'sh',
        '-c',
        `head -c ${kb * 1000} /dev/zero > /d/f`,
      );
    fill(orphan, 300);
    fill(dangling, 200);
    fill(idle, 100);
    s.container(`idle-user-${s.id}`, ['-v', `${idle}:/d`], ['true'], false);
    s.container(`busy-${s.id}`, ['-v', `${inUse}:/d`]);
    for (const volume of [orphan, dangling, idle]) {
      await until(() => rows(volume).some((e) => e.action === 'unmount'), `the use of ${volume}`);
    }

    const estimate = json<CostEstimate>(
      ['cost', '--price-per-gb-month', '0.10', '--filter', `label=${s.label}`],
      at,
    );
    assert.equal(estimate.pricePerGbMonth, 0.1);
    const line = (name: string) => estimate.volumes.find((v) => v.name === name);
    assert.deepEqual(
      [orphan, dangling, idle].map((name) => [line(name)?.category, line(name)?.sizeBytes]),
      [
        ['orphan', 300_000],
        ['dangling', 200_000],
        ['idle', 100_000],
      ],
    );
    assert.equal(line(inUse), undefined, 'a volume in use costs nothing extra');
    assert.ok(Math.abs(line(orphan)!.monthlyCost! - 0.00003) < 1e-12);
    const counted = estimate.volumes.reduce((sum, v) => sum + (v.monthlyCost ?? 0), 0);
    assert.ok(Math.abs(estimate.total.monthlyCost - counted) < 1e-12);
    assert.equal(estimate.total.volumes, estimate.volumes.length);
    assert.equal(line(orphan)!.certainty, 'known', "the history's idle time is given");

    const text = stowage(['cost', '--price-per-gb-month', '0.10', '--filter', `label=${s.label}`], at);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^VOLUME\s+CATEGORY\s+SIZE\s+UNUSED FOR\s+COST\/MONTH$/m);
    // An anonymous name is shortened in tables (`--no-trunc` for the full name).
    assert.match(text.stdout, new RegExp(`^c0de…c0de\\s+orphan\\s+300kB\\s+.+<0\\.01$`, 'm'));
    assert.match(
      text.stdout,
      /^Total: <0\.01 per month for \S+ in \d+ volumes? at 0\.10 per GB-month: orphan/m,
    );
    const bad = stowage(['cost', '--price-per-gb-month', 'ten'], at);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /invalid --price-per-gb-month "ten"/);
  });

  test('history of a volume nobody knows: exit 3', () => {
    const result = stowage(['history', `never-${s.id}`], at);
    assert.equal(result.status, 3);
    assert.match(
      result.stderr,
      new RegExp(`history "never-${s.id}": no such volume, and no recorded history of one`),
    );
  });
});

describe(
  'volume history across an engine restart (a second private engine)',
  { skip: !engineAvailable() && SKIP_REASON },
  () => {
    let second: PrivateEngine;
    let engine: Engine;
    let catalog: Catalog;
    let recorder: RunningRecorder | undefined;
    const logs: string[] = [];
    const dataDir = mkdtempSync(join(tmpdir(), 'stowage-data-'));
    const docker = (...args: string[]) => dockerOk('-H', second.host, ...args);

    before(async () => {
      second = await startPrivateEngine();
      buildBusyboxImage(second.env, TEST_IMAGE);
      engine = connectEngine({ host: second.host });
      catalog = openCatalog(dataDir);
    });

    after(async () => {
      await recorder?.stop();
      engine?.close();
      catalog?.close();
      if (second) await stopPrivateEngine(second.dir);
      rmSync(dataDir, { recursive: true, force: true });
    });

    test('the restart is a gap; a volume idle across it is unknown, never idle', async () => {
      const { id: engineId } = await engine.info();
      recorder = record(engine, catalog, logs);
      await recorder.live();
      docker('volume', 'create', 'quiet');
      docker('run', '--rm', '-v', 'quiet:/d', TEST_IMAGE, 'true');
      await until(
        () => catalog.history.events(engineId, 'quiet').some((e) => e.action === 'unmount'),
        'the unmount',
      );
      await sleep(5000); // idle for a while before the restart
      await recorder.stop();
      const stoppedAt = Date.now();

      docker('run', '--rm', '-v', 'quiet:/d', TEST_IMAGE, 'true'); // used while nobody records...
      second = await restartEngine(second); // ...and forgotten by the engine
      assert.equal((await engine.info()).id, engineId, 'an engine keeps its ID across a restart');

      recorder = record(engine, catalog, logs);
      await recorder.live();
      const host = { dataDir, host: second.host };
      const report = json<VolumeHistoryReport>(['history', 'quiet'], host);
      // Run at once after the restart (before 4 s pass since the gap ended): the gap decides.
      const plan = json<PrunePlan>(['prune', '--all', '--unused-for', '4s'], host);

      const gaps = catalog.history.gaps(engineId);
      assert.equal(gaps.length, 1);
      assert.match(
        gaps[0]!.reason,
        /^Stowage was not recording; the engine restarted meanwhile and kept none of its earlier events$/,
      );
      assert.ok(
        Date.parse(gaps[0]!.startsAt) <= stoppedAt && Date.parse(gaps[0]!.startsAt) >= stoppedAt - 1000,
      );
      assert.ok(logs.some((line) => line.includes('gap from')));

      assert.equal(report.certainty, 'unknown');
      assert.deepEqual(
        report.gaps.map((g) => g.reason),
        [gaps[0]!.reason],
      );
      assert.equal(
        report.events.filter((e) => e.action === 'mount').length,
        1,
        'the forgotten use is not invented',
      );
      const skipped = plan.skipped.find((v) => v.name === 'quiet');
      assert.equal(skipped?.reason, 'idle time unknown');
      assert.match(skipped?.detail ?? '', /but the history has a gap within the last 4s/);
      const text = stowage(['history', 'quiet'], host);
      assert.match(text.stdout, /Unused for: {2}at least .+; before that unknown/);
      assert.match(
        text.stdout,
        /Gaps \(stretches the daemon did not see\):\n {2}\S+ to \S+: Stowage was not recording; the engine restarted/,
      );

      // Once the last 4 s are all seen, the volume is known unused for 4 s: the gap is older than that.
      await sleep(4500);
      const later = json<PrunePlan>(['prune', '--all', '--unused-for', '4s'], host);
      const candidate = later.remove.find((c) => c.name === 'quiet');
      assert.equal(candidate?.unused?.basis, 'history');
      assert.equal(candidate?.unused?.certainty, 'unknown');
      assert.match(candidate?.unused?.note ?? '', /^unused for at least \d+s; before that, unknown$/);
    });
  },
);
