import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pluginServiceUnit, pluginSocketUnit } from './systemd-unit.ts';

describe('plugin systemd units', () => {
  it('the socket unit owns the socket, root-only, ready before docker, and starts the service', () => {
    const unit = pluginSocketUnit({ socket: '/run/docker/plugins/stowage.sock' });
    assert.match(unit, /^\[Socket\]$/m);
    assert.match(unit, /^ListenStream=\/run\/docker\/plugins\/stowage\.sock$/m);
    assert.match(unit, /^SocketMode=0660$/m);
    assert.match(unit, /^SocketUser=root$/m);
    assert.match(unit, /^Before=docker\.service$/m);
    assert.match(unit, /^Service=stowage-plugin\.service$/m);
    assert.match(unit, /^WantedBy=sockets\.target$/m);
    assert.doesNotMatch(unit, /^Accept=yes$/m, 'one plugin process serves every connection');
    assert.doesNotMatch(unit, /spec/, 'a socket in /run/docker/plugins needs no spec file');
  });

  it('a socket elsewhere is announced by a spec file the socket unit writes and removes', () => {
    const unit = pluginSocketUnit({ socket: '/srv/plugins/quota.sock' });
    assert.match(
      unit,
      /^ExecStartPost=\/bin\/sh -c 'mkdir -p \/etc\/docker\/plugins && echo unix:\/\/\/srv\/plugins\/quota\.sock > \/etc\/docker\/plugins\/quota\.spec'$/m,
    );
    assert.match(unit, /^ExecStopPost=\/bin\/rm -f \/etc\/docker\/plugins\/quota\.spec$/m);
  });

  it('a socket path systemd cannot take, or no usable driver name, is refused before anything is written', () => {
    assert.throws(() => pluginSocketUnit({ socket: '/run/my plugins/stowage.sock' }), /cannot be written/);
    assert.throws(
      () => pluginSocketUnit({ socket: '/run/docker/plugins/-x.sock' }),
      /not a usable driver name/,
    );
  });

  it('the service needs its socket, stops after docker, keeps FUSE processes on restart, quotes odd paths', () => {
    const unit = pluginServiceUnit({
      exec: ['/usr/bin/node', '/opt/my stowage/bin.cjs', '--data-dir', '/var/lib/50%'],
      socket: '/run/docker/plugins/stowage.sock',
      root: '/var/lib/stowage/plugin',
    });
    assert.match(unit, /^Requires=stowage-plugin\.socket$/m);
    assert.match(unit, /^After=stowage-plugin\.socket /m);
    assert.match(unit, /^Before=docker\.service$/m);
    assert.match(unit, /^Also=stowage-plugin\.socket$/m);
    assert.doesNotMatch(unit, /^WantedBy=/m, 'the socket starts it, not a target');
    assert.match(unit, /^KillMode=process$/m);
    assert.match(unit, /^Restart=always$/m);
    assert.match(
      unit,
      /^ExecStart=\/usr\/bin\/node "\/opt\/my stowage\/bin\.cjs" --data-dir "\/var\/lib\/50%%" plugin serve --socket \/run\/docker\/plugins\/stowage\.sock --root \/var\/lib\/stowage\/plugin$/m,
    );
  });
});
