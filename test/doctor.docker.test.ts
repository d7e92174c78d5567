/**
 * `stowage doctor` against the private engine: each check finds what a user would want it to find, leaves
 * the seeds' sidecar pattern alone, and the exit code follows the worst finding. Other test files' objects
 * may exist on the engine, so findings are filtered by this session's names.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { dockerOk, engineAvailable, SKIP_REASON, TestSession, volumeAt } from './support/engine.ts';

interface Finding {
  check: string;
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  subject: string;
  subjects: string[];
  message: string;
  fix: string;
}

interface Report {
  engine: { endpoint: string; local: boolean; dataRoot: string };
  findings: Finding[];
  summary: Record<Finding['severity'], number>;
  skipped: { check: string }[];
  exitCode: number;
}

describe('doctor on a real engine', { skip: !engineAvailable() && SKIP_REASON }, () => {
  const s = new TestSession();
  let orphan = '';

  /** `stowage doctor --json`, which exits 10 or 11 when it finds something, with its parsed report. */
  function doctor(...args: string[]): { status: number; report: Report; ours: Finding[] } {
    const result = s.stowage(['doctor', '--json', ...args]);
    assert.equal(result.stderr, '', 'a JSON report has nothing on stderr');
    const report = JSON.parse(result.stdout) as Report;
    const ours = report.findings.filter((f) => f.subjects.some((x) => x.includes(s.id) || x === orphan));
    return { status: result.status, report, ours };
  }

  /** The findings of `check` about `subject`, alone or among others of the same kind. */
  const find = (findings: Finding[], check: string, subject: string) =>
    findings.filter((f) => f.check === check && f.subjects.includes(subject));
  const expectedExit = (report: Report) => (report.summary.critical ? 11 : report.summary.warning ? 10 : 0);

  before(() => {
    // A container that reads the host's configuration.
    s.container(`etc-reader-${s.id}`, ['-v', '/etc:/host-etc:ro']);
    // Two containers that both write one volume.
    s.volume(`rw-shared-${s.id}`);
    s.container(`rw-a-${s.id}`, ['-v', `rw-shared-${s.id}:/data`]);
    s.container(`rw-b-${s.id}`, ['-v', `rw-shared-${s.id}:/work`]);
    // The seeds' sidecar: a labelled writer, a reader that mounts :ro.
    s.volume(`side-logs-${s.id}`);
    s.container(`side-app-${s.id}`, [
      '--label',
      'stowage.writer=true',
      '-v',
      `side-logs-${s.id}:/var/log/app`,
    ]);
    s.container(`side-shipper-${s.id}`, ['-v', `side-logs-${s.id}:/logs:ro`]);
    // An orphan: the anonymous volume a removed container left behind (`docker rm` without -v).
    s.container(`gone-${s.id}`, ['-v', '/data'], ['true'], false);
    orphan = volumeAt(`gone-${s.id}`, '/data');
    dockerOk('rm', `gone-${s.id}`);
    // A volume never backed up that holds data, and one that is backed up.
    s.volume(`no-backup-${s.id}`);
    s.container(
      `filler-${s.id}`,
      ['-v', `no-backup-${s.id}:/data`],
      ['sh', '-c', 'echo data > /data/f'],
      false,
    );
    dockerOk('start', '-a', `filler-${s.id}`);
    dockerOk('rm', `filler-${s.id}`);
    s.volume(`backed-up-${s.id}`);
    const backup = s.stowage(['backup', `backed-up-${s.id}`]);
    assert.equal(backup.status, 0, backup.stderr);
  });
  after(() => {
    s.cleanup();
    if (dockerOk('volume', 'ls', '-q').split('\n').includes(orphan)) dockerOk('volume', 'rm', orphan);
  });

  test('a read-only bind of /etc is a warning, with a narrower read-only mount as the fix', () => {
    const [finding, ...more] = find(doctor().ours, 'sensitive-binds', `etc-reader-${s.id}`);
    assert.deepEqual(more, []);
    assert.equal(finding?.severity, 'warning');
    assert.match(finding.message, /^bind-mounts \/etc at \/host-etc, read-only/);
    assert.match(finding.fix, /-v \/etc\/PATH:\/host-etc\/PATH:ro/);
  });

  test('two read-write users of one volume are flagged; the sidecar with a labelled writer and a :ro reader is not', () => {
    const { ours } = doctor();
    const [shared] = find(ours, 'shared-writers', `rw-shared-${s.id}`);
    assert.equal(shared?.severity, 'warning');
    assert.equal(
      shared.message,
      `mounted read-write by 2 containers: rw-a-${s.id} (/data), rw-b-${s.id} (/work)`,
    );
    // Exactly one writer is kept, named; only the other is made read-only.
    assert.equal(
      shared.fix,
      `keep rw-a-${s.id} as the only writer (or label the one that should write stowage.writer=true); ` +
        `mount it read-only in the others: rw-b-${s.id} -v rw-shared-${s.id}:/work:ro`,
    );
    assert.deepEqual(find(ours, 'shared-writers', `side-logs-${s.id}`), []);
  });

  test('an anonymous orphan is a warning fixed by stowage prune', () => {
    const [finding] = find(doctor().ours, 'anonymous-volumes', orphan);
    assert.deepEqual(
      [finding?.kind, finding?.severity, finding?.fix],
      ['orphan', 'warning', 'stowage prune'],
    );
    // The fix works: after prune --yes, the finding is gone.
    const prune = s.stowage(['prune', '--yes', '--filter', `name=${orphan}`]);
    assert.equal(prune.status, 0, prune.stderr);
    assert.deepEqual(find(doctor().ours, 'anonymous-volumes', orphan), []);
  });

  test('a volume never backed up is reported; a fresh backup is not, a stale one is', async () => {
    const { ours } = doctor();
    const [missing, ...more] = find(ours, 'backups', `no-backup-${s.id}`);
    assert.deepEqual(more, []);
    assert.deepEqual([missing?.kind, missing?.severity], ['never-backed-up', 'warning']);
    assert.match(missing!.message, /^never backed up/);
    assert.match(missing!.fix, /^stowage backup /);
    assert.deepEqual(find(ours, 'backups', `backed-up-${s.id}`), []);
    await sleep(1100);
    const [stale] = find(doctor('--stale-after', '1s').ours, 'backups', `backed-up-${s.id}`);
    assert.match(stale?.message ?? '', /^newest backup is \d+ seconds? old \(older than 1 second\)$/);
  });

  test('the disk of a local engine is measured', () => {
    const { report } = doctor();
    assert.equal(report.engine.local, true);
    assert.equal(report.engine.dataRoot, dockerOk('info', '--format', '{{.DockerRootDir}}'));
    assert.deepEqual(report.skipped, []);
    for (const finding of report.findings.filter((f) => f.check === 'disk-space'))
      assert.equal(finding.subject, report.engine.dataRoot);
    // Thresholds low enough that any disk in use crosses them.
    const low = doctor('--disk-warn', '1', '--disk-critical', '1').report.findings.filter(
      (f) => f.check === 'disk-space',
    );
    assert.ok(
      low.some((f) => f.severity === 'critical' && /^disk \d+% full/.test(f.message)),
      JSON.stringify(low),
    );
  });

  test('exit code 10 for warnings, 11 once a container holds the Docker socket', () => {
    const before = doctor();
    assert.equal(before.status, expectedExit(before.report));
    assert.equal(before.report.exitCode, before.status);
    assert.ok(before.status === 10 || before.status === 11, 'this session made warnings');
    // The private engine's own socket: a container holding it can do anything the engine can.
    const socket = new URL(process.env.DOCKER_HOST!).pathname;
    s.container(`socket-${s.id}`, ['-v', `${socket}:/var/run/docker.sock:ro`]);
    const after = doctor();
    const [finding] = find(after.ours, 'sensitive-binds', `socket-${s.id}`);
    assert.equal(finding?.severity, 'critical');
    assert.match(finding.fix, /^remove the mount/);
    assert.equal(after.status, 11);
  });

  test('the table groups findings by severity, most severe first', () => {
    const result = s.stowage(['doctor']);
    assert.equal(result.status, 11);
    const headings = result.stdout
      .split('\n')
      .filter((line) => /^(CRITICAL|WARNING|INFO) \(\d+\)$/.test(line))
      .map((line) => line.split(' ')[0]);
    assert.deepEqual(
      headings,
      ['CRITICAL', 'WARNING', 'INFO'].filter((h) => headings.includes(h)),
    );
    assert.ok(headings.includes('CRITICAL') && headings.includes('WARNING'));
    assert.match(result.stdout, new RegExp(`sensitive-binds\\s+socket-${s.id}\\s+bind-mounts`));
    assert.match(result.stdout, /\d+ critical, \d+ warnings?, \d+ info on unix:\/\//);
    assert.equal(result.stderr, '');
  });

  test('30 empty volumes never backed up are one info finding listing all of them, not 30 warnings', () => {
    const empties = Array.from({ length: 30 }, (_, i) => `empty-${String(i).padStart(2, '0')}-${s.id}`);
    for (const name of empties) s.volume(name);
    const { report } = doctor();
    const about = report.findings.filter((f) => f.subjects.some((x) => empties.includes(x)));
    assert.equal(about.length, 1, JSON.stringify(about));
    const [grouped] = about;
    assert.deepEqual(
      [grouped!.check, grouped!.kind, grouped!.severity],
      ['backups', 'never-backed-up-empty', 'info'],
    );
    assert.deepEqual(
      grouped!.subjects.filter((x) => empties.includes(x)),
      empties,
      'every empty volume is listed, sorted',
    );
    assert.equal(grouped!.message, 'empty and never backed up: nothing to lose yet');
    // One finding per kind across the whole report.
    const kinds = report.findings.filter((f) => f.check === 'backups').map((f) => f.kind);
    assert.deepEqual(kinds, [...new Set(kinds)]);
    // The table shows the count and the first few names, on one row.
    const table = s.stowage(['doctor']);
    const row = table.stdout.split('\n').filter((line) => line.includes('empty and never backed up'));
    assert.equal(row.length, 1, table.stdout);
    assert.match(
      row[0]!,
      new RegExp(`${grouped!.subjects.length} volumes: .* and ${grouped!.subjects.length - 3} more`),
    );
  });
});
