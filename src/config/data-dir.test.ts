import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { resolveDataDir } from './data-dir.ts';

describe('resolveDataDir', () => {
  const userDefault = join(homedir(), '.local', 'share', 'stowage');
  const cases: { name: string; flag?: string; env: Record<string, string>; uid: number; expected: string }[] =
    [
      {
        name: 'the flag wins over everything',
        flag: '/flag',
        env: { STOWAGE_DATA_DIR: '/env', XDG_DATA_HOME: '/xdg' },
        uid: 0,
        expected: '/flag',
      },
      {
        name: 'the flag wins for a user too',
        flag: 'relative/dir',
        env: { STOWAGE_DATA_DIR: '/env' },
        uid: 1000,
        expected: 'relative/dir',
      },
      {
        name: 'STOWAGE_DATA_DIR wins over the root default',
        env: { STOWAGE_DATA_DIR: '/env' },
        uid: 0,
        expected: '/env',
      },
      {
        name: 'STOWAGE_DATA_DIR wins over XDG_DATA_HOME',
        env: { STOWAGE_DATA_DIR: '/env', XDG_DATA_HOME: '/xdg' },
        uid: 1000,
        expected: '/env',
      },
      { name: 'root uses /var/lib/stowage', env: {}, uid: 0, expected: '/var/lib/stowage' },
      {
        name: 'root ignores XDG_DATA_HOME',
        env: { XDG_DATA_HOME: '/xdg' },
        uid: 0,
        expected: '/var/lib/stowage',
      },
      {
        name: 'a user gets XDG_DATA_HOME/stowage',
        env: { XDG_DATA_HOME: '/home/u/data' },
        uid: 1000,
        expected: '/home/u/data/stowage',
      },
      {
        name: 'a user without XDG_DATA_HOME gets ~/.local/share/stowage',
        env: {},
        uid: 1000,
        expected: userDefault,
      },
      {
        name: 'empty variables count as unset',
        flag: '',
        env: { STOWAGE_DATA_DIR: '', XDG_DATA_HOME: '' },
        uid: 1000,
        expected: userDefault,
      },
    ];
  for (const { name, flag, env, uid, expected } of cases) {
    test(name, (t) => {
      // getuid is optional in Node's types (absent on Windows), hence the cast.
      t.mock.method(process as { getuid: () => number }, 'getuid', () => uid);
      assert.equal(resolveDataDir(flag, env), expected);
    });
  }
});
