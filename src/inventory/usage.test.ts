import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EngineContainer, EngineMount } from '../engine/contract.ts';
import { statusOf, usersByVolume } from './usage.ts';
import type { VolumeStatus, VolumeUser } from './volume-record.ts';

function mount(
  type: EngineMount['type'],
  name: string | undefined,
  destination: string,
  readOnly = false,
): EngineMount {
  return {
    type,
    name,
    source: name ? `/var/lib/docker/volumes/${name}/_data` : '/host',
    destination,
    driver: undefined,
    mode: '',
    readOnly,
    propagation: '',
  };
}

function container(name: string, running: boolean, mounts: EngineMount[]): EngineContainer {
  return {
    id: `id-${name}`,
    name,
    image: `img-${name}`,
    state: running ? 'running' : 'exited',
    running,
    createdAt: new Date(0),
    labels: {},
    mounts,
  };
}

const user = (name: string, destination: string, running: boolean, readOnly = false): VolumeUser => ({
  containerId: `id-${name}`,
  containerName: name,
  image: `img-${name}`,
  destination,
  readOnly,
  running,
});

describe('usersByVolume', () => {
  test('no containers, no users', () => {
    assert.deepEqual(usersByVolume([]), new Map());
  });

  test('maps each volume to its containers, sorted by container name', () => {
    const users = usersByVolume([
      container('web', true, [
        mount('volume', 'shared', '/srv/shared', true),
        mount('volume', 'web-data', '/data'),
      ]),
      container('backup', false, [
        mount('volume', 'shared', '/backup'),
        mount('bind', undefined, '/etc/backup'),
      ]),
      container('Worker', true, [mount('volume', 'shared', '/in')]),
    ]);
    assert.deepEqual(
      users,
      new Map([
        [
          'shared',
          [
            user('Worker', '/in', true),
            user('backup', '/backup', false),
            user('web', '/srv/shared', true, true),
          ],
        ],
        ['web-data', [user('web', '/data', true)]],
      ]),
    );
  });

  test('bind, tmpfs and nameless volume mounts are not users of any volume', () => {
    const users = usersByVolume([
      container('c', true, [
        mount('bind', undefined, '/a'),
        mount('tmpfs', undefined, '/b'),
        mount('volume', undefined, '/c'),
        mount('volume', '', '/d'),
      ]),
    ]);
    assert.equal(users.size, 0);
  });

  test('a container mounting one volume twice is listed once per mount', () => {
    const users = usersByVolume([
      container('c', false, [mount('volume', 'v', '/a'), mount('volume', 'v', '/b', true)]),
    ]);
    assert.deepEqual(users.get('v'), [user('c', '/a', false), user('c', '/b', false, true)]);
  });
});

describe('statusOf', () => {
  const cases: [string, VolumeUser[], VolumeStatus][] = [
    ['no users', [], 'dangling'],
    ['one stopped user', [user('a', '/x', false)], 'idle'],
    ['only stopped users', [user('a', '/x', false), user('b', '/y', false)], 'idle'],
    ['one running user', [user('a', '/x', true)], 'in-use'],
    ['a running user among stopped ones', [user('a', '/x', false), user('b', '/y', true, true)], 'in-use'],
  ];
  for (const [name, users, status] of cases) {
    test(`${name}: ${status}`, () => assert.equal(statusOf(users), status));
  }
});
