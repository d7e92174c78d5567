import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { takeInheritedSocket } from './inherited-socket.ts';

describe('socket passed by systemd', () => {
  it('fd 3 when LISTEN_PID is this process and LISTEN_FDS is 1; the variables are removed', () => {
    const env: NodeJS.ProcessEnv = {
      LISTEN_PID: '42',
      LISTEN_FDS: '1',
      LISTEN_FDNAMES: 'stowage',
      PATH: '/bin',
    };
    assert.equal(takeInheritedSocket(env, 42), 3);
    assert.deepEqual(env, { PATH: '/bin' });
  });

  it('none when the variables are absent or meant for another process (still removed)', () => {
    assert.equal(takeInheritedSocket({}, 42), undefined);
    const env: NodeJS.ProcessEnv = { LISTEN_PID: '41', LISTEN_FDS: '1' };
    assert.equal(takeInheritedSocket(env, 42), undefined);
    assert.deepEqual(env, {});
    assert.equal(takeInheritedSocket({ LISTEN_PID: '42', LISTEN_FDS: '0' }, 42), undefined);
  });

  it('more than one socket is refused with what to change', () => {
    assert.throws(
      () => takeInheritedSocket({ LISTEN_PID: '42', LISTEN_FDS: '2' }, 42),
      (error: Error & { hint?: string }) =>
        /2 sockets/.test(error.message) && /ListenStream/.test(error.hint ?? ''),
    );
  });
});
