import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseMountInfo } from './host-commands.ts';

describe('mountinfo', () => {
  it('reads mountpoints, types and sources, unescaping spaces', () => {
    const text = [
      '36 35 98:0 / /mnt/with\\040space rw,noatime master:1 - ext4 /dev/loop3 rw',
      '37 35 0:40 / /srv/tmp rw shared:2 - tmpfs stowage-cache rw,size=16384k',
      '38 35 0:41 / /srv/remote rw,nosuid - fuse.sshfs sshfs#root@h:/x rw,user_id=0',
      '',
    ].join('\n');
    assert.deepEqual(parseMountInfo(text), [
      { mountpoint: '/mnt/with space', fsType: 'ext4', source: '/dev/loop3' },
      { mountpoint: '/srv/tmp', fsType: 'tmpfs', source: 'stowage-cache' },
      { mountpoint: '/srv/remote', fsType: 'fuse.sshfs', source: 'sshfs#root@h:/x' },
    ]);
  });
});
