import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sshfsArgs } from './sshfs-backend.ts';
import { parseVolumeOptions } from './volume-options.ts';
import type { VolumeRecord } from './contract.ts';

describe('sshfs command line', () => {
  it('checks host keys strictly, never prompts, and names only file paths', () => {
    const options = {
      type: 'sshfs',
      host: 'nas',
      path: '/export',
      user: 'bk',
      port: '2222',
      identity: '/keys/id',
      known_hosts: '/keys/kh',
      readonly: 'true',
    };
    const { spec, policy } = parseVolumeOptions('v', options);
    const record: VolumeRecord = { name: 'v', spec, policy, options, createdAt: '', callers: [] };
    const [remote, mountpoint, flag, list] = sshfsArgs(record, '/m');
    assert.equal(remote, 'bk@nas:/export');
    assert.equal(mountpoint, '/m');
    assert.equal(flag, '-o');
    const opts = list!.split(',');
    for (const expected of [
      'BatchMode=yes',
      'StrictHostKeyChecking=yes',
      'PasswordAuthentication=no',
      'IdentityFile=/keys/id',
      'UserKnownHostsFile=/keys/kh',
      'port=2222',
      'ro',
      'allow_other',
    ])
      assert.ok(opts.includes(expected), expected);
  });
});
