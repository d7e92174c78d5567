import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { forEachLimited, mapLimited } from './concurrency.ts';

/** Work that records how many calls overlap; each call waits a few turns of the event loop. */
function tracked<T, R>(fn: (item: T) => R, turns: (item: T) => number = () => 2) {
  const stats = { inFlight: 0, max: 0, started: [] as T[] };
  const work = async (item: T): Promise<R> => {
    stats.started.push(item);
    stats.inFlight++;
    stats.max = Math.max(stats.max, stats.inFlight);
    for (let i = 0; i < turns(item); i++) await tick();
    stats.inFlight--;
    return fn(item);
  };
  return { stats, work };
}

describe('mapLimited', () => {
  const cases: { items: number; limit: number; expectedMax: number }[] = [
    { items: 10, limit: 3, expectedMax: 3 },
    { items: 10, limit: 1, expectedMax: 1 },
    { items: 2, limit: 8, expectedMax: 2 }, // never more lanes than items
    { items: 5, limit: 0, expectedMax: 1 }, // a limit below 1 still makes progress
    { items: 5, limit: -4, expectedMax: 1 },
    { items: 6, limit: 6, expectedMax: 6 },
  ];
  for (const { items, limit, expectedMax } of cases) {
    test(`${items} items, limit ${limit}: at most ${expectedMax} in flight, order kept`, async () => {
      const input = Array.from({ length: items }, (_, i) => i);
      // Later items finish first, so completion order differs from input order.
      const { stats, work } = tracked(
        (n: number) => `#${n}`,
        (n) => items - n,
      );
      const result = await mapLimited(input, limit, work);
      assert.deepEqual(
        result,
        input.map((n) => `#${n}`),
      );
      assert.equal(stats.max, expectedMax);
      assert.deepEqual(stats.started, input, 'items start in order');
      assert.equal(stats.inFlight, 0);
    });
  }

  test('an empty list resolves to an empty list without calling work', async () => {
    let calls = 0;
    const result = await mapLimited([], 4, async () => {
      calls++;
      await tick();
    });
    assert.deepEqual(result, []);
    assert.equal(calls, 0);
  });

  test('the first failure rejects the whole call', async () => {
    const boom = new Error('boom on 3');
    const { work } = tracked((n: number) => {
      if (n === 3) throw boom;
      return n;
    });
    await assert.rejects(mapLimited([1, 2, 3, 4, 5], 2, work), (error) => error === boom);
  });
});

describe('forEachLimited', () => {
  test('visits every item once with at most `limit` in flight', async () => {
    const seen: string[] = [];
    const { stats, work } = tracked(
      (item: string) => void seen.push(item),
      (item) => item.length,
    );
    await forEachLimited(['a', 'bbb', 'cc', 'dddd', 'e', 'ff', 'ggg'], 3, work);
    assert.deepEqual([...seen].sort(), ['a', 'bbb', 'cc', 'dddd', 'e', 'ff', 'ggg']);
    assert.equal(stats.max, 3);
  });

  test('a rejection propagates and stops the lane that failed', async () => {
    const { stats, work } = tracked((n: number) => {
      if (n === 0) throw new Error('first item fails');
    });
    await assert.rejects(forEachLimited([0, 1, 2, 3], 1, work), { message: 'first item fails' });
    assert.deepEqual(stats.started, [0], 'with one lane nothing runs after the failure');
  });
});
