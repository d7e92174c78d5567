import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { VolumeLimiter } from './volume-limiter.ts';

/** A piece of work that runs until released, recording how many run at once. */
function gate() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { done, release };
}

describe('VolumeLimiter', () => {
  test('at most `limit` volumes at once, the others queue in order', async () => {
    const limiter = new VolumeLimiter(2);
    const never = new AbortController().signal;
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    let peak = 0;
    const all = gates.map((g, i) =>
      limiter.run(`v${i}`, never, async () => {
        started.push(i);
        peak = Math.max(peak, limiter.active);
        await g.done;
        return i;
      }),
    );
    await tick();
    assert.deepEqual(started, [0, 1]);
    gates[1]!.release();
    await tick();
    await tick();
    assert.deepEqual(started, [0, 1, 2]);
    for (const g of gates) g.release();
    assert.deepEqual(await Promise.all(all), [0, 1, 2, 3]);
    assert.equal(peak, 2);
    assert.equal(limiter.active, 0);
  });

  test('one volume never runs twice at once, even with free slots', async () => {
    const limiter = new VolumeLimiter(4);
    const never = new AbortController().signal;
    const first = gate();
    const order: string[] = [];
    const a = limiter.run('pg-data', never, async () => {
      order.push('first start');
      await first.done;
      order.push('first end');
    });
    const b = limiter.run('pg-data', never, () => Promise.resolve(void order.push('second start')));
    const other = limiter.run('uploads', never, () => Promise.resolve(void order.push('other')));
    await other;
    assert.deepEqual(order, ['first start', 'other']);
    first.release();
    await Promise.all([a, b]);
    assert.deepEqual(order, ['first start', 'other', 'first end', 'second start']);
  });

  test('a failing run frees its volume and its slot', async () => {
    const limiter = new VolumeLimiter(1);
    const never = new AbortController().signal;
    await assert.rejects(
      limiter.run('v', never, () => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(await limiter.run('v', never, () => Promise.resolve('after')), 'after');
  });

  test('aborted while waiting: the work never runs, and the queue moves on', async () => {
    const limiter = new VolumeLimiter(1);
    const never = new AbortController().signal;
    const busy = gate();
    const holder = limiter.run('a', never, () => busy.done);
    const controller = new AbortController();
    let ran = false;
    const waiting = limiter.run('b', controller.signal, () => {
      ran = true;
      return Promise.resolve();
    });
    const later = limiter.run('c', never, () => Promise.resolve('c ran'));
    controller.abort(new Error('shutting down'));
    await assert.rejects(waiting, /shutting down/);
    busy.release();
    await holder;
    assert.equal(await later, 'c ran');
    assert.equal(ran, false);
  });

  test('already aborted: refused at once', async () => {
    const limiter = new VolumeLimiter(1);
    await assert.rejects(
      limiter.run('v', AbortSignal.abort(new Error('gone')), () => Promise.resolve()),
      /gone/,
    );
  });

  test('a raised limit starts queued work at once', async () => {
    const limiter = new VolumeLimiter(1);
    const never = new AbortController().signal;
    const busy = gate();
    const first = limiter.run('a', never, () => busy.done);
    let second = false;
    const queued = limiter.run('b', never, () => {
      second = true;
      return Promise.resolve();
    });
    await tick();
    assert.equal(second, false);
    limiter.setLimit(2);
    await queued;
    assert.equal(second, true);
    busy.release();
    await first;
  });
});
