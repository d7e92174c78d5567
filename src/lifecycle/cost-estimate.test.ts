import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IdleState } from '../history/idle-state.ts';
import type { VolumeRecord, VolumeStatus } from '../inventory/volume-record.ts';
import { categoryOf, estimateCost, formatCost, parsePrice, type CostCategory } from './cost-estimate.ts';

function volume(
  name: string,
  status: VolumeStatus,
  anonymous: boolean,
  sizeBytes: number | null,
  protectedVolume = false,
): VolumeRecord {
  return {
    name,
    driver: 'local',
    scope: 'local',
    mountpoint: `/m/${name}`,
    createdAt: '2026-01-01T00:00:00Z',
    labels: {},
    options: {},
    anonymous,
    composeProject: undefined,
    users: [],
    status,
    protected: protectedVolume,
    sizeBytes,
  };
}

describe('categoryOf (the glossary)', () => {
  const cases: [VolumeStatus, boolean, CostCategory | undefined][] = [
    ['dangling', true, 'orphan'],
    ['dangling', false, 'dangling'],
    ['idle', true, 'idle'],
    ['idle', false, 'idle'],
    ['in-use', true, undefined],
    ['in-use', false, undefined],
  ];
  for (const [status, anonymous, expected] of cases) {
    test(`${status}, ${anonymous ? 'anonymous' : 'named'}: ${expected ?? 'not counted'}`, () =>
      assert.equal(categoryOf({ status, anonymous }), expected));
  }
});

describe('estimateCost', () => {
  const listing = [
    volume('orphan-1', 'dangling', true, 50e9), // 50 GB
    volume('orphan-2', 'dangling', true, 2.5e9),
    volume('old-db', 'dangling', false, 10e9, true), // protected still costs
    volume('cache', 'idle', false, 1e9),
    volume('unknown', 'dangling', true, null),
    volume('live', 'in-use', false, 100e9),
  ];

  test('per volume, most expensive first, unknown sizes last; in-use volumes are not counted', () => {
    const estimate = estimateCost(listing, 0.1);
    assert.deepEqual(
      estimate.volumes.map((v) => [
        v.name,
        v.category,
        v.monthlyCost === null ? null : Number(v.monthlyCost.toFixed(4)),
      ]),
      [
        ['orphan-1', 'orphan', 5],
        ['old-db', 'dangling', 1],
        ['orphan-2', 'orphan', 0.25],
        ['cache', 'idle', 0.1],
        ['unknown', 'orphan', null],
      ],
    );
    assert.equal(estimate.volumes.find((v) => v.name === 'old-db')!.protected, true);
  });

  test('totals per category and overall; unknown sizes are counted apart', () => {
    const estimate = estimateCost(listing, 0.1);
    const round = (n: number) => Number(n.toFixed(6));
    assert.deepEqual(
      { ...estimate.byCategory.orphan, monthlyCost: round(estimate.byCategory.orphan.monthlyCost) },
      { volumes: 3, bytes: 52.5e9, monthlyCost: 5.25, unknownSizes: 1 },
    );
    assert.deepEqual(estimate.byCategory.dangling, {
      volumes: 1,
      bytes: 10e9,
      monthlyCost: 1,
      unknownSizes: 0,
    });
    assert.equal(round(estimate.byCategory.idle.monthlyCost), 0.1);
    assert.deepEqual(
      { ...estimate.total, monthlyCost: round(estimate.total.monthlyCost) },
      { volumes: 5, bytes: 63.5e9, monthlyCost: 6.35, unknownSizes: 1 },
    );
  });

  test("the seeds' CI story: 5,000 orphaned 100 GB volumes at 0.10 are 50,000 a month", () => {
    const ci = Array.from({ length: 5000 }, (_, i) => volume(`ci-${i}`, 'dangling', true, 100e9));
    assert.equal(Math.round(estimateCost(ci, 0.1).total.monthlyCost), 50_000);
  });

  test("the history's idle time is given where it knows the volume", () => {
    const idle = new Map<string, IdleState>([
      [
        'cache',
        {
          lastUsedAt: new Date('2026-02-01T00:00:00Z'),
          idleForMs: 86_400_000,
          certainty: 'unknown',
          inUse: false,
          gap: undefined,
        },
      ],
    ]);
    const lines = estimateCost(listing, 0.1, idle).volumes;
    const cache = lines.find((v) => v.name === 'cache')!;
    assert.deepEqual(
      [cache.lastUsedAt, cache.unusedForMs, cache.certainty],
      ['2026-02-01T00:00:00.000Z', 86_400_000, 'unknown'],
    );
    const other = lines.find((v) => v.name === 'orphan-1')!;
    assert.deepEqual([other.lastUsedAt, other.unusedForMs, other.certainty], [null, null, null]);
  });

  test('nothing unused: empty, zero', () => {
    const estimate = estimateCost([volume('live', 'in-use', false, 1)], 0.1);
    assert.deepEqual(estimate.volumes, []);
    assert.deepEqual(estimate.total, { volumes: 0, bytes: 0, monthlyCost: 0, unknownSizes: 0 });
  });
});

describe('parsePrice and formatCost', () => {
  for (const [text, price] of [
    ['0.10', 0.1],
    ['0.023', 0.023],
    ['1', 1],
    [' 2.5 ', 2.5],
    ['0', 0],
  ] as const) {
    test(`"${text}" is ${price}`, () => assert.equal(parsePrice(text), price));
  }
  for (const text of ['', 'abc', '-1', '1e3', '0,10', '$0.10', '.5']) {
    test(`"${text}" is refused`, () =>
      assert.throws(() => parsePrice(text), {
        kind: 'invalid',
        message: `invalid --price-per-gb-month "${text}"`,
      }));
  }
  for (const [cost, text] of [
    [0, '0.00'],
    [0.001, '<0.01'],
    [0.005, '0.01'],
    [5.25, '5.25'],
    [50000, '50000.00'],
  ] as const) {
    test(`${cost} prints ${text}`, () => assert.equal(formatCost(cost), text));
  }
});
