/**
 * The daemon's event recorder against real engines, test by test what it records into the history: live
 * events, Stowage's helpers ignored, containers gone before they could be looked up, catch-up with `since=`
 * after a stop, gaps (an engine restart, more than 256 events meanwhile, a lost connection), reconciliation,
 * and an engine that is not there yet. The events are made with the docker CLI. What needs the engine to
 * forget its events (a restart) happens on a second private engine: the suite's engine is shared; what
 * needs the engine's 256-event buffer to overflow is done with one container of many anonymous volumes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
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
import { volumeHistoryReport } from '../src/history/history-report.ts';
import { idleStates } from '../src/history/volume-history.ts';
import { recordedCreator } from '../src/inventory/volume-details.ts';
import { dockerOk, engineAvailable, IMAGE, SKIP_REASON, TestSession, volumeAt } from './support/engine.ts';
import { restartEngine, stopKeepingData } from './support/restartable-engine.ts';

const base = mkdtempSync(join(tmpdir(), 'stowage-recorder-'));
after(() => rmSync(base, { recursive: true, force: true }));
let folders = 0;

async function until(condition: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * Checks `condition` between every two steps of the event loop (each of the recorder's engine calls is one),
 * so a state the recorder passes through on its way is seen; resolves once it holds.
 */
function whenSeen(condition: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      else setImmediate(tick);
    };
    tick();
  });
}

interface Target {
  engine: Engine;
  id: string;
  image: string;
  docker: (...args: string[]) => string;
}

