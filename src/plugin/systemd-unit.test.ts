import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { systemdUnit } from './systemd-unit.ts';

describe('systemd unit', () => {
  it('starts before docker, keeps FUSE processes on restart, quotes odd paths', () => {
    const unit = systemdUnit({
      exec: ['/usr/bin/node', '/opt/my stowage/bin.cjs'],
      socket: '/run/docker/plugins/stowage.sock',
      root: '/var/lib/stowage/plugin',
    });
    assert.match(unit, /^Before=docker\.service$/m);
    assert.match(unit, /^WantedBy=multi-user\.target docker\.service$/m);
    assert.match(unit, /^KillMode=process$/m);
    assert.match(unit, /^Restart=always$/m);
    assert.match(
      unit,
      /^ExecStart=\/usr\/bin\/node "\/opt\/my stowage\/bin\.cjs" plugin serve --socket \/run\/docker\/plugins\/stowage\.sock --root \/var\/lib\/stowage\/plugin$/m,
    );
  });
});
