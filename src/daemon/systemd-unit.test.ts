import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { daemonUnit } from './systemd-unit.ts';

const base = {
  exec: ['/usr/local/bin/stowage-linux-x64'],
  listen: '127.0.0.1:7780',
  port: 7780,
  dataDir: '/var/lib/stowage',
  backupFolders: [],
};

describe('daemon systemd unit', () => {
  it('runs the daemon with its data folder and listen address', () => {
    assert.match(
      daemonUnit(base),
      /^ExecStart=\/usr\/local\/bin\/stowage-linux-x64 --data-dir \/var\/lib\/stowage daemon --listen 127\.0\.0\.1:7780$/m,
    );
    assert.match(daemonUnit(base), /^After=network-online\.target docker\.service$/m);
    assert.match(daemonUnit(base), /^WantedBy=multi-user\.target$/m);
  });

  it('is sandboxed: a read-only system but for the data folder and backup folders outside it', () => {
    const unit = daemonUnit({ ...base, backupFolders: ['/srv/backups', '/mnt/nas backups'] });
    for (const line of [
      'ProtectSystem=strict',
      'ReadWritePaths=/var/lib/stowage -/srv/backups -"/mnt/nas backups"',
      'ProtectHome=read-only',
      'PrivateTmp=yes',
      'NoNewPrivileges=yes',
      'ProtectKernelTunables=yes',
      'ProtectKernelModules=yes',
      'ProtectKernelLogs=yes',
      'ProtectControlGroups=yes',
      'RestrictSUIDSGID=yes',
      'LockPersonality=yes',
      'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
      'SystemCallArchitectures=native',
      'CapabilityBoundingSet=CAP_DAC_READ_SEARCH',
      'CacheDirectory=stowage',
      'Environment=XDG_CACHE_HOME=%C',
      'UMask=0077',
    ])
      assert.ok(unit.split('\n').includes(line), `missing: ${line}`);
  });

  it('leaves MemoryDenyWriteExecute off: V8 cannot start under it', () => {
    assert.doesNotMatch(daemonUnit(base), /^MemoryDenyWriteExecute=/m);
  });

  it('a port below 1024 adds CAP_NET_BIND_SERVICE, and nothing else', () => {
    assert.match(
      daemonUnit({ ...base, listen: '0.0.0.0:443', port: 443 }),
      /^CapabilityBoundingSet=CAP_DAC_READ_SEARCH CAP_NET_BIND_SERVICE$/m,
    );
  });
});
