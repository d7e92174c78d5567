import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EngineEvent } from '../engine/contract.ts';
import { HELPER_IMAGE } from '../engine/helper-containers.ts';
import { eventKey, isHelper, recordedEvent, type RecordedEvent } from './recorder-events.ts';

const C = 'c0ffee'.padEnd(64, '0');
function event(
  type: string,
  action: string,
  id: string,
  attributes: Record<string, string> = {},
): EngineEvent {
  return { type, action, id, name: undefined, attributes, time: 1000, timeNano: 1_000_000_123n };
}

describe('recordedEvent', () => {
  const cases: [string, EngineEvent, RecordedEvent | undefined][] = [
    [
      'a volume mount, read-write',
      event('volume', 'mount', 'pg-data', { container: C, destination: '/data', 'read/write': 'true' }),
      {
        kind: 'volume',
        action: 'mount',
        volume: 'pg-data',
        containerId: C,
        destination: '/data',
        readOnly: false,
      },
    ],
    [
      'a read-only mount',
      event('volume', 'mount', 'v', { container: C, destination: '/d', 'read/write': 'false' }),
      { kind: 'volume', action: 'mount', volume: 'v', containerId: C, destination: '/d', readOnly: true },
    ],
    [
      'an unmount names the container only',
      event('volume', 'unmount', 'v', { container: C, driver: 'local' }),
      {
        kind: 'volume',
        action: 'unmount',
        volume: 'v',
        containerId: C,
        destination: undefined,
        readOnly: undefined,
      },
    ],
    [
      'a volume create',
      event('volume', 'create', 'v', { driver: 'local' }),
      {
        kind: 'volume',
        action: 'create',
        volume: 'v',
        containerId: undefined,
        destination: undefined,
        readOnly: undefined,
      },
    ],
    [
      'a container create, with its labels',
      event('container', 'create', C, { name: 'db', image: 'postgres:16', 'com.example': 'x' }),
      { kind: 'container', action: 'create', id: C, name: 'db', image: 'postgres:16', helper: false },
    ],
    [
      "a helper's destroy",
      event('container', 'destroy', C, { name: 'x', image: 'busybox', 'stowage.helper': 'backup' }),
      { kind: 'container', action: 'destroy', id: C, name: 'x', image: 'busybox', helper: true },
    ],
    [
      'a container start is not recorded',
      event('container', 'start', C, { name: 'db', image: 'i' }),
      undefined,
    ],
    ['a volume prune is not recorded', event('volume', 'prune', ''), undefined],
    ['an image event is not recorded', event('image', 'pull', 'busybox'), undefined],
    ['an exec is not recorded', event('container', 'exec_start: sh', C), undefined],
  ];
  for (const [name, input, expected] of cases)
    test(name, () => assert.deepEqual(recordedEvent(input), expected));
});

describe('isHelper', () => {
  test('by label, whatever the image', () =>
    assert.equal(isHelper({ 'stowage.helper': 'restore' }, 'x'), true));
  test("by Stowage's image, of any version", () => {
    assert.equal(isHelper({}, HELPER_IMAGE), true);
    assert.equal(isHelper({}, 'stowage/helper:0.0.1'), true);
  });
  test('anything else is a user', () => {
    assert.equal(isHelper({ 'stowage.protect': 'true' }, 'stowage/helperish:1'), false);
    assert.equal(isHelper({}, 'busybox'), false);
  });
});

describe('eventKey', () => {
  test('two containers mounting one volume at the same instant are two events', () => {
    const a = event('volume', 'mount', 'v', { container: 'a', destination: '/d' });
    const b = event('volume', 'mount', 'v', { container: 'b', destination: '/d' });
    assert.notEqual(eventKey(a), eventKey(b));
    assert.equal(eventKey(a), eventKey({ ...a, attributes: { ...a.attributes } }));
  });
  test('one volume at two paths of one container is two events', () => {
    const a = event('volume', 'mount', 'v', { container: 'a', destination: '/one' });
    const b = event('volume', 'mount', 'v', { container: 'a', destination: '/two' });
    assert.notEqual(eventKey(a), eventKey(b));
  });
});
