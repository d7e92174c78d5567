import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import { openCatalog, type Catalog } from '../catalog/catalog.ts';
import { recordedCreator } from '../inventory/volume-details.ts';
import { startEventRecorder, type RunningRecorder } from './event-recorder.ts';
import { volumeHistoryReport } from './history-report.ts';
import { FakeEngine } from './testing/fake-engine.ts';
import { idleStates } from './volume-history.ts';

const base = mkdtempSync(join(tmpdir(), 'stowage-recorder-'));
after(() => rmSync(base, { recursive: true, force: true }));
let folders = 0;

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('EventRecorder', () => {
  let fake: FakeEngine;
  let catalog: Catalog;
  let recorder: RunningRecorder | undefined;
  let logs: string[];
  const start = async () => {
    recorder = startEventRecorder({
      engine: fake.engine,
      catalog,
      log: (line) => logs.push(line),
      retryMs: 5,
      heartbeatMs: 20,
    });
    await recorder.live();
  };
  const stop = async () => {
    await recorder?.stop();
    recorder = undefined;
  };
  const events = (volume: string) => catalog.history.events(fake.id, volume);
  const actions = (volume: string) =>
    events(volume).map((e) => `${e.action}${e.source === 'reconcile' ? '*' : ''}`);
  const gaps = () => catalog.history.gaps(fake.id);

  beforeEach(() => {
    fake = new FakeEngine();
    catalog = openCatalog(join(base, `data-${++folders}`));
    logs = [];
  });
  afterEach(async () => {
    await stop();
    catalog.close();
  });

  test('records create, mount and unmount with the container, image and path, live', async () => {
    await start();
    fake.runRm('web', [['pg-data', '/var/lib/postgresql/data']], { image: 'postgres:16' });
    await until(() => actions('pg-data').length === 3, 'three events');
    const [create, mount, unmount] = events('pg-data');
    assert.equal(create!.action, 'create');
    assert.deepEqual(
      [mount!.action, mount!.containerName, mount!.image, mount!.destination, mount!.readOnly, mount!.source],
      ['mount', 'web', 'postgres:16', '/var/lib/postgresql/data', false, 'event'],
    );
    assert.deepEqual([unmount!.action, unmount!.containerName], ['unmount', 'web']);
    const summary = catalog.history.summary(fake.id, 'pg-data')!;
    assert.equal(summary.lastMountedAt, mount!.at);
    assert.deepEqual(gaps(), []);
  });

  test("a helper's mounts are never a use", async () => {
    await start();
    fake.createVolume('data');
    fake.helperRead('data');
    fake.runRm('user', [['other', '/x']]); // something after, to know the helper's events were handled
    await until(() => actions('other').length === 3, 'the later events');
    assert.deepEqual(actions('data'), ['create']);
    assert.equal(catalog.history.summary(fake.id, 'data')!.lastMountedAt, null);
  });

  test('a helper whose create event was missed is found out at its destroy, and its rows go', async () => {
    fake.createVolume('data');
    const id = fake.createContainer('h', [['data', '/v']], { labels: { 'stowage.helper': 'restore' } });
    const helper = fake.containers.get(id)!;
    fake.containers.delete(id); // gone before the recorder could look it up
    fake.restart(); // and the engine no longer has its create event
    await start();
    fake.emit('volume', 'mount', 'data', { container: id, destination: '/v', 'read/write': 'true' });
    await until(() => actions('data').includes('mount'), 'the mount of an unknown container');
    assert.equal(events('data').at(-1)!.containerName, null);
    fake.emit('container', 'destroy', id, { ...helper.labels, image: helper.image, name: helper.name });
    await until(() => !actions('data').includes('mount'), "the helper's rows to go");
  });

  test('a container gone before it could be looked up is named by its destroy event', async () => {
    await start();
    fake.createVolume('v');
    await until(() => actions('v').length === 1, 'the create');
    const id = 'f'.repeat(64);
    fake.emit('volume', 'mount', 'v', { container: id, destination: '/d', 'read/write': 'true' });
    fake.emit('volume', 'unmount', 'v', { container: id });
    fake.emit('container', 'destroy', id, { name: 'short-lived', image: 'alpine' });
    await until(
      () =>
        events('v').length === 3 &&
        events('v').every((e) => e.action === 'create' || e.containerName === 'short-lived'),
      'names',
    );
    assert.deepEqual(
      events('v')
        .slice(1)
        .map((e) => [e.containerName, e.image]),
      [
        ['short-lived', 'alpine'],
        ['short-lived', 'alpine'],
      ],
    );
  });

  test('"create" for a volume that exists is not a new volume', async () => {
    await start();
    fake.createVolume('shared');
    fake.runRm('one', [['shared', '/a']]);
    fake.runRm('two', [['shared', '/b']]); // the engine emits "create" again for each
    await until(() => actions('shared').length === 5, 'five events');
    assert.deepEqual(actions('shared'), ['create', 'mount', 'unmount', 'mount', 'unmount']);
  });

  test('an anonymous volume keeps the container and path that made it, after that container is gone', async () => {
    await start();
    const anonymous = 'a'.repeat(64);
    const id = fake.createContainer('maker', [[anonymous, '/var/lib/data']], {
      image: 'postgres:16',
      declared: ['/var/lib/data'],
    });
    fake.start(id);
    fake.stop(id);
    fake.removeContainer(id);
    fake.runRm('borrower', [[anonymous, '/import']]);
    await until(() => actions(anonymous).length === 5, 'the events');
    assert.deepEqual(catalog.history.summary(fake.id, anonymous)!.firstUser, {
      containerId: id,
      containerName: 'maker',
      image: 'postgres:16',
      destination: '/var/lib/data',
    });
    assert.deepEqual(
      await recordedCreator(fake.engine, catalog, anonymous, fake.volumes.get(anonymous)!.createdAt),
      {
        containerId: id,
        containerName: 'maker',
        image: 'postgres:16',
        path: '/var/lib/data',
        recorded: true,
      },
    );
  });

  test('an anonymous volume found (not seen created) gets its creator from the engine while it exists', async () => {
    const anonymous = 'b'.repeat(64);
    fake.createContainer('late-maker', [[anonymous, '/data']], { declared: ['/data'] });
    fake.restart(); // nothing of it left in the buffer
    await start();
    assert.equal(catalog.history.summary(fake.id, anonymous)!.firstUser?.containerName, 'late-maker');
  });

  test('events while the recorder was stopped are caught up with since=, without a gap', async () => {
    await start();
    fake.runRm('first', [['before', '/d']]);
    await until(() => actions('before').length === 3, 'the first run');
    await stop();
    fake.runRm('while-down', [['during', '/d']]);
    await start();
    await until(() => actions('during').length === 3, 'the replayed events');
    assert.deepEqual(actions('during'), ['create', 'mount', 'unmount']);
    assert.equal(events('during')[1]!.containerName, 'while-down');
    assert.deepEqual(
      events('during').map((e) => e.source),
      ['event', 'event', 'event'],
    );
    assert.deepEqual(gaps(), []);
    assert.deepEqual(actions('before'), ['create', 'mount', 'unmount'], 'nothing recorded twice');
  });

  test('an engine restart while the recorder was stopped is a gap; a volume idle across it is unknown', async () => {
    await start();
    fake.runRm('user', [['quiet', '/d']]);
    await until(() => actions('quiet').length === 3, 'the run');
    await stop();
    fake.runRm('lost', [['quiet', '/d']]); // happens, then the engine forgets it
    fake.restart();
    await start();
    const [gap] = gaps();
    assert.ok(gap);
    assert.match(gap.reason, /^Stowage was not recording; the engine restarted meanwhile/);
    assert.deepEqual(actions('quiet'), ['create', 'mount', 'unmount'], 'the lost run is not invented');
    const [state] = idleStates(
      { store: catalog.history, engineId: fake.id },
      [{ name: 'quiet', createdAt: undefined }],
      new Date(),
    ).values();
    assert.equal(state!.certainty, 'unknown');
    assert.equal(state!.gap!.reason, gap.reason);
    const report = await volumeHistoryReport(catalog, fake.engine, 'quiet');
    assert.deepEqual(
      report.gaps.map((g) => g.reason),
      [gap.reason],
    );
    assert.equal(report.certainty, 'unknown');
  });

  test('more than 256 events while stopped: a gap that ends at the oldest event the engine kept', async () => {
    await start();
    fake.createVolume('busy');
    await until(() => actions('busy').length === 1, 'the create');
    await stop();
    for (let i = 0; i < 300; i++) fake.emit('container', `exec_start: check ${i}`, 'x');
    await start();
    const [gap] = gaps();
    assert.ok(gap);
    assert.match(gap.reason, /more than 256 engine events happened meanwhile/);
  });

  test('the engine restarting under a running recorder: reconnects, records the gap, reconciles', async () => {
    fake.createVolume('kept');
    const id = fake.createContainer('svc', [['kept', '/d']]);
    fake.start(id);
    await start();
    assert.deepEqual(actions('kept'), ['create', 'mount'], 'the buffer replayed at first start');
    fake.up = false;
    fake.restart();
    fake.stop(id); // while it is down and not buffered for anyone
    fake.restart();
    fake.createVolume('new-while-down');
    fake.restart();
    fake.up = true;
    await until(() => gaps().length === 1, 'the gap');
    await recorder!.live();
    assert.match(gaps()[0]!.reason, /^the connection to the engine was lost; the engine restarted/);
    assert.deepEqual(actions('kept'), ['create', 'mount', 'unmount*'], 'the stop inferred');
    assert.deepEqual(catalog.history.summary(fake.id, 'new-while-down')?.volume, 'new-while-down');
    assert.ok(logs.some((line) => line.includes('reconciled with the engine')));
  });

  test('reconcile at first start: a running container counts as mounted now', async () => {
    fake.createVolume('db');
    const id = fake.createContainer('postgres', [['db', '/data']]);
    fake.start(id);
    fake.restart();
    await start();
    assert.deepEqual(actions('db'), ['mount*']);
    const [state] = idleStates(
      { store: catalog.history, engineId: fake.id },
      [{ name: 'db', createdAt: undefined }],
      new Date(),
    ).values();
    assert.equal(state!.inUse, true);
  });

  test('a volume removed unseen is recorded as destroyed when the recorder reconnects', async () => {
    fake.createVolume('doomed');
    await start();
    await stop();
    fake.removeVolume('doomed');
    fake.restart();
    await start();
    assert.deepEqual(actions('doomed'), ['create', 'destroy*']);
    assert.notEqual(catalog.history.summary(fake.id, 'doomed')!.destroyedAt, null);
  });

  test('an unreachable engine is retried, said once, and stop() still returns', async () => {
    fake.up = false;
    recorder = startEventRecorder({
      engine: fake.engine,
      catalog,
      log: (line) => logs.push(line),
      retryMs: 5,
      maxRetryMs: 10,
    });
    await sleep(100);
    assert.equal(logs.filter((line) => line.includes('cannot follow')).length, 1);
    fake.up = true;
    await recorder.live();
    await stop();
    assert.ok(catalog.history.coverage(fake.id));
  });

  test('coverage reaches the moment it stopped', async () => {
    await start();
    await sleep(60);
    const before = Date.now();
    await stop();
    const coverage = catalog.history.coverage(fake.id)!;
    assert.ok(Date.parse(coverage.latest.endedAt) >= before - 1);
    assert.equal(coverage.first.id, coverage.latest.id);
  });
});
