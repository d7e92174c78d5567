import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonLine, listenUrl, parseListen } from './run-daemon.ts';

test('the announced address is the one asked for: 0.0.0.0 is not logged as 127.0.0.1', () => {
  const { host, port } = parseListen('0.0.0.0:7780');
  assert.equal(listenUrl(host, port), 'http://0.0.0.0:7780');
  const v6 = parseListen('[::1]:7780');
  assert.equal(listenUrl(v6.host, v6.port), 'http://[::1]:7780');
  assert.equal(listenUrl(parseListen(':7780').host, 7780), 'http://127.0.0.1:7780');
});

test('every log line says "stowage daemon:" once, also the history recorder\'s', () => {
  assert.equal(daemonLine('stowage daemon: history: reconnecting'), 'stowage daemon: history: reconnecting');
  assert.equal(
    daemonLine('schedule nightly: missed a fire'),
    'stowage daemon: schedule nightly: missed a fire',
  );
});
