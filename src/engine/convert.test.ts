import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { EngineContainer, EngineContainerDetails, EngineVolume } from './contract.ts';
import { toContainer, toContainerDetails, toVolume } from './convert.ts';
import * as v143 from './fixtures/api-1.43.ts';
import type { WireContainerInspect, WireContainerSummary, WireVolume } from './wire-types.ts';

/** A response recorded from a real Docker 20.10.24 engine (API 1.41); see ./fixtures/api-1.41/. */
const recorded = <T>(file: string): T =>
  JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'api-1.41', file), 'utf8')) as T;

const ANON_141 = '224160cf9e165dd65c22483d039810c87e7761c0a9a9204f73622f32cb9b2d2a';
const ROOT_141 = '/tmp/eng1/root/volumes';

describe('API 1.41 (Docker 20.10, recorded)', () => {
  test('toVolume: the volume list', () => {
    const { Volumes } = recorded<{ Volumes: WireVolume[] }>('volumes.json');
    const expected: EngineVolume[] = [
      {
        name: ANON_141,
        driver: 'local',
        mountpoint: `${ROOT_141}/${ANON_141}/_data`,
        createdAt: '2026-11-25T20:16:11Z',
        labels: {}, // 20.10 sets no anonymous label: Labels is null
        scope: 'local',
        options: {},
        status: undefined,
      },
      {
        name: 'ut-named',
        driver: 'local',
        mountpoint: `${ROOT_141}/ut-named/_data`,
        createdAt: '2026-11-25T20:16:11Z',
        labels: { 'com.docker.compose.project': 'shop', 'stowage.protect': 'true' },
        scope: 'local',
        options: {},
        status: undefined,
      },
      {
        name: 'ut-opts',
        driver: 'local',
        mountpoint: `${ROOT_141}/ut-opts/_data`,
        createdAt: '2026-11-25T20:16:21Z',
        labels: {},
        scope: 'local',
        options: { device: 'tmpfs', o: 'size=1m', type: 'tmpfs' },
        status: undefined,
      },
    ];
    assert.deepEqual(Volumes.map(toVolume), expected);
  });

  test('toContainer: the container list', () => {
    const list = recorded<WireContainerSummary[]>('containers.json');
    const created = new Date('2026-11-25T20:16:11Z');
    const expected: EngineContainer[] = [
      {
        id: '83f84bcd6b95c8092c79f16067e70dc379e19414e0cf5c866b4cede27c28b75d',
        name: 'ut-c',
        image: 'stowage-test/busybox',
        state: 'created',
        running: false,
        createdAt: created,
        labels: {},
        mounts: [
          {
            // got through --volumes-from ut-a:ro; the listing leaves Source empty on 20.10
            type: 'volume',
            name: ANON_141,
            source: '',
            destination: '/data',
            driver: 'local',
            mode: '',
            readOnly: true,
            propagation: '',
          },
        ],
      },
      {
        id: 'fec95a37f1a29582899da8952f89630ddbb1a113d8d125b090acca8bcba89b45',
        name: 'ut-b',
        image: 'stowage-test/busybox',
        state: 'running',
        running: true,
        createdAt: created,
        labels: { app: 'ut' },
        // in the engine's order, which varies between calls (a Go map)
        mounts: [
          {
            type: 'bind',
            name: undefined,
            source: '/tmp/ut-bind',
            destination: '/host',
            driver: undefined,
            mode: 'ro',
            readOnly: true,
            propagation: 'rprivate',
          },
          {
            type: 'volume',
            name: 'ut-named',
            source: `${ROOT_141}/ut-named/_data`,
            destination: '/srv',
            driver: 'local',
            mode: 'z', // 20.10 reports "z" for a named volume given with -v
            readOnly: false,
            propagation: '',
          },
          {
            type: 'tmpfs',
            name: undefined,
            source: '',
            destination: '/cache',
            driver: undefined,
            mode: '',
            readOnly: false,
            propagation: '',
          },
        ],
      },
      {
        id: '732cea6ec65ad8325539bcff83c39eeec427bd5edaa2a78de797a83cd289a12a',
        name: 'ut-a',
        image: 'stowage-test/busybox',
        state: 'running',
        running: true,
        createdAt: created,
        labels: {},
        // --tmpfs mounts are absent from the listing: only inspect shows them
        mounts: [
          {
            type: 'volume',
            name: ANON_141,
            source: '',
            destination: '/data',
            driver: 'local',
            mode: '',
            readOnly: false,
            propagation: '',
          },
        ],
      },
    ];
    assert.deepEqual(list.map(toContainer), expected);
  });

  test('toContainerDetails: -v /data and --tmpfs /t:size=1m', () => {
    const details = toContainerDetails(recorded<WireContainerInspect>('container-ut-a.json'));
    const expected: EngineContainerDetails = {
      id: '732cea6ec65ad8325539bcff83c39eeec427bd5edaa2a78de797a83cd289a12a',
      name: 'ut-a',
      image: 'stowage-test/busybox',
      state: 'running',
      running: true,
      createdAt: new Date('2026-11-25T20:16:11.077Z'), // nanoseconds are cut to milliseconds
      labels: {},
      mounts: [
        {
          type: 'volume',
          name: ANON_141,
          source: `${ROOT_141}/${ANON_141}/_data`,
          destination: '/data',
          driver: 'local',
          mode: '',
          readOnly: false,
          propagation: '',
        },
      ],
      tmpfs: { '/t': 'size=1m' },
      tmpfsSizes: {},
      declaredVolumes: ['/data'],
      volumesFrom: [],
    };
    assert.deepEqual(details, expected);
  });

  test('toContainerDetails: named volume, read-only bind and --mount type=tmpfs with a size', () => {
    const details = toContainerDetails(recorded<WireContainerInspect>('container-ut-b.json'));
    assert.deepEqual(
      {
        ...details,
        mounts: details.mounts.map(
          (m) => `${m.type} ${m.name ?? m.source} ${m.destination} ${m.mode} ${m.readOnly ? 'ro' : 'rw'}`,
        ),
      },
      {
        id: 'fec95a37f1a29582899da8952f89630ddbb1a113d8d125b090acca8bcba89b45',
        name: 'ut-b',
        image: 'stowage-test/busybox',
        state: 'running',
        running: true,
        createdAt: new Date('2026-11-25T20:16:11.187Z'),
        labels: { app: 'ut' },
        mounts: ['volume ut-named /srv z rw', 'bind /tmp/ut-bind /host ro ro', 'tmpfs  /cache  rw'],
        tmpfs: {}, // HostConfig.Tmpfs is null
        tmpfsSizes: { '/cache': 2097152 },
        declaredVolumes: [], // Config.Volumes is null
        volumesFrom: [],
      },
    );
  });

  test('toContainerDetails: a created container with --volumes-from ut-a:ro', () => {
    const details = toContainerDetails(recorded<WireContainerInspect>('container-ut-c.json'));
    assert.equal(details.name, 'ut-c');
    assert.equal(details.state, 'created');
    assert.equal(details.running, false);
    assert.deepEqual(details.volumesFrom, ['ut-a:ro']);
    assert.deepEqual(details.declaredVolumes, []);
    assert.deepEqual(
      details.mounts.map((m) => [m.name, m.destination, m.readOnly]),
      [[ANON_141, '/data', true]],
    );
  });
});

