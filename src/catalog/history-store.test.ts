import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openCatalog } from './catalog.ts';
import type { NewVolumeEvent } from './history-store.ts';

const base = mkdtempSync(join(tmpdir(), 'stowage-history-store-'));
after(() => rmSync(base, { recursive: true, force: true }));
let folders = 0;
const fresh = () => openCatalog(join(base, `data-${++folders}`));

const E = 'engine-1';
const row = (
  fields: Partial<NewVolumeEvent> & Pick<NewVolumeEvent, 'volume' | 'action' | 'at'>,
): NewVolumeEvent => ({
  engineId: E,
  containerId: null,
  containerName: null,
  image: null,
  destination: null,
  readOnly: null,
  source: 'event',
  eventKey: null,
  ...fields,
});
const mount = (volume: string, container: string, at: string, key: string | null = `${at}/${container}/m`) =>
  row({
    volume,
    action: 'mount',
    at,
    containerId: container,
    containerName: `n-${container}`,
    eventKey: key,
  });
const unmount = (
  volume: string,
  container: string,
  at: string,
  key: string | null = `${at}/${container}/u`,
) => row({ volume, action: 'unmount', at, containerId: container, eventKey: key });

describe('HistoryStore', () => {
  test('an event replayed (same key) is recorded once; inferred rows have no key and always add', () => {
    const catalog = fresh();
    const h = catalog.history;
    assert.equal(h.addEvent(mount('v', 'c', '2026-11-25T10:00:00.000Z')), true);
    assert.equal(h.addEvent(mount('v', 'c', '2026-11-25T10:00:00.000Z')), false);
    assert.equal(h.addEvent(mount('v', 'c', '2026-11-25T11:00:00.000Z', null)), true);
    assert.equal(h.addEvent(mount('v', 'c', '2026-11-25T11:00:00.000Z', null)), true);
    assert.equal(h.events(E, 'v').length, 3);
    // Another engine's identical key is another event.
    assert.equal(h.addEvent({ ...mount('v', 'c', '2026-11-25T10:00:00.000Z'), engineId: 'engine-2' }), true);
    catalog.close();
  });

  test('events come oldest first, booleans as booleans, and `since` leaves out earlier lifetimes', () => {
    const catalog = fresh();
    const h = catalog.history;
    h.addEvent({ ...mount('v', 'c', '2026-11-25T12:00:00.000Z'), readOnly: true, destination: '/d' });
    h.addEvent(unmount('v', 'c', '2026-11-25T11:00:00.000Z'));
    h.addEvent(row({ volume: 'v', action: 'create', at: '2026-11-25T10:00:00.000Z' }));
    assert.deepEqual(
      h.events(E, 'v').map((e) => [e.action, e.readOnly]),
      [
        ['create', null],
        ['unmount', null],
        ['mount', true],
      ],
    );
    assert.deepEqual(
      h.events(E, 'v', '2026-11-25T11:00:00.000Z').map((e) => e.action),
      ['unmount', 'mount'],
    );
    catalog.close();
  });

  test('open mounts: the newest of each volume and container pair is a mount', () => {
    const catalog = fresh();
    const h = catalog.history;
    h.addEvent(mount('a', 'c1', '2026-11-25T10:00:00.000Z'));
    h.addEvent(unmount('a', 'c1', '2026-11-25T10:05:00.000Z'));
    h.addEvent(mount('a', 'c2', '2026-11-25T10:01:00.000Z'));
    h.addEvent(mount('b', 'c1', '2026-11-25T10:02:00.000Z'));
    h.addEvent(mount('c', 'c3', '2026-11-25T10:00:00.000Z'));
    h.addEvent(unmount('c', 'c3', '2026-11-25T10:00:00.000Z')); // same millisecond: insertion order decides
    assert.deepEqual(
      h.openMounts(E).map((m) => [m.volume, m.containerId, m.containerName]),
      [
        ['a', 'c2', 'n-c2'],
        ['b', 'c1', 'n-c1'],
      ],
    );
    catalog.close();
  });

  test('summaries: seen once, created anew, destroyed, last mount, first user', () => {
    const catalog = fresh();
    const h = catalog.history;
    h.noteSeen(E, 'v', '2026-11-25T10:00:00.000Z', null);
    h.noteSeen(E, 'v', '2026-11-25T11:00:00.000Z', '2026-11-01T00:00:00.000Z');
    let s = h.summary(E, 'v')!;
    assert.equal(s.firstSeenAt, '2026-11-25T10:00:00.000Z', 'first seen stays');
    assert.equal(s.createdAt, '2026-11-01T00:00:00.000Z', 'a creation time learnt later is kept');

    h.addEvent(mount('v', 'c1', '2026-11-25T12:00:00.000Z'));
    h.addEvent(mount('v', 'c2', '2026-11-25T11:30:00.000Z'));
    h.noteFirstUser(E, 'v', { containerId: 'c1', containerName: 'one', image: 'img', destination: '/d' });
    h.noteFirstUser(E, 'v', { containerId: 'c2', containerName: 'two', image: 'img', destination: '/e' });
    s = h.summary(E, 'v')!;
    assert.equal(s.lastMountedAt, '2026-11-25T12:00:00.000Z', 'the newest mount, whatever the order');
    assert.equal(s.firstUser?.containerName, 'one', 'the first user is kept');

    h.noteDestroyed(E, 'v', '2026-11-26T00:00:00.000Z');
    h.noteDestroyed(E, 'v', '2026-11-27T00:00:00.000Z');
    assert.equal(h.summary(E, 'v')!.destroyedAt, '2026-11-26T00:00:00.000Z');

    h.noteCreated(E, 'v', '2026-11-28T00:00:00.000Z', '2026-11-28T00:00:01.000Z');
    assert.deepEqual(h.summary(E, 'v'), {
      engineId: E,
      volume: 'v',
      firstSeenAt: '2026-11-28T00:00:01.000Z',
      createdAt: '2026-11-28T00:00:00.000Z',
      lastMountedAt: null,
      destroyedAt: null,
      firstUser: null,
    });
    assert.equal(h.summary(E, 'other'), undefined);
    catalog.close();
  });

  test('a container found to be a helper afterwards: its rows go, and what they set is recomputed', () => {
    const catalog = fresh();
    const h = catalog.history;
    h.noteSeen(E, 'v', '2026-11-25T09:00:00.000Z', null);
    h.addEvent(mount('v', 'user', '2026-11-25T10:00:00.000Z'));
    h.addEvent(mount('v', 'helper', '2026-11-25T11:00:00.000Z'));
    h.addEvent(unmount('v', 'helper', '2026-11-25T11:00:01.000Z'));
    h.noteFirstUser(E, 'v', { containerId: 'helper', containerName: null, image: null, destination: '/v' });
    h.forgetContainer(E, 'helper');
    assert.deepEqual(
      h.events(E, 'v').map((e) => e.containerId),
      ['user'],
    );
    const s = h.summary(E, 'v')!;
    assert.equal(s.lastMountedAt, '2026-11-25T10:00:00.000Z');
    assert.equal(s.firstUser, null);
    catalog.close();
  });

  test('a container named afterwards: rows without a name get it', () => {
    const catalog = fresh();
    const h = catalog.history;
    h.noteSeen(E, 'v', '2026-11-25T09:00:00.000Z', null);
    h.addEvent(
      row({ volume: 'v', action: 'mount', at: '2026-11-25T10:00:00.000Z', containerId: 'c', eventKey: 'k' }),
    );
    h.noteFirstUser(E, 'v', { containerId: 'c', containerName: null, image: null, destination: '/d' });
    h.nameContainer(E, 'c', 'web', 'nginx');
    assert.deepEqual(
      h.events(E, 'v').map((e) => [e.containerName, e.image]),
      [['web', 'nginx']],
    );
    assert.deepEqual(h.summary(E, 'v')!.firstUser, {
      containerId: 'c',
      containerName: 'web',
      image: 'nginx',
      destination: '/d',
    });
    catalog.close();
  });

  test('coverage: first and latest stretch, extended forward only, with the last event exact', () => {
    const catalog = fresh();
    const h = catalog.history;
    assert.equal(h.isEmpty(), true);
    assert.equal(h.coverage(E), undefined);
    const first = h.startCoverage(E, '2026-11-25T10:00:00.000Z');
    h.extendCoverage(first, '2026-11-25T11:00:00.000Z', 1795640667478427544n);
    h.extendCoverage(first, '2026-11-25T10:30:00.000Z', undefined); // never backwards, anchor kept
    const second = h.startCoverage(E, '2026-11-25T12:00:00.000Z');
    const coverage = h.coverage(E)!;
    assert.equal(h.isEmpty(), false);
    assert.deepEqual(coverage.first, {
      id: first,
      engineId: E,
      startedAt: '2026-11-25T10:00:00.000Z',
      endedAt: '2026-11-25T11:00:00.000Z',
      lastEventNano: 1795640667478427544n,
    });
    assert.equal(coverage.latest.id, second);
    assert.equal(coverage.latest.lastEventNano, null);
    assert.equal(h.coverage('engine-2'), undefined);
    catalog.close();
  });

  test('gaps, oldest first, per engine', () => {
    const catalog = fresh();
    const h = catalog.history;
    h.addGap(E, '2026-11-25T12:00:00.000Z', '2026-11-25T13:00:00.000Z', 'engine restarted');
    h.addGap(E, '2026-11-25T10:00:00.000Z', '2026-11-25T11:00:00.000Z', 'daemon down');
    h.addGap('engine-2', '2026-11-25T10:00:00.000Z', '2026-11-25T11:00:00.000Z', 'x');
    assert.deepEqual(
      h.gaps(E).map((g) => g.reason),
      ['daemon down', 'engine restarted'],
    );
    catalog.close();
  });

  test('a transaction that throws leaves nothing behind', () => {
    const catalog = fresh();
    const h = catalog.history;
    assert.throws(() =>
      h.transaction(() => {
        h.addEvent(mount('v', 'c', '2026-11-25T10:00:00.000Z'));
        throw new Error('crash');
      }),
    );
    assert.deepEqual(h.events(E, 'v'), []);
    catalog.close();
  });
});
