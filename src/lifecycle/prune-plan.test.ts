import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IdleState } from '../history/idle-state.ts';
import type { VolumeRecord, VolumeStatus } from '../inventory/volume-record.ts';
import { formatSpan, planPrune, type PrunePlan, type SkippedVolume, type UnusedFor } from './prune-plan.ts';

const HEX = (c: string) => c.repeat(64);

function volume(
  name: string,
  fields: {
    status?: VolumeStatus;
    anonymous?: boolean;
    protected?: boolean;
    sizeBytes?: number | null;
    createdAt?: string;
  } = {},
): VolumeRecord {
  const record: VolumeRecord = {
    name,
    driver: 'local',
    scope: 'local',
    mountpoint: `/var/lib/docker/volumes/${name}/_data`,
    createdAt: 'createdAt' in fields ? fields.createdAt : '2026-01-01T00:00:00Z',
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

describe('planPrune --unused-for', () => {
  const NOW = new Date('2026-03-01T00:00:00Z');
  const DAY = 86_400_000;
  const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
  const D = 30 * DAY;
  const state = (fields: Partial<IdleState>): IdleState => ({
    lastUsedAt: undefined,
    idleForMs: 0,
    certainty: 'known',
    inUse: false,
    gap: undefined,
    ...fields,
  });
  const gap = { from: ago(10), to: ago(9), reason: 'the engine restarted' };

  const cases: {
    name: string;
    createdAt?: string;
    idle: IdleState | undefined;
    expected: UnusedFor | { reason: SkippedVolume['reason']; detail: string };
  }[] = [
    {
      name: 'known idle for 45 days: removed',
      idle: state({ lastUsedAt: ago(45), idleForMs: 45 * DAY }),
      expected: {
        basis: 'history',
        lastUsedAt: ago(45).toISOString(),
        idleForMs: 45 * DAY,
        certainty: 'known',
        note: undefined,
      },
    },
    {
      name: 'exactly D: removed',
      idle: state({ lastUsedAt: ago(30), idleForMs: D }),
      expected: {
        basis: 'history',
        lastUsedAt: ago(30).toISOString(),
        idleForMs: D,
        certainty: 'known',
        note: undefined,
      },
    },
    {
      name: 'used 3 days ago: kept',
      idle: state({ lastUsedAt: ago(3), idleForMs: 3 * DAY }),
      expected: { reason: 'used recently', detail: `last used ${ago(3).toISOString()}, less than 30d ago` },
    },
    {
      name: 'never used, created 10 days ago: kept',
      idle: state({ idleForMs: 10 * DAY }),
      expected: { reason: 'used recently', detail: 'never seen used, created less than 30d ago' },
    },
    {
      name: 'in use when last seen: kept',
      idle: state({ lastUsedAt: NOW, inUse: true }),
      expected: { reason: 'used recently', detail: 'in use when last seen by the daemon' },
    },
    {
      name: 'idle 45 days as far as seen, but a gap 10 days ago: unknown, kept',
      idle: state({ lastUsedAt: ago(45), idleForMs: 9 * DAY, certainty: 'unknown', gap }),
      expected: {
        reason: 'idle time unknown',
        detail: `last used ${ago(45).toISOString()}, but the history has a gap within the last 30d (${ago(10).toISOString()} to ${ago(9).toISOString()}: the engine restarted)`,
      },
    },
    {
      name: 'a gap 40 days ago, none since, last used 60 days ago: the last 30 days are known, removed',
      idle: state({
        lastUsedAt: ago(60),
        idleForMs: 39 * DAY,
        certainty: 'unknown',
        gap: { from: ago(40), to: ago(39), reason: 'x' },
      }),
      expected: {
        basis: 'history',
        lastUsedAt: ago(60).toISOString(),
        idleForMs: 39 * DAY,
        certainty: 'unknown',
        note: 'unused for at least 39d; before that, unknown',
      },
    },
    {
      name: 'used 3 days ago and a gap since: used recently, certainly',
      idle: state({
        lastUsedAt: ago(3),
        idleForMs: 1 * DAY,
        certainty: 'unknown',
        gap: { from: ago(2), to: ago(1), reason: 'x' },
      }),
      expected: { reason: 'used recently', detail: `last used ${ago(3).toISOString()}, less than 30d ago` },
    },
    {
      name: 'the daemon is not recording now: unknown, kept',
      idle: state({
        lastUsedAt: ago(90),
        idleForMs: 0,
        certainty: 'unknown',
        gap: { from: ago(5), to: NOW, reason: 'not recording' },
      }),
      expected: {
        reason: 'idle time unknown',
        detail: `last used ${ago(90).toISOString()}, but the history has a gap within the last 30d (${ago(5).toISOString()} to ${NOW.toISOString()}: not recording)`,
      },
    },
    {
      name: 'no creation time and the history does not reach back: unknown, kept',
      idle: state({ idleForMs: 5 * DAY, certainty: 'unknown' }),
      expected: {
        reason: 'idle time unknown',
        detail: 'never seen used, but the history does not go back 30d',
      },
    },
    {
      name: 'no history, created 100 days ago: removed, counted from creation, and said so',
      createdAt: ago(100).toISOString(),
      idle: undefined,
      expected: {
        basis: 'creation',
        lastUsedAt: null,
        idleForMs: 100 * DAY,
        certainty: 'unknown',
        note: 'no history of its use: counted from its creation',
      },
    },
    {
      name: 'no history, created 2 days ago: kept',
      createdAt: ago(2).toISOString(),
      idle: undefined,
      expected: { reason: 'used recently', detail: 'created 2d ago, less than 30d (no history of it)' },
    },
    {
      name: 'no history and no creation time: unknown, kept',
      createdAt: undefined,
      idle: undefined,
      expected: {
        reason: 'idle time unknown',
        detail: 'no history of it and the engine gives no creation time',
      },
    },
  ];

  for (const c of cases) {
    test(c.name, () => {
      const record = volume(HEX('e'), {
        anonymous: true,
        sizeBytes: 10,
        createdAt: 'createdAt' in c ? c.createdAt : ago(365).toISOString(),
      });
      const idle = new Map(c.idle ? [[record.name, c.idle]] : []);
      const plan = planPrune([record], { all: false, unusedForMs: D }, idle, NOW);
      if ('reason' in c.expected) {
        assert.deepEqual(plan.remove, []);
        assert.deepEqual(plan.skipped, [{ name: record.name, ...c.expected }]);
      } else {
        assert.deepEqual(plan.skipped, []);
        assert.deepEqual(plan.remove[0]?.unused, c.expected);
      }
    });
  }

  test('the history never overrides the other rules: in use, stopped users, protected, named', () => {
    const idleForever = state({ lastUsedAt: ago(400), idleForMs: 400 * DAY });
    const listing = [
      volume('running', { status: 'in-use' }),
      volume('stopped', { status: 'idle' }),
      volume(HEX('p'), { anonymous: true, protected: true }),
      volume('named'),
    ];
    const idle = new Map(listing.map((v) => [v.name, idleForever]));
    const plan = planPrune(listing, { all: false, unusedForMs: D }, idle, NOW);
    assert.deepEqual(plan.remove, []);
    assert.deepEqual(
      plan.skipped.map((s) => s.reason),
      ['in use', 'referenced by stopped containers', 'protected', 'named (use --all)'],
    );
  });

  test('without --unused-for, idle states are not read and candidates carry nothing new', () => {
    const record = volume(HEX('f'), { anonymous: true, sizeBytes: 1 });
    const plan = planPrune([record], { all: false }, new Map([[record.name, state({ inUse: true })]]), NOW);
    assert.deepEqual(Object.keys(plan.remove[0]!).sort(), [
      'anonymous',
      'createdAt',
      'driver',
      'name',
      'sizeBytes',
    ]);
  });

  test('reclaimable space counts only what --unused-for lets through', () => {
    const old = volume(HEX('1'), { anonymous: true, sizeBytes: 100 });
    const recent = volume(HEX('2'), { anonymous: true, sizeBytes: 999 });
    const idle = new Map([
      [old.name, state({ lastUsedAt: ago(40), idleForMs: 40 * DAY })],
      [recent.name, state({ lastUsedAt: ago(1), idleForMs: DAY })],
    ]);
    const plan = planPrune([old, recent], { all: false, unusedForMs: D }, idle, NOW);
    assert.equal(plan.reclaimableBytes, 100);
    assert.deepEqual(
      plan.remove.map((c) => c.name),
      [old.name],
    );
  });
});

describe('formatSpan', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [999, '0s'],
    [45_000, '45s'],
    [90_000, '1m 30s'],
    [3_600_000, '1h'],
    [30 * 86_400_000, '30d'],
    [86_400_000 + 4 * 3_600_000 + 59_000, '1d 4h'],
  ];
  for (const [ms, text] of cases) test(`${ms} ms: ${text}`, () => assert.equal(formatSpan(ms), text));
});