describe('API 1.43 (Docker 24, hand-written from the API reference)', () => {
  const volumes = (v143.volumeList as { Volumes: WireVolume[] }).Volumes.map(toVolume);
  const byName = new Map(volumes.map((v) => [v.name, v]));

  test('toVolume: anonymous volumes keep the anonymous label with its empty value', () => {
    assert.deepEqual(byName.get(v143.anonymousVolumeName)?.labels, { 'com.docker.volume.anonymous': '' });
    assert.deepEqual(byName.get(v143.composeAnonymousVolumeName)?.labels, {});
  });

  test('toVolume: CreatedAt is kept as the engine wrote it, missing is undefined', () => {
    assert.deepEqual(
      volumes.map((v) => [v.name, v.createdAt]),
      [
        [v143.anonymousVolumeName, '2026-07-20T04:52:35Z'],
        [v143.composeAnonymousVolumeName, '2026-07-20T07:48:38+03:00'],
        ['shop_db-data', '2026-07-19T10:00:00Z'],
        ['ebs-archive', undefined],
      ],
    );
  });

  test('toVolume: a plugin volume with status, options and global scope', () => {
    assert.deepEqual(byName.get('ebs-archive'), {
      name: 'ebs-archive',
      driver: 'rexray/ebs:latest',
      mountpoint: '',
      createdAt: undefined,
      labels: {},
      scope: 'global',
      options: { size: '100' },
      status: { availabilityZone: 'eu-west-1a', volumeType: 'gp3' },
    });
  });

  test('toContainer: running and paused both count as running; null mounts and labels are empty', () => {
    const containers = (v143.containerList as WireContainerSummary[]).map(toContainer);
    assert.deepEqual(
      containers.map((c) => ({
        name: c.name,
        state: c.state,
        running: c.running,
        createdAt: c.createdAt.toISOString(),
        labels: c.labels,
        mounts: c.mounts.length,
      })),
      [
        {
          name: 'shop-app-1',
          state: 'running',
          running: true,
          createdAt: '2026-07-20T04:52:35.000Z',
          labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'app' },
          mounts: 2,
        },
        {
          name: 'shop-backup-1',
          state: 'paused',
          running: true,
          createdAt: '2026-07-20T05:03:20.000Z',
          labels: {},
          mounts: 0,
        },
      ],
    );
  });

  test('toContainerDetails: both tmpfs kinds, declared volumes', () => {
    const details = toContainerDetails(v143.appInspect as WireContainerInspect);
    assert.deepEqual(details.tmpfs, { '/run': 'size=64m,mode=1777' });
    assert.deepEqual(details.tmpfsSizes, { '/scratch': 134217728 });
    assert.deepEqual(details.declaredVolumes, ['/data']);
    assert.deepEqual(details.volumesFrom, []);
    assert.equal(details.createdAt.toISOString(), '2026-07-20T04:52:35.123Z');
    assert.deepEqual(
      details.mounts.map((m) => [m.type, m.name, m.mode, m.readOnly]),
      [
        ['volume', v143.anonymousVolumeName, '', false],
        ['volume', 'shop_db-data', 'z', false],
        ['tmpfs', undefined, '', false],
      ],
    );
  });

  test('toContainerDetails: --volumes-from of a paused container', () => {
    const details = toContainerDetails(v143.sidecarInspect as WireContainerInspect);
    assert.deepEqual(
      {
        name: details.name,
        state: details.state,
        running: details.running,
        volumesFrom: details.volumesFrom,
        labels: details.labels,
      },
      { name: 'shop-backup-1', state: 'paused', running: true, volumesFrom: ['shop-app-1:ro'], labels: {} },
    );
  });
});

describe('edge cases', () => {
  const summary: WireContainerSummary = {
    Id: 'abc123',
    Names: [],
    Image: 'img',
    Created: 0,
    State: 'exited',
    Labels: null,
    Mounts: null,
  };
  const states: [string, boolean][] = [
    ['created', false],
    ['running', true],
    ['paused', true],
    ['restarting', true],
    ['removing', false],
    ['exited', false],
    ['dead', false],
  ];
  for (const [state, running] of states) {
    test(`state "${state}" is ${running ? '' : 'not '}running`, () => {
      assert.equal(toContainer({ ...summary, State: state }).running, running);
    });
  }

  test('a container without names is named by its ID', () => {
    assert.equal(toContainer(summary).name, 'abc123');
  });

  test('only the first name counts (legacy links add more)', () => {
    assert.equal(toContainer({ ...summary, Names: ['/web', '/app/web'] }).name, 'web');
  });

  test('an empty CreatedAt is undefined', () => {
    const wire: WireVolume = {
      Name: 'v',
      Driver: 'local',
      Mountpoint: '/m',
      CreatedAt: '',
      Labels: null,
      Scope: 'local',
      Options: null,
    };
    assert.equal(toVolume(wire).createdAt, undefined);
  });
});
