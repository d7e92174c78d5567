import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostAllowed, hostName } from './host-check.ts';

test('loopback names and the listen address are accepted, with or without a port', () => {
  for (const host of [
    'localhost',
    'localhost:7780',
    '127.0.0.1:7780',
    '127.1.2.3',
    '[::1]:7780',
    'LOCALHOST',
  ])
    assert.equal(hostAllowed(host, '127.0.0.1'), true, host);
  assert.equal(hostAllowed('10.1.2.3:7780', '10.1.2.3'), true);
  assert.equal(hostAllowed('backup.lan:7780', '127.0.0.1', ['backup.lan']), true);
});

test('another name is refused: the DNS rebinding case', () => {
  for (const host of [
    'evil.example',
    'evil.example:7780',
    '127.0.0.1.evil.example',
    'localhost.evil',
    '',
    'a b',
  ])
    assert.equal(hostAllowed(host, '127.0.0.1'), false, host);
  // Listening everywhere still refuses names: only this host's own addresses.
  assert.equal(hostAllowed('evil.example', '0.0.0.0'), false);
  assert.equal(hostAllowed('203.0.113.9', '0.0.0.0'), false);
});

test('Host header parsing', () => {
  assert.equal(hostName('[::1]:80'), '::1');
  assert.equal(hostName('Example.COM.:8080'), 'example.com');
  assert.equal(hostName('bad/host'), undefined);
});
