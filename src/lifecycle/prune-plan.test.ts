import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { VolumeRecord, VolumeStatus } from '../inventory/volume-record.ts';
import { planPrune, type PrunePlan, type SkippedVolume } from './prune-plan.ts';

const HEX = (c: string) => c.repeat(64);

function volume(
  name: string,
  fields: { status?: VolumeStatus; anonymous?: boolean; protected?: boolean; sizeBytes?: number | null } = {},
): VolumeRecord {
  const record: VolumeRecord = {
    name,
    driver: 'local',
    scope: 'local',
    mountpoint: `/var/lib/docker/volumes/${name}/_data`,
    createdAt: '2026-01-01T00:00:00Z',
    labels: {},
    options: {},
    anonymous: fields.anonymous ?? false,
    composeProject: undefined,
    users: [],
    status: fields.status ?? 'dangling',
    protected: fields.protected ?? false,
  };
  if ('sizeBytes' in fields) record.sizeBytes = fields.sizeBytes;
  return record;
}

describe('planPrune: one volume at a time', () => {
  const cases: {
    name: string;
    volume: VolumeRecord;
    all: boolean;
    verdict: 'remove' | SkippedVolume['reason'];
  }[] = [
    {
      name: 'dangling anonymous',
      volume: volume(HEX('a'), { anonymous: true }),
      all: false,
      verdict: 'remove',
    },
    {
      name: 'dangling anonymous with --all',
      volume: volume(HEX('a'), { anonymous: true }),
      all: true,
      verdict: 'remove',
    },
    { name: 'dangling named', volume: volume('pg-old'), all: false, verdict: 'named (use --all)' },
    { name: 'dangling named with --all', volume: volume('pg-old'), all: true, verdict: 'remove' },
    {
      name: 'in use by a running container',
      volume: volume(HEX('b'), { anonymous: true, status: 'in-use' }),
      all: true,
      verdict: 'in use',
    },
    {
      name: 'referenced by a stopped container',
      volume: volume(HEX('c'), { anonymous: true, status: 'idle' }),
      all: true,
      verdict: 'referenced by stopped containers',
    },
    {
      name: 'protected anonymous',
      volume: volume(HEX('d'), { anonymous: true, protected: true }),
      all: false,
      verdict: 'protected',
    },
    {
      name: 'protected named with --all',
      volume: volume('keep-me', { protected: true }),
      all: true,
      verdict: 'protected',
    },
    // When several reasons hold, the first in this order is given: in use, stopped users, protected, named.
    {
      name: 'in use and protected: in use',
      volume: volume('both', { status: 'in-use', protected: true }),
      all: false,
      verdict: 'in use',
    },
    {
      name: 'idle and protected: stopped users',
      volume: volume('both', { status: 'idle', protected: true }),
      all: false,
      verdict: 'referenced by stopped containers',
    },
    {
      name: 'protected and named: protected',
      volume: volume('both', { protected: true }),
      all: false,
      verdict: 'protected',
    },
  ];
  for (const { name, volume: record, all, verdict } of cases) {
    test(`${name}: ${verdict}`, () => {
      const plan = planPrune([record], { all });
      if (verdict === 'remove') {
        assert.deepEqual(
          plan.remove.map((c) => c.name),
          [record.name],
        );
        assert.deepEqual(plan.skipped, []);
      } else {
        assert.deepEqual(plan.remove, []);
        assert.deepEqual(plan.skipped, [{ name: record.name, reason: verdict }]);
      }
    });
  }
});

describe('planPrune: a whole listing', () => {
  const listing = [
    volume(HEX('1'), { anonymous: true, sizeBytes: 1000 }),
    volume('named-big', { sizeBytes: 5_000_000 }),
    volume(HEX('2'), { anonymous: true, sizeBytes: null }), // size could not be had
    volume(HEX('3'), { anonymous: true }), // sizes not asked for
    volume(HEX('4'), { anonymous: true, sizeBytes: 0 }),
    volume('db', { status: 'in-use', sizeBytes: 9_000_000 }),
    volume('cache', { status: 'idle', anonymous: true, sizeBytes: 42 }),
    volume('precious', { protected: true, sizeBytes: 7 }),
  ];

  test('without --all', () => {
    const expected: PrunePlan = {
      remove: [
        {
          name: HEX('1'),
          driver: 'local',
          anonymous: true,
          sizeBytes: 1000,
          createdAt: '2026-01-01T00:00:00Z',
        },
        {
          name: HEX('2'),
          driver: 'local',
          anonymous: true,
          sizeBytes: null,
          createdAt: '2026-01-01T00:00:00Z',
        },
        {
          name: HEX('3'),
          driver: 'local',
          anonymous: true,
          sizeBytes: null,
          createdAt: '2026-01-01T00:00:00Z',
        },
        { name: HEX('4'), driver: 'local', anonymous: true, sizeBytes: 0, createdAt: '2026-01-01T00:00:00Z' },
      ],
      skipped: [
        { name: 'named-big', reason: 'named (use --all)' },
        { name: 'db', reason: 'in use' },
        { name: 'cache', reason: 'referenced by stopped containers' },
        { name: 'precious', reason: 'protected' },
      ],
      reclaimableBytes: 1000,
      unknownSizes: 2, // null and undefined both count as unknown; 0 is a known size
    };
    assert.deepEqual(planPrune(listing, { all: false }), expected);
  });

  test('with --all, named volumes are reclaimed too', () => {
    const plan = planPrune(listing, { all: true });
    assert.deepEqual(
      plan.remove.map((c) => c.name),
      [HEX('1'), 'named-big', HEX('2'), HEX('3'), HEX('4')],
    );
    assert.deepEqual(
      plan.skipped.map((s) => s.name),
      ['db', 'cache', 'precious'],
    );
    assert.equal(plan.reclaimableBytes, 5_001_000);
    assert.equal(plan.unknownSizes, 2);
  });

  test('nothing to prune', () => {
    assert.deepEqual(planPrune([], { all: true }), {
      remove: [],
      skipped: [],
      reclaimableBytes: 0,
      unknownSizes: 0,
    });
  });
});
