import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openCatalog } from './catalog.ts';

const base = mkdtempSync(join(tmpdir(), 'stowage-runs-'));
after(() => rmSync(base, { recursive: true, force: true }));
let folders = 0;
const fresh = () => openCatalog(join(base, `data-${++folders}`));

describe('RunStore: runs', () => {
  test('a run is recorded when it starts and completed when it finishes', () => {
    const catalog = fresh();
    const id = catalog.runs.start({
      schedule: 'nightly',
      volume: 'pg-data',
      engineId: 'E1',
      trigger: 'schedule',
      owner: 'host:1',
    });
    const running = catalog.runs.get(id)!;
    assert.equal(running.finishedAt, null);
    assert.equal(running.result, null);
    assert.ok(Date.parse(running.startedAt) <= Date.now());
    catalog.runs.finish(id, { result: 'success', bytes: 1234, backupId: 7, removed: 2 });
    const done = catalog.runs.get(id)!;
    assert.deepEqual(
      { ...done, startedAt: undefined, finishedAt: typeof done.finishedAt },
      {
        id,
        schedule: 'nightly',
        volume: 'pg-data',
        engineId: 'E1',
        trigger: 'schedule',
        owner: 'host:1',
        startedAt: undefined,
        finishedAt: 'string',
        bytes: 1234,
        result: 'success',
        error: null,
        backupId: 7,
        removed: 2,
      },
    );
    catalog.runs.finish(id, { result: 'failed', error: 'late' });
    assert.equal(catalog.runs.get(id)!.result, 'success', 'a finished run is never rewritten');
    catalog.close();
  });

  test('list: newest first, by schedule, by volume, limited', () => {
    const catalog = fresh();
    const add = (schedule: string, volume: string | null, startedAt: string) =>
      catalog.runs.start({ schedule, volume, engineId: 'E', trigger: 'manual', owner: 'h:1', startedAt });
    const a = add('nightly', 'pg-data', '2026-01-01T00:00:00.000Z');
    const b = add('nightly', 'uploads', '2026-01-02T00:00:00.000Z');
    const c = add('hourly', 'pg-data', '2026-01-03T00:00:00.000Z');
    const d = add('hourly', null, '2026-01-04T00:00:00.000Z');
    const ids = (runs: { id: number }[]) => runs.map((r) => r.id);
    assert.deepEqual(ids(catalog.runs.list()), [d, c, b, a]);
    assert.deepEqual(ids(catalog.runs.list({ schedule: 'nightly' })), [b, a]);
    assert.deepEqual(ids(catalog.runs.list({ volume: 'pg-data' })), [c, a]);
    assert.deepEqual(ids(catalog.runs.list({ schedule: 'hourly', volume: 'pg-data' })), [c]);
    assert.deepEqual(ids(catalog.runs.list({ limit: 2 })), [d, c]);
    assert.deepEqual(ids(catalog.runs.list({ schedule: "x' OR '1'='1" })), []);
    catalog.close();
  });

  test('unfinished runs of a dead process are marked failed; live ones are left alone', () => {
    const catalog = fresh();
    const start = (owner: string) =>
      catalog.runs.start({ schedule: 's', volume: 'v', engineId: 'E', trigger: 'schedule', owner });
    const dead = start('host:111');
    const alive = start('host:222');
    const finished = start('host:111');
    catalog.runs.finish(finished, { result: 'success' });
    assert.equal(
      catalog.runs.failAbandoned((owner) => owner === 'host:222'),
      1,
    );
    assert.equal(catalog.runs.get(dead)!.result, 'failed');
    assert.match(
      catalog.runs.get(dead)!.error!,
      /^the process running it \(host:111\) ended before it finished/,
    );
    assert.equal(catalog.runs.get(alive)!.result, null);
    assert.equal(catalog.runs.get(finished)!.result, 'success');
    assert.equal(
      catalog.runs.failAbandoned(() => true),
      0,
    );
    catalog.close();
  });
});

describe('RunStore: schedule state', () => {
  test('first seen is kept, fires and successes are recorded', () => {
    const catalog = fresh();
    const seen = catalog.runs.ensureState('nightly', 'e1', new Date('2026-01-01T00:00:00Z'));
    assert.deepEqual(seen, {
      schedule: 'nightly',
      firstSeen: '2026-01-01T00:00:00.000Z',
      lastFire: null,
      lastSuccess: null,
    });
    catalog.runs.ensureState('nightly', 'e1', new Date('2026-02-01T00:00:00Z'));
    catalog.runs.recordFire('nightly', 'e1', new Date('2026-01-02T00:00:00Z'));
    catalog.runs.recordSuccess('nightly', 'e1', new Date('2026-01-02T00:00:00Z'));
    catalog.runs.recordSuccess('nightly', 'e1', new Date('2026-01-01T12:00:00Z')); // an older run finishing late
    assert.deepEqual(catalog.runs.state('nightly', 'e1'), {
      schedule: 'nightly',
      firstSeen: '2026-01-01T00:00:00.000Z',
      lastFire: '2026-01-02T00:00:00.000Z',
      lastSuccess: '2026-01-02T00:00:00.000Z',
    });
    catalog.runs.recordFire('other', 'e1', new Date('2026-03-01T00:00:00Z'));
    assert.deepEqual([...catalog.runs.states('e1').keys()].sort(), ['nightly', 'other']);
    assert.equal(catalog.runs.state('absent', 'e1'), undefined);
    // Another engine's state of the same schedule is its own.
    assert.equal(catalog.runs.state('nightly', 'e2'), undefined);
    catalog.runs.recordFire('nightly', 'e2', new Date('2026-04-01T00:00:00Z'));
    assert.equal(catalog.runs.state('nightly', 'e1')!.lastFire, '2026-01-02T00:00:00.000Z');
    catalog.close();
  });
});
