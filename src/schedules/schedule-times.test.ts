import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jitterDelay, lateness, missedRuns, nextFires, slotAt } from './schedule-times.ts';

// Times in these tests are UTC; cron expressions are read in the process's zone, so pin it.
process.env.TZ = 'UTC';
const at = (iso: string) => new Date(iso);
const isos = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('nextFires and slotAt', () => {
  test('every three seconds', () => {
    assert.deepEqual(isos(nextFires('*/3 * * * * *', at('2026-01-01T00:00:01.500Z'), 3)), [
      '2026-01-01T00:00:03.000Z',
      '2026-01-01T00:00:06.000Z',
      '2026-01-01T00:00:09.000Z',
    ]);
  });

  test('nicknames', () => {
    const from = at('2026-01-01T10:30:00Z'); // a Thursday
    assert.deepEqual(isos(nextFires('@hourly', from)), ['2026-01-01T11:00:00.000Z']);
    assert.deepEqual(isos(nextFires('@daily', from)), ['2026-01-02T00:00:00.000Z']);
    assert.deepEqual(isos(nextFires('@weekly', from)), ['2026-01-04T00:00:00.000Z']);
    assert.deepEqual(isos(nextFires('@monthly', from)), ['2026-02-01T00:00:00.000Z']);
  });

  test('a fire is strictly after the reference', () => {
    assert.deepEqual(isos(nextFires('@daily', at('2026-01-02T00:00:00Z'))), ['2026-01-03T00:00:00.000Z']);
  });

  test('the slot of a firing that ran a little late is the fire time', () => {
    assert.equal(
      slotAt('*/3 * * * * *', at('2026-01-01T00:00:06.012Z'))?.toISOString(),
      '2026-01-01T00:00:06.000Z',
    );
    assert.equal(slotAt('@daily', at('2026-01-01T00:00:00.000Z'))?.toISOString(), '2026-01-01T00:00:00.000Z');
  });
});

describe('missedRuns (catch-up)', () => {
  const cases: [string, string, string | undefined, string, string[]][] = [
    ['nothing known yet: no catch-up', '@daily', undefined, '2026-01-10T12:00:00Z', []],
    ['fired at the last slot: nothing missed', '@daily', '2026-01-10T00:00:00Z', '2026-01-10T12:00:00Z', []],
    [
      'down over one slot',
      '@daily',
      '2026-01-09T00:00:00Z',
      '2026-01-10T12:00:00Z',
      ['2026-01-10T00:00:00.000Z'],
    ],
    [
      'down over three slots: all listed, oldest first',
      '@daily',
      '2026-01-07T00:00:00Z',
      '2026-01-10T12:00:00Z',
      ['2026-01-08T00:00:00.000Z', '2026-01-09T00:00:00.000Z', '2026-01-10T00:00:00.000Z'],
    ],
    [
      'a slot exactly now counts',
      '@hourly',
      '2026-01-10T11:00:00Z',
      '2026-01-10T12:00:00Z',
      ['2026-01-10T12:00:00.000Z'],
    ],
    ['a clock set back: nothing', '@hourly', '2026-01-10T15:00:00Z', '2026-01-10T12:00:00Z', []],
    [
      'seconds',
      '*/3 * * * * *',
      '2026-01-10T12:00:00Z',
      '2026-01-10T12:00:07Z',
      ['2026-01-10T12:00:03.000Z', '2026-01-10T12:00:06.000Z'],
    ],
  ];
  for (const [name, cron, last, now, expected] of cases) {
    test(name, () =>
      assert.deepEqual(isos(missedRuns(cron, last ? at(last) : undefined, at(now))), expected),
    );
  }

  test('a long outage lists at most `limit` slots (the decision needs one)', () => {
    const missed = missedRuns('*/3 * * * * *', at('2025-01-01T00:00:00Z'), at('2026-01-01T00:00:00Z'), 5);
    assert.equal(missed.length, 5);
    assert.equal(missed[0]?.toISOString(), '2025-01-01T00:00:03.000Z');
    assert.equal(missedRuns('@daily', at('2020-01-01T00:00:00Z'), at('2026-01-01T00:00:00Z'), 1).length, 1);
  });
});

describe('lateness', () => {
  const now = at('2026-01-10T12:00:00Z'); // @daily fired at 2026-01-10 and 2026-01-09 00:00 before now
  const cases: [string, string | undefined, string, boolean][] = [
    ['succeeded at the last fire', '2026-01-10T00:00:00Z', '2026-01-01T00:00:00Z', false],
    [
      'the last fire failed, the one before succeeded: one miss is allowed',
      '2026-01-09T00:00:00Z',
      '2026-01-01T00:00:00Z',
      false,
    ],
    ['two fires without success', '2026-01-08T00:00:00Z', '2026-01-01T00:00:00Z', true],
    ['never succeeded, exists for long', undefined, '2026-01-01T00:00:00Z', true],
    ['never succeeded, but new: not late yet', undefined, '2026-01-09T06:00:00Z', false],
    ['never succeeded, seen exactly at the second-last fire', undefined, '2026-01-09T00:00:00Z', false],
  ];
  for (const [name, lastSuccess, firstSeen, late] of cases) {
    test(name, () => {
      const why = lateness(
        '@daily',
        { firstSeen: at(firstSeen), lastSuccess: lastSuccess ? at(lastSuccess) : undefined },
        now,
      );
      assert.equal(why !== undefined, late, why);
    });
  }

  test('the reason says when the last success was', () => {
    assert.equal(
      lateness(
        '@daily',
        { firstSeen: at('2026-01-01T00:00:00Z'), lastSuccess: at('2026-01-05T00:00:00Z') },
        now,
      ),
      'last success 2026-01-05T00:00:00.000Z, none since the fires of 2026-01-09T00:00:00.000Z and after',
    );
  });

  test('a fast schedule is late after two periods without success', () => {
    const input = { firstSeen: at('2026-01-10T11:00:00Z'), lastSuccess: at('2026-01-10T11:59:54Z') };
    assert.equal(lateness('*/3 * * * * *', input, at('2026-01-10T11:59:59Z')), undefined);
    assert.notEqual(lateness('*/3 * * * * *', input, at('2026-01-10T12:00:00.500Z')), undefined);
  });
});

describe('jitterDelay', () => {
  test('no jitter, no delay', () => {
    assert.equal(
      jitterDelay(0, () => 0.7),
      0,
    );
    assert.equal(
      jitterDelay(-5, () => 0.7),
      0,
    );
  });

  test('bounds: from 0 up to, never reaching, the maximum', () => {
    assert.equal(
      jitterDelay(300_000, () => 0),
      0,
    );
    assert.equal(
      jitterDelay(300_000, () => 0.5),
      150_000,
    );
    assert.equal(
      jitterDelay(300_000, () => 0.999_999_999),
      299_999,
    );
    assert.equal(
      jitterDelay(300_000, () => 1),
      299_999,
      'a random source returning 1 still stays below',
    );
  });

  test('Math.random stays within bounds and spreads', () => {
    const delays = Array.from({ length: 2000 }, () => jitterDelay(1000));
    assert.ok(delays.every((d) => Number.isInteger(d) && d >= 0 && d < 1000));
    assert.ok(Math.min(...delays) < 100 && Math.max(...delays) > 900, 'spread over the range');
  });
});
