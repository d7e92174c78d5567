import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkNotInside, checkVolumeName, parseVolumeOptions } from './volume-options.ts';

describe('plugin volume options', () => {
  it('parses each backend', () => {
    assert.deepEqual(parseVolumeOptions('v', {}).spec, { type: 'dir', sizeBytes: undefined });
    assert.deepEqual(parseVolumeOptions('v', { size: '1G' }).spec, { type: 'dir', sizeBytes: 1024 ** 3 });
    assert.deepEqual(parseVolumeOptions('v', { type: 'path', path: '/srv/data/', purge: 'true' }).spec, {
      type: 'path',
      path: '/srv/data',
      purge: true,
    });
    assert.deepEqual(parseVolumeOptions('v', { type: 'tmpfs', size: '64m', mode: '1777' }).spec, {
      type: 'tmpfs',
      sizeBytes: 64 * 1024 ** 2,
      mode: '1777',
    });
    assert.deepEqual(
      parseVolumeOptions('v', {
        type: 'sshfs',
        host: 'nas.lan',
        path: '/export',
        user: 'backup',
        port: '2222',
        identity: '/root/.ssh/id',
      }).spec,
      {
        type: 'sshfs',
        host: 'nas.lan',
        path: '/export',
        user: 'backup',
        port: 2222,
        identity: '/root/.ssh/id',
        knownHosts: undefined,
        readOnly: false,
        sftpServer: undefined,
      },
    );
    assert.deepEqual(parseVolumeOptions('v', { backup: '@daily', keep: 'last:7,daily:7' }).policy, {
      backup: '@daily',
      keep: 'last:7,daily:7',
    });
  });

  const refusals: [Record<string, string>, RegExp][] = [
    [{ type: 'ceph' }, /option type: unknown backend "ceph"/],
    [{ size: '1G', path: '/x' }, /unknown option "path" for type=dir/],
    [{ type: 'tmpfs', size: '1G', purge: 'true' }, /unknown option "purge" for type=tmpfs/],
    [{ size: '1M' }, /option size: 1M is too small/],
    [{ size: 'big' }, /invalid option size of volume v "big"/],
    [{ type: 'tmpfs' }, /option size is required for type=tmpfs/],
    [{ type: 'tmpfs', size: '64M', mode: 'rwx' }, /option mode: "rwx" is not an octal mode/],
    [{ type: 'path' }, /option path is required for type=path/],
    [{ type: 'path', path: 'relative' }, /is not an absolute path/],
    [{ type: 'path', path: '/' }, /\/ is a system path/],
    [{ type: 'path', path: '/etc/app' }, /\/etc\/app is a system path/],
    [{ type: 'path', path: '/var/lib/docker/volumes/x' }, /is a system path/],
    [{ type: 'path', path: '/srv/../etc' }, /system path|contains ".."/],
    [{ type: 'path', path: '/srv/a', purge: 'maybe' }, /option purge: "maybe" is not true or false/],
    [
      { type: 'sshfs', host: 'h', path: '/p', password: 'x' },
      /option password: passwords are never accepted/,
    ],
    [{ type: 'sshfs', host: 'h', path: '/p', PASS: 'x' }, /option PASS: passwords are never accepted/],
    [{ type: 'sshfs', path: '/p' }, /option host is required/],
    [{ type: 'sshfs', host: 'h;rm', path: '/p' }, /option host: "h;rm" is not a host name/],
    [{ type: 'sshfs', host: 'h', path: '/p', port: '99999' }, /option port: "99999" is not a TCP port/],
    [
      { type: 'sshfs', host: 'h', path: '/p', identity: '/k,allow_root' },
      /option identity: .* contains a comma/,
    ],
    [{ type: 'sshfs', host: 'h', path: '/a,b' }, /option path: "\/a,b" is not a usable path/],
    [{ backup: 'whenever' }, /option backup: invalid cron expression/],
    [{ keep: 'last:3' }, /option keep needs option backup/],
    [{ backup: '@daily', keep: 'last:x' }, /option keep:/],
  ];
  for (const [options, expected] of refusals)
    it(`refuses ${JSON.stringify(options)}`, () =>
      assert.throws(() => parseVolumeOptions('v', options), expected));

  it('accepts Docker volume names only', () => {
    checkVolumeName('db_data-1.2');
    for (const bad of ['', '../x', 'a/b', '-x', '.hidden'])
      assert.throws(() => checkVolumeName(bad), /invalid volume name/);
  });

  it('refuses paths overlapping the engine or the plugin', () => {
    assert.throws(
      () => checkNotInside('v', '/data/docker/volumes/x', ['/data/docker']),
      /overlaps \/data\/docker/,
    );
    assert.throws(() => checkNotInside('v', '/data', ['/data/docker']), /overlaps/);
    checkNotInside('v', '/data/dockers', ['/data/docker']);
  });
});
