import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStowageError } from '../core/errors.ts';
import { DEFAULT_STOP_TIMEOUT, parseStopTimeout, planConsistency } from './consistency.ts';

test('--stop-timeout takes whole seconds, 0 or more, as docker stop --time', () => {
  assert.equal(parseStopTimeout(undefined), undefined);
  assert.equal(parseStopTimeout('0'), 0);
  assert.equal(parseStopTimeout('2'), 2);
  assert.equal(parseStopTimeout(' 30 '), 30);
  assert.equal(DEFAULT_STOP_TIMEOUT, 10);
  for (const bad of ['', '-1', '1.5', 'soon', '1e3', '9999999']) {
    assert.throws(
      () => parseStopTimeout(bad),
      (error) => isStowageError(error, 'invalid') && error.message === `invalid --stop-timeout "${bad}"`,
      bad,
    );
  }
});

test('--stop holds only running containers, once each', () => {
  const users = [
    { containerId: 'a', containerName: 'app', running: true, labels: {} },
    { containerId: 'a', containerName: 'app', running: true, labels: {} },
    { containerId: 'b', containerName: 'parked', running: false, labels: {} },
  ];
  assert.deepEqual(
    planConsistency(users, { stop: true, stopTimeout: 2 }).map((a) => [a.name, a.hold]),
    [['app', 'stop']],
  );
});
