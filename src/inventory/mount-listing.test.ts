import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sharedVolumes, tmpfsSizeOption, type MountRow } from './mount-listing.ts';

describe('tmpfsSizeOption', () => {
  const cases: [string, number | undefined][] = [
    ['size=64m', 64 * 1024 ** 2],
    ['size=1m', 1024 ** 2],
    ['size=1g', 1024 ** 3],
    ['size=512k', 512 * 1024],
    ['size=4096', 4096],
    ['SIZE=2M', 2 * 1024 ** 2],
    ['rw,noexec,size=64m,mode=1777', 64 * 1024 ** 2],
    ['mode=1777,size=10m', 10 * 1024 ** 2],
    ['', undefined],
    ['mode=1777', undefined],
    ['size=', undefined],
    ['size=50%', undefined], // a share of memory: no fixed size
    ['size=1.5g', undefined],
    ['size=64mb', undefined],
    ['nr_blocks=10,nosize=1', undefined],
  ];
  for (const [options, bytes] of cases) {
    test(`"${options}" → ${bytes}`, () => assert.equal(tmpfsSizeOption(options), bytes));
  }
});

function row(container: string, source: string, fields: Partial<MountRow> = {}): MountRow {
  return {
    container,
    containerId: `id-${container}`,
    running: true,
    type: 'volume',
    source,
    destination: `/mnt/${source}`,
    readOnly: false,
    mode: 'z',
    propagation: '',
    tmpfsSize: undefined,
    tmpfsOptions: undefined,
    viaVolumesFrom: undefined,
    ...fields,
  };
}

describe('sharedVolumes', () => {
  test('nothing shared', () => {
    assert.deepEqual(sharedVolumes([row('a', 'v1'), row('b', 'v2')]), []);
    assert.deepEqual(sharedVolumes([]), []);
  });

  test('a volume mounted by two containers, with who writes', () => {
    const rows = [
      row('app', 'logs', { destination: '/var/log/app' }),
      row('shipper', 'logs', { destination: '/logs', readOnly: true, running: false }),
      row('app', 'data'),
    ];
    assert.deepEqual(sharedVolumes(rows), [
      {
        volume: 'logs',
        containers: [
          { name: 'app', readOnly: false, running: true, destination: '/var/log/app' },
          { name: 'shipper', readOnly: true, running: false, destination: '/logs' },
        ],
        writers: ['app'],
      },
    ]);
  });

  test('one container mounting a volume twice is not sharing', () => {
    assert.deepEqual(
      sharedVolumes([row('a', 'v', { destination: '/x' }), row('a', 'v', { destination: '/y' })]),
      [],
    );
  });

  test('containers are told apart by ID, not by name', () => {
    const rows = [row('same', 'v'), row('same', 'v', { containerId: 'other-id' })];
    assert.equal(sharedVolumes(rows).length, 1);
  });

  test('bind and tmpfs mounts are never shared volumes, even with the same source', () => {
    const rows = [
      row('a', '/srv/data', { type: 'bind' }),
      row('b', '/srv/data', { type: 'bind' }),
      row('a', '', { type: 'tmpfs' }),
      row('b', '', { type: 'tmpfs' }),
    ];
    assert.deepEqual(sharedVolumes(rows), []);
  });

  test('all readers: no writers', () => {
    const rows = [row('a', 'v', { readOnly: true }), row('b', 'v', { readOnly: true })];
    assert.deepEqual(sharedVolumes(rows)[0]?.writers, []);
  });

  test('several writers, listed in row order; volumes sorted by name', () => {
    const rows = [
      row('w2', 'zeta'),
      row('w1', 'zeta'),
      row('r', 'alpha', { readOnly: true }),
      row('w', 'alpha'),
      row('x', 'Mid'),
      row('y', 'Mid'),
    ];
    const shared = sharedVolumes(rows);
    assert.deepEqual(
      shared.map((s) => [s.volume, s.writers]),
      [
        ['Mid', ['x', 'y']],
        ['alpha', ['w']],
        ['zeta', ['w2', 'w1']],
      ],
    );
  });
});
