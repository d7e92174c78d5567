import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventsQuery, eventTimeParameter, parseEventLine } from './docker-events.ts';

// Recorded from Docker 20.10 (API 1.41): `docker run --rm -v v1:/data busybox true`.
const CONTAINER = '23897619f84cbb3a94029646ccfb0d79e8e2e0d289b0c62f89e36a6ecf1254c1';
const MOUNT = `{"Type":"volume","Action":"mount","Actor":{"ID":"v1","Attributes":{"container":"${CONTAINER}","destination":"/data","driver":"local","propagation":"","read/write":"true"}},"scope":"local","time":1795640667,"timeNano":1795640667478427544}`;
const CREATE = `{"status":"create","id":"${CONTAINER}","from":"stowage-test/busybox","Type":"container","Action":"create","Actor":{"ID":"${CONTAINER}","Attributes":{"image":"stowage-test/busybox","name":"compassionate_curie","stowage.helper":"backup"}},"scope":"local","time":1795640667,"timeNano":1795640667469703232}`;

describe('parseEventLine', () => {
  test('a volume mount: the volume is the actor, the container and destination are attributes', () => {
    assert.deepEqual(parseEventLine(MOUNT), {
      type: 'volume',
      action: 'mount',
      id: 'v1',
      name: 'v1',
      attributes: {
        container: CONTAINER,
        destination: '/data',
        driver: 'local',
        propagation: '',
        'read/write': 'true',
      },
      time: 1795640667478,
      timeNano: 1795640667478427544n,
    });
  });

  test('a container event: named by its attributes, which carry its labels', () => {
    const event = parseEventLine(CREATE)!;
    assert.equal(event.type, 'container');
    assert.equal(event.action, 'create');
    assert.equal(event.id, CONTAINER);
    assert.equal(event.name, 'compassionate_curie');
    assert.equal(event.attributes['stowage.helper'], 'backup');
  });

  test('timeNano is exact, beyond what a double holds', () => {
    assert.equal(parseEventLine(MOUNT)!.timeNano.toString(), '1795640667478427544');
    assert.notEqual(Number('1795640667478427544').toString(), '1795640667478427544');
  });

  test('an attribute that looks like timeNano does not fool the parser', () => {
    const line =
      '{"Type":"container","Action":"create","Actor":{"ID":"x","Attributes":{"note":"\\"timeNano\\":5","timeNano":"7"}},"time":2,"timeNano":2000000001}';
    assert.equal(parseEventLine(line)!.timeNano, 2000000001n);
  });

  test('without timeNano, the seconds are used; without Action, the old status field', () => {
    const event = parseEventLine('{"Type":"image","status":"pull","id":"busybox","time":1700000000}')!;
    assert.equal(event.timeNano, 1700000000000000000n);
    assert.equal(event.time, 1700000000000);
    assert.equal(event.action, 'pull');
    assert.equal(event.id, 'busybox');
    assert.equal(event.name, undefined);
  });

  test('blank lines are skipped, broken ones throw', () => {
    assert.equal(parseEventLine('  \r'), undefined);
    assert.throws(() => parseEventLine('{"Type":'), SyntaxError);
  });
});

describe('events query', () => {
  const cases: [string, Date | bigint, string][] = [
    ['a date, in seconds with nanoseconds', new Date('2026-11-25T21:04:27.457Z'), '1795640667.457000000'],
    ['an exact event time', 1795640667478427544n, '1795640667.478427544'],
    ['a whole second', 1795640667000000000n, '1795640667.000000000'],
    ['the epoch: the whole buffer', new Date(0), '0.000000000'],
    ['a small fraction keeps its leading zeros', 1795640667000000042n, '1795640667.000000042'],
  ];
  for (const [name, time, expected] of cases) {
    test(`${name}: ${expected}`, () => assert.equal(eventTimeParameter(time), expected));
  }

  test('filters as the engine reads them; empty ones are left out', () => {
    assert.deepEqual(
      eventsQuery({ since: 5n, filters: { type: ['volume', 'container'], event: [], volume: undefined } }),
      { since: '0.000000005', until: undefined, filters: { type: { volume: true, container: true } } },
    );
    assert.deepEqual(eventsQuery({ filters: { event: [] } }), {
      since: undefined,
      until: undefined,
      filters: undefined,
    });
  });
});
