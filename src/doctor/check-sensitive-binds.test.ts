import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkSensitiveBinds, hostPathRisk, type HostPathRisk } from './check-sensitive-binds.ts';
import type { Severity } from './contract.ts';
import { facts, mount, POLICY, volume } from './testing/facts.ts';

describe('hostPathRisk', () => {
  // [host path, read-only, severity or undefined (not flagged), remedy]
  const cases: [string, boolean, Severity | undefined, HostPathRisk['remedy']?][] = [
    ['/var/run/docker.sock', false, 'critical', 'remove'],
    ['/var/run/docker.sock', true, 'critical', 'remove'], // :ro does not limit API calls
    ['/run/docker.sock', true, 'critical', 'remove'],
    ['/run/user/1000/docker.sock', false, 'critical', 'remove'], // rootless engine
    ['/var/run', true, 'critical', 'remove'],
    ['/run/', false, 'critical', 'remove'],
    ['/', true, 'critical', 'narrow'],
    ['/', false, 'critical', 'narrow'],
    ['/etc', true, 'warning', 'narrow'],
    ['/etc', false, 'critical', 'narrow'],
    ['/etc/', true, 'warning', 'narrow'],
    ['//etc', true, 'warning', 'narrow'],
    ['/etc/../etc', true, 'warning', 'narrow'],
    ['/root', true, 'warning', 'narrow'],
    ['/root', false, 'critical', 'narrow'],
    ['/etc/shadow', true, 'warning', 'narrow'],
    ['/etc/ssh/ssh_host_ed25519_key', true, 'warning', 'narrow'],
    ['/etc/docker', false, 'critical', 'narrow'],
    ['/root/.ssh', false, 'critical', 'narrow'],
    ['/root/.docker/config.json', true, 'warning', 'narrow'],
    ['/etc/passwd', true, 'info', 'read-only'],
    ['/etc/passwd', false, 'critical', 'read-only'],
    ['/etc/sudoers.d', false, 'critical', 'read-only'],
    ['/etc/cron.d/backup', false, 'critical', 'read-only'],
    ['/etc/nginx', true, 'info', 'read-only'],
    ['/etc/nginx/nginx.conf', false, 'warning', 'read-only'],
    ['/root/app', true, 'info', 'read-only'],
    ['/root/app', false, 'warning', 'read-only'],
    ['/etc/localtime', true, undefined],
    ['/etc/hostname', true, undefined],
    ['/etc/localtime', false, 'warning', 'read-only'],
    ['/etcetera', false, undefined], // a sibling, not a subpath
    ['/rooted', false, undefined],
    ['/etc.d', false, undefined],
    ['/srv/app', false, undefined],
    ['/var/run.d', false, undefined],
    ['/home/user/docker.sock.bak', false, undefined],
    ['C:\\Windows', false, undefined],
    ['', false, undefined],
  ];
  for (const [path, readOnly, severity, remedy] of cases) {
    test(`${path || '(empty)'} ${readOnly ? 'ro' : 'rw'} → ${severity ?? 'fine'}`, () => {
      const risk = hostPathRisk(path, readOnly);
      assert.equal(risk?.severity, severity);
      assert.equal(risk?.remedy, remedy);
    });
  }
});

describe('checkSensitiveBinds', () => {
  test('a read-only bind of /etc: warning, mount a narrower path', () => {
    const findings = checkSensitiveBinds(
      facts({ mounts: [mount('web', '/etc', { destination: '/host-etc', readOnly: true })] }),
      POLICY,
    );
    assert.deepEqual(findings, [
      {
        check: 'sensitive-binds',
        kind: 'sensitive-bind',
        severity: 'warning',
        subject: 'web',
        subjects: ['web'],
        message: "bind-mounts /etc at /host-etc, read-only: the host's configuration, with password hashes",
        fix: 'mount only what it needs, read-only: -v /etc/PATH:/host-etc/PATH:ro',
      },
    ]);
  });

  test('the Docker socket: critical, remove it', () => {
    const [finding] = checkSensitiveBinds(
      facts({
        mounts: [
          mount('ci', '/var/run/docker.sock', { destination: '/var/run/docker.sock', readOnly: true }),
        ],
      }),
      POLICY,
    );
    assert.equal(finding!.severity, 'critical');
    assert.match(finding!.message, /Docker socket, which hands out root on the host/);
    assert.match(finding!.fix, /^remove the mount/);
  });

  test('a read-write config file: mount it :ro', () => {
    const [finding] = checkSensitiveBinds(
      facts({ mounts: [mount('proxy', '/etc/nginx/nginx.conf', { destination: '/etc/nginx/nginx.conf' })] }),
      POLICY,
    );
    assert.equal(finding!.severity, 'warning');
    assert.equal(finding!.fix, 'mount it read-only: -v /etc/nginx/nginx.conf:/etc/nginx/nginx.conf:ro');
  });

  test('a read-only config subpath: info, nothing to change if it must read it', () => {
    const [finding] = checkSensitiveBinds(
      facts({ mounts: [mount('proxy', '/etc/nginx', { destination: '/etc/nginx', readOnly: true })] }),
      POLICY,
    );
    assert.equal(finding!.severity, 'info');
    assert.match(finding!.fix, /^none if the container must read it/);
  });

  test('the host root: the fix keeps paths absolute', () => {
    const [finding] = checkSensitiveBinds(
      facts({ mounts: [mount('agent', '/', { destination: '/host' })] }),
      POLICY,
    );
    assert.equal(finding!.fix, 'mount only what it needs, read-only: -v /PATH:/host/PATH:ro');
  });

  test('a local volume that binds /etc is judged as the bind it is', () => {
    const bindVolume = volume('etc-vol', { options: { type: 'none', o: 'bind', device: '/etc' } });
    const findings = checkSensitiveBinds(
      facts({ volumes: [bindVolume], mounts: [mount('web', 'etc-vol', { destination: '/cfg' })] }),
      POLICY,
    );
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.severity, 'critical');
    assert.match(findings[0]!.message, /^mounts volume etc-vol \(a bind of \/etc\) at \/cfg, read-write/);
    assert.match(findings[0]!.fix, /recreate volume etc-vol on a narrower host path/);
  });

  test('ordinary mounts are fine', () => {
    const nfs = volume('share', { options: { type: 'nfs', o: 'addr=10.0.0.5,rw', device: ':/etc' } });
    const findings = checkSensitiveBinds(
      facts({
        volumes: [nfs, volume('data')],
        mounts: [
          mount('a', 'data'),
          mount('a', 'share'), // an NFS export's path is on the server, not the host
          mount('a', '/srv/app'),
          mount('a', '/etc/localtime', { readOnly: true }),
          mount('a', '', { type: 'tmpfs', destination: '/etc' }),
        ],
      }),
      POLICY,
    );
    assert.deepEqual(findings, []);
  });
});
