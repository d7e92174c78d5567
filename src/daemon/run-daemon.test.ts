import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listenUrl, parseListen } from './run-daemon.ts';

test('the announced address is the one asked for: 0.0.0.0 is not logged as 127.0.0.1', () => {
  const { host, port } = parseListen('0.0.0.0:7780');
  assert.equal(listenUrl(host, port), 'http://0.0.0.0:7780');
  const v6 = parseListen('[::1]:7780');
  assert.equal(listenUrl(v6.host, v6.port), 'http://[::1]:7780');
  assert.equal(listenUrl(parseListen(':7780').host, 7780), 'http://127.0.0.1:7780');
});
