import assert from 'node:assert/strict';
import type { StatsFs } from 'node:fs';
import { describe, test } from 'node:test';
import type { Engine, EngineContainerDetails, EngineInfo } from '../engine/contract.ts';
import type { VolumeRecord } from '../inventory/volume-record.ts';
import type { Check, Finding } from './contract.ts';
import { diagnose, runDoctor } from './run-doctor.ts';
import { ANON, backup, facts, POLICY, user, volume } from './testing/facts.ts';

const found = (check: Finding['check'], severity: Finding['severity'], subject: string): Finding => ({
  check,
  kind: check,
  severity,
  subject,
  subjects: [subject],
  message: '',
  fix: '',
});

describe('diagnose', () => {
  test('findings of every check, most severe first, then by check and subject', () => {
    const one: Check = () => [found('backups', 'warning', 'b'), found('backups', 'info', 'x')];
    const two: Check = () => [
      found('anonymous-volumes', 'warning', 'z'),
      found('sensitive-binds', 'critical', 'web'),
      found('backups', 'warning', 'a'),
    ];
    assert.deepEqual(
      diagnose(facts(), POLICY, [one, two]).map((f) => `${f.severity} ${f.check} ${f.subject}`),
      [
        'critical sensitive-binds web',
        'warning anonymous-volumes z',
        'warning backups a',
        'warning backups b',
        'info backups x',
      ],
    );
  });

  test('the real checks on a small host', () => {
    const input = facts({
      volumes: [volume(ANON), volume('pg', { users: [user('db')] })],
      backups: [backup('pg', 1)],
    });
    assert.deepEqual(
      diagnose(input, POLICY).map((f) => [f.check, f.severity, f.subject]),
      [['anonymous-volumes', 'warning', ANON]],
    );
  });
});

function container(
  name: string,
  labels: Record<string, string>,
  mounts: EngineContainerDetails['mounts'],
): EngineContainerDetails {
  return {
    id: `id-${name}`,
    name,
    image: 'busybox',
    state: 'running',
    running: true,
    createdAt: new Date(0),
    labels,
    mounts,
    tmpfs: {},
    tmpfsSizes: {},
    declaredVolumes: [],
    volumesFrom: [],
  };
}

/** Just enough of an engine for the gathering: info and containers. */
function fakeEngine(local: boolean, containers: EngineContainerDetails[]): Engine {
  const info: EngineInfo = {
    id: 'engine-1',
    reportedId: 'ABCD:EFGH',
    label: 'host#engine',
    name: 'host',
    serverVersion: '27.0.0',
    apiVersion: '1.47',
    os: 'Debian',
    dockerRootDir: '/var/lib/docker',
  };
  const byId = new Map(containers.map((c) => [c.id, c]));
  return {
    endpoint: local ? 'unix:///var/run/docker.sock' : 'ssh://far',
    local,
    info: () => Promise.resolve(info),
    containers: {
      list: () => Promise.resolve(containers),
      inspect: (id: string) => Promise.resolve(byId.get(id)!),
    },
  } as unknown as Engine;
}

const statfsOf = (blocks: number, bavail: number) => (path: string) => {
  assert.equal(path, '/var/lib/docker');
  return Promise.resolve({
    type: 0,
    bsize: 4096,
    blocks,
    bfree: bavail,
    bavail,
    files: 0,
    ffree: 0,
  } as StatsFs);
};

describe('runDoctor', () => {
  const shared = [
    container('app', { 'stowage.writer': 'true' }, [
      {
        type: 'volume',
        name: 'logs',
        source: '/v/logs',
        destination: '/logs',
        driver: 'local',
        mode: 'z',
        readOnly: false,
        propagation: '',
      },
    ]),
    container('cron', {}, [
      {
        type: 'volume',
        name: 'logs',
        source: '/v/logs',
        destination: '/work',
        driver: 'local',
        mode: 'z',
        readOnly: false,
        propagation: '',
      },
    ]),
  ];
  const logs: VolumeRecord = volume('logs', { users: [user('app'), user('cron')] });
  const inventory = { list: () => Promise.resolve([logs]) };

  test("gathers once, keeps only this engine's backups, and labels reach the shared-writer check", async () => {
    const report = await runDoctor(
      {
        engine: fakeEngine(true, shared),
        inventory,
        backups: () => [backup('logs', 1, { engineId: 'another-engine' })],
        statfs: statfsOf(100, 50),
      },
      POLICY,
    );
    assert.deepEqual(
      report.findings.map((f) => [f.check, f.subject]),
      [
        ['backups', 'logs'],
        ['shared-writers', 'logs'],
      ],
    );
    assert.match(report.findings[1]!.fix, /^keep app as the only writer/);
    assert.deepEqual(report.summary, { critical: 0, warning: 2, info: 0 });
    assert.equal(report.worst, 'warning');
    assert.deepEqual(report.skipped, []);
    assert.deepEqual(report.engine, {
      endpoint: 'unix:///var/run/docker.sock',
      id: 'engine-1',
      local: true,
      dataRoot: '/var/lib/docker',
    });
  });

  test('a local engine whose disk is full: critical', async () => {
    const report = await runDoctor(
      {
        engine: fakeEngine(true, []),
        inventory: { list: () => Promise.resolve([]) },
        backups: () => [],
        statfs: statfsOf(100, 2),
      },
      POLICY,
    );
    assert.deepEqual(
      report.findings.map((f) => [f.check, f.severity, f.subject]),
      [['disk-space', 'critical', '/var/lib/docker']],
    );
    assert.equal(report.worst, 'critical');
  });

  test('a data root that cannot be read is reported, not thrown', async () => {
    const statfs = () => Promise.reject(Object.assign(new Error('no such file'), { code: 'ENOENT' }));
    const report = await runDoctor(
      {
        engine: fakeEngine(true, []),
        inventory: { list: () => Promise.resolve([]) },
        backups: () => [],
        statfs,
      },
      POLICY,
    );
    assert.deepEqual(
      report.findings.map((f) => [f.severity, f.message]),
      [['info', "cannot measure the engine's data root: ENOENT"]],
    );
  });

  test('a remote engine: no disk read, the check is listed as skipped', async () => {
    const statfs = () => Promise.reject(new Error('must not be called'));
    const report = await runDoctor(
      {
        engine: fakeEngine(false, []),
        inventory: { list: () => Promise.resolve([]) },
        backups: () => [],
        statfs,
      },
      POLICY,
    );
    assert.deepEqual(report.findings, []);
    assert.equal(report.worst, undefined);
    assert.deepEqual(
      report.skipped.map((s) => s.check),
      ['disk-space'],
    );
  });
});
