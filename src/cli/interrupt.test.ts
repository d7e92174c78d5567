import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Interrupted, signalExitCode, withInterrupt } from './interrupt.ts';

test('Ctrl-C aborts the work, lets it clean up, and ends as Interrupted with exit code 130', async () => {
  const notes: string[] = [];
  let cleanedUp = false;
  await assert.rejects(
    withInterrupt(
      (text) => notes.push(text),
      async (signal) => {
        process.emit('SIGINT', 'SIGINT');
        assert.equal(signal.aborted, true);
        try {
          await Promise.reject(new Error('the aborted step failed'));
        } finally {
          cleanedUp = true;
        }
      },
    ),
    (error) => {
      assert.ok(error instanceof Interrupted);
      assert.equal(error.code, 130);
      assert.equal(error.message, 'interrupted by SIGINT; cleaned up');
      return true;
    },
  );
  assert.equal(cleanedUp, true);
  assert.match(notes[0]!, /SIGINT: stopping and cleaning up/);
  assert.equal(process.listenerCount('SIGINT'), 0, 'the handler is removed afterwards');
});

test('work that ends without an interrupt returns its result', async () => {
  assert.equal(
    await withInterrupt(
      () => undefined,
      () => Promise.resolve(42),
    ),
    42,
  );
});

test('exit codes are 128 + the signal number', () => {
  assert.equal(signalExitCode('SIGINT'), 130);
  assert.equal(signalExitCode('SIGTERM'), 143);
});