describe('EventRecorder', { skip: !engineAvailable() && SKIP_REASON }, () => {
  const s = new TestSession();
  let shared: Target;
  let second: Target;
  let privateEngine: PrivateEngine;
  /** The engine the current test acts on: the suite's, unless it said `useSecond()`. */
  let on: Target;
  let catalog: Catalog;
  let recorder: RunningRecorder | undefined;
  let logs: string[];
  const start = async () => {
    recorder = startEventRecorder({
      engine: on.engine,
      catalog,
      log: (line) => logs.push(line),
      retryMs: 5,
      maxRetryMs: 200,
      heartbeatMs: 20,
    });
    await recorder.live();
  };
  const stop = async () => {
    await recorder?.stop();
    recorder = undefined;
  };
  const events = (volume: string) => catalog.history.events(on.id, volume);
  const actions = (volume: string) =>
    events(volume).map((e) => `${e.action}${e.source === 'reconcile' ? '*' : ''}`);
  const gaps = () => catalog.history.gaps(on.id);
  const named = (name: string) => `${name}-${s.id}`;
  /** `docker run --rm` of the test image as `name` with these volumes, labelled for clean-up. */
  const runRm = (name: string, mounts: string[], ...flags: string[]) =>
    on.docker(
      'run',
      '--rm',
      '--name',
      name,
      '--label',
      s.label,
      ...flags,
      ...mounts.flatMap((m) => ['-v', m]),
      on.image,
      'true',
    );
  /** More than 256 events at once: a container with 100 anonymous volumes (created, mounted, unmounted, removed). */
  const flood = () =>
    runRm(
      named(`flood-${Date.now()}`),
      Array.from({ length: 100 }, (_, i) => `/flood${i}`),
    );
  const useSecond = () => (on = second);
  /** Stops and starts the second engine: the same containers and volumes, none of its events. */
  const restart = async () => {
    privateEngine = await restartEngine(privateEngine);
  };

  before(async () => {
    const engine = connectEngine();
    shared = { engine, id: (await engine.info()).id, image: IMAGE, docker: dockerOk };
    privateEngine = await startPrivateEngine();
    buildBusyboxImage(privateEngine.env, TEST_IMAGE);
    const engine2 = connectEngine({ host: privateEngine.host });
    second = {
      engine: engine2,
      id: (await engine2.info()).id,
      image: TEST_IMAGE,
      docker: (...args) => dockerOk('-H', privateEngine.host, ...args),
    };
  });
  after(async () => {
    shared?.engine.close();
    second?.engine.close();
    if (privateEngine) await stopPrivateEngine(privateEngine.dir);
    s.cleanup();
  });

  beforeEach(() => {
    on = shared;
    catalog = openCatalog(join(base, `data-${++folders}`));
    logs = [];
  });
  afterEach(async () => {
    await stop();
    catalog.close();
  });

  test('records create, mount and unmount with the container, image and path, live', async () => {
    await start();
    const volume = s.volume(named('pg-data'));
    runRm(named('web'), [`${volume}:/var/lib/postgresql/data`]);
    await until(() => actions(volume).length === 3, 'three events');
    const [create, mount, unmount] = events(volume);
    assert.equal(create!.action, 'create');
    assert.deepEqual(
      [mount!.action, mount!.containerName, mount!.image, mount!.destination, mount!.readOnly, mount!.source],
      ['mount', named('web'), IMAGE, '/var/lib/postgresql/data', false, 'event'],
    );
    assert.deepEqual([unmount!.action, unmount!.containerName], ['unmount', named('web')]);
    const summary = catalog.history.summary(on.id, volume)!;
    assert.equal(summary.lastMountedAt, mount!.at);
    assert.deepEqual(gaps(), []);
  });

  test("a helper's mounts are never a use", async () => {
    await start();
    const data = s.volume(named('data'));
    const other = s.volume(named('other'));
    // As Stowage's helpers are made: labelled stowage.helper, the volume read-only.
    runRm(named('helper'), [`${data}:/v:ro`], '--label', 'stowage.helper=backup');
    runRm(named('user'), [`${other}:/x`]); // something after, to know the helper's events were handled
    await until(() => actions(other).length === 3, 'the later events');
    assert.deepEqual(actions(data), ['create']);
    assert.equal(catalog.history.summary(on.id, data)!.lastMountedAt, null);
  });

  test('a helper whose create event was missed is found out at its destroy, and its rows go', async () => {
    useSecond();
    const data = named('data');
    const id = on.docker(
      'create',
      '--name',
      named('h'),
      '--label',
      'stowage.helper=restore',
      '-v',
      `${data}:/v`,
      on.image,
      'true',
    );
    await restart(); // the engine no longer has its create event
    on.docker('start', '-a', id);
    on.docker('rm', id); // gone before the recorder could look it up
    let nameAtMount: string | null | undefined;
    const mountSeen = whenSeen(() => {
      if (!actions(data).includes('mount')) return false;
      nameAtMount = events(data).at(-1)!.containerName;
      return true;
    }, 'the mount of an unknown container');
    await start();
    await mountSeen;
    assert.equal(nameAtMount, null);
    await until(() => !actions(data).includes('mount'), "the helper's rows to go");
  });

  test('a container gone before it could be looked up is named by its destroy event', async () => {
    useSecond();
    await start();
    const v = named('v');
    on.docker('volume', 'create', v);
    await until(() => actions(v).length === 1, 'the create');
    await stop();
    const id = on.docker('create', '--name', named('short-lived'), '-v', `${v}:/d`, on.image, 'true');
    await restart(); // its create event forgotten
    on.docker('start', '-a', id);
    on.docker('rm', id); // gone before the recorder could look it up
    await start();
    await until(
      () =>
        events(v).length === 3 &&
        events(v).every((e) => e.action === 'create' || e.containerName === named('short-lived')),
      'names',
    );
    assert.deepEqual(
      events(v)
        .slice(1)
        .map((e) => [e.containerName, e.image]),
      [
        [named('short-lived'), TEST_IMAGE],
        [named('short-lived'), TEST_IMAGE],
      ],
    );
  });

  test('"create" for a volume that exists is not a new volume', async () => {
    await start();
    const volume = s.volume(named('shared'));
    runRm(named('one'), [`${volume}:/a`]);
    runRm(named('two'), [`${volume}:/b`]); // the engine emits "create" again for each
    await until(() => actions(volume).length === 5, 'five events');
    assert.deepEqual(actions(volume), ['create', 'mount', 'unmount', 'mount', 'unmount']);
  });

  test('an anonymous volume keeps the container and path that made it, after that container is gone', async () => {
    await start();
    const id = on.docker(
      'create',
      '--name',
      named('maker'),
      '--label',
      s.label,
      '-v',
      '/var/lib/data',
      IMAGE,
      'true',
    );
    const anonymous = volumeAt(named('maker'), '/var/lib/data');
    try {
      on.docker('start', '-a', id); // started, and stopped when its command ends
      on.docker('rm', id); // without -v: the volume stays
      runRm(named('borrower'), [`${anonymous}:/import`]);
      await until(() => actions(anonymous).length === 5, 'the events');
      assert.deepEqual(catalog.history.summary(on.id, anonymous)!.firstUser, {
        containerId: id,
        containerName: named('maker'),
        image: IMAGE,
        destination: '/var/lib/data',
      });
      const { createdAt } = await on.engine.volumes.inspect(anonymous);
      assert.deepEqual(await recordedCreator(on.engine, catalog, anonymous, createdAt), {
        containerId: id,
        containerName: named('maker'),
        image: IMAGE,
        path: '/var/lib/data',
        recorded: true,
      });
    } finally {
      on.docker('volume', 'rm', anonymous);
    }
  });

  test('an anonymous volume found (not seen created) gets its creator from the engine while it exists', async () => {
    useSecond();
    on.docker('create', '--name', named('late-maker'), '-v', '/data', on.image, 'true');
    const anonymous = on.docker(
      'inspect',
      '-f',
      '{{range .Mounts}}{{if eq .Destination "/data"}}{{.Name}}{{end}}{{end}}',
      named('late-maker'),
    );
    assert.match(anonymous, /^[0-9a-f]{64}$/);
    await restart(); // nothing of it left in the buffer
    await start();
    assert.equal(catalog.history.summary(on.id, anonymous)!.firstUser?.containerName, named('late-maker'));
  });

  test('events while the recorder was stopped are caught up with since=, without a gap', async () => {
    await start();
    const before = s.volume(named('before'));
    runRm(named('first'), [`${before}:/d`]);
    await until(() => actions(before).length === 3, 'the first run');
    await stop();
    const during = s.volume(named('during')); // created while down, too
    runRm(named('while-down'), [`${during}:/d`]);
    await start();
    await until(() => actions(during).length === 3, 'the replayed events');
    assert.deepEqual(actions(during), ['create', 'mount', 'unmount']);
    assert.equal(events(during)[1]!.containerName, named('while-down'));
    assert.deepEqual(
      events(during).map((e) => e.source),
      ['event', 'event', 'event'],
    );
    assert.deepEqual(gaps(), []);
    assert.deepEqual(actions(before), ['create', 'mount', 'unmount'], 'nothing recorded twice');
  });

  test('an engine restart while the recorder was stopped is a gap; a volume idle across it is unknown', async () => {
    useSecond();
    await start();
    const quiet = named('quiet');
    runRm(named('user'), [`${quiet}:/d`]);
    await until(() => actions(quiet).length === 3, 'the run');
    await stop();
    runRm(named('lost'), [`${quiet}:/d`]); // happens, then the engine forgets it
    await restart();
    await start();
    const [gap] = gaps();
    assert.ok(gap);
    assert.match(gap.reason, /^Stowage was not recording; the engine restarted meanwhile/);
    assert.deepEqual(actions(quiet), ['create', 'mount', 'unmount'], 'the lost run is not invented');
    const [state] = idleStates(
      { store: catalog.history, engineId: on.id },
      [{ name: quiet, createdAt: undefined }],
      new Date(),
    ).values();
    assert.equal(state!.certainty, 'unknown');
    assert.equal(state!.gap!.reason, gap.reason);
    const report = await volumeHistoryReport(catalog, on.engine, quiet);
    assert.deepEqual(
      report.gaps.map((g) => g.reason),
      [gap.reason],
    );
    assert.equal(report.certainty, 'unknown');
  });

  test('more than 256 events while stopped: a gap that ends at the oldest event the engine kept', async () => {
    await start();
    const busy = s.volume(named('busy'));
    await until(() => actions(busy).length === 1, 'the create');
    await stop();
    flood();
    await start();
    const [gap] = gaps();
    assert.ok(gap);
    assert.match(gap.reason, /more than 256 engine events happened meanwhile/);
  });

  test('the engine restarting under a running recorder: reconnects, records the gap, reconciles', async () => {
    useSecond();
    // The recorder reaches the engine through a link that can be taken away: the engine can then be up,
    // for the docker CLI, while the recorder cannot reach it. With --live-restore, containers outlive the
    // engine's stop, so svc is stopped while the engine is up and no one follows it, not by the shutdown.
    const links = mkdtempSync(join(tmpdir(), 'stwg-link-'));
    const link = join(links, 'docker.sock');
    const connect = () => symlinkSync(privateEngine.socket, link);
    const cut = () => unlinkSync(link);
    const liveRestore = { dir: privateEngine.dir, extraArgs: ['--live-restore'] };
    connect();
    const linked = connectEngine({ host: `unix://${link}` });
    on = { ...second, engine: linked };
    try {
      await stopKeepingData(privateEngine);
      privateEngine = await startPrivateEngine(liveRestore);
      const kept = named('kept');
      on.docker('volume', 'create', kept);
      const id = on.docker(
        'run',
        '-d',
        '--name',
        named('svc'),
        '-v',
        `${kept}:/d`,
        on.image,
        'sleep',
        '3600',
      );
      await start();
      assert.deepEqual(actions(kept), ['create', 'mount'], 'the buffer replayed at first start');
      cut(); // down, for the recorder
      await stopKeepingData(privateEngine); // its stream breaks; svc keeps running
      privateEngine = await startPrivateEngine(liveRestore);
      on.docker('stop', '-t', '0', id); // while it is down and not buffered for anyone
      await stopKeepingData(privateEngine);
      privateEngine = await startPrivateEngine({ dir: privateEngine.dir });
      on.docker('volume', 'create', named('new-while-down'));
      await stopKeepingData(privateEngine);
      privateEngine = await startPrivateEngine({ dir: privateEngine.dir });
      connect(); // up again
      await until(() => gaps().length === 1, 'the gap');
      await recorder!.live();
      assert.match(gaps()[0]!.reason, /^the connection to the engine was lost; the engine restarted/);
      assert.deepEqual(actions(kept), ['create', 'mount', 'unmount*'], 'the stop inferred');
      assert.deepEqual(
        catalog.history.summary(on.id, named('new-while-down'))?.volume,
        named('new-while-down'),
      );
      assert.ok(logs.some((line) => line.includes('reconciled with the engine')));
    } finally {
      await stop();
      linked.close();
      rmSync(links, { recursive: true, force: true });
    }
  });

  test('reconcile at first start: a running container counts as mounted now', async () => {
    const db = s.volume(named('db'));
    s.container(named('postgres'), ['--stop-timeout', '1', '-v', `${db}:/data`]);
    flood(); // the engine keeps none of their events
    await start();
    assert.deepEqual(actions(db), ['mount*']);
    const [state] = idleStates(
      { store: catalog.history, engineId: on.id },
      [{ name: db, createdAt: undefined }],
      new Date(),
    ).values();
    assert.equal(state!.inUse, true);
  });

  test('a volume removed unseen is recorded as destroyed when the recorder reconnects', async () => {
    useSecond();
    const doomed = named('doomed');
    on.docker('volume', 'create', doomed);
    await start();
    await stop();
    on.docker('volume', 'rm', doomed);
    await restart();
    await start();
    assert.deepEqual(actions(doomed), ['create', 'destroy*']);
    assert.notEqual(catalog.history.summary(on.id, doomed)!.destroyedAt, null);
  });

  test('an unreachable engine is retried, said once, and stop() still returns', async () => {
    useSecond();
    // No engine listens at its socket until it is started again.
    await stopKeepingData(privateEngine);
    try {
      recorder = startEventRecorder({
        engine: on.engine,
        catalog,
        log: (line) => logs.push(line),
        retryMs: 5,
        maxRetryMs: 10,
      });
      await sleep(100);
      assert.equal(logs.filter((line) => line.includes('cannot follow')).length, 1);
    } finally {
      privateEngine = await startPrivateEngine({ dir: privateEngine.dir });
    }
    await recorder.live();
    await stop();
    assert.ok(catalog.history.coverage(on.id));
  });

  test('coverage reaches the moment it stopped', async () => {
    await start();
    await sleep(60);
    const before = Date.now();
    await stop();
    const coverage = catalog.history.coverage(on.id)!;
    assert.ok(Date.parse(coverage.latest.endedAt) >= before - 1);
    assert.equal(coverage.first.id, coverage.latest.id);
  });
});
