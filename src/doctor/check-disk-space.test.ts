import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkDiskSpace, usedPercent } from './check-disk-space.ts';
import type { DiskUsage, Severity } from './contract.ts';
import { facts, POLICY } from './testing/facts.ts';

const GB = 1e9;
const disk = (usedBytes: number, availableBytes: number, inodes: [number, number] = [0, 0]): DiskUsage => ({
  path: '/var/lib/docker',
  usedBytes,
  availableBytes,
  usedInodes: inodes[0],
  availableInodes: inodes[1],
});

describe('usedPercent', () => {
  const cases: [number, number, number][] = [
    [0, 100, 0],
    [50, 50, 50],
    [84, 16, 84],
    [841, 159, 85], // 84.1 % rounds up, as df shows it
    [100, 0, 100],
    [0, 0, 0],
  ];
  for (const [used, available, percent] of cases) {
    test(`${used} used, ${available} available → ${percent}%`, () =>
      assert.equal(usedPercent(used, available), percent));
  }
});

describe('checkDiskSpace', () => {
  const cases: [string, DiskUsage, Severity[]][] = [
    ['plenty of space', disk(10 * GB, 90 * GB), []],
    ['just under the warning', disk(84 * GB, 16 * GB), []],
    ['at the warning threshold', disk(85 * GB, 15 * GB), ['warning']],
    ['between the thresholds', disk(90 * GB, 10 * GB), ['warning']],
    ['at the critical threshold', disk(95 * GB, 5 * GB), ['critical']],
    ['full', disk(100 * GB, 0), ['critical']],
    ['inodes nearly exhausted, bytes fine', disk(10 * GB, 90 * GB, [96, 4]), ['critical']],
    ['both', disk(90 * GB, 10 * GB, [86, 14]), ['warning', 'warning']],
    ['no fixed inode count', disk(10 * GB, 90 * GB, [0, 0]), []],
  ];
  for (const [name, usage, severities] of cases) {
    test(name, () => {
      const findings = checkDiskSpace(facts({ disk: usage }), POLICY);
      assert.deepEqual(
        findings.map((f) => f.severity),
        severities,
      );
      for (const finding of findings) {
        assert.equal(finding.subject, '/var/lib/docker');
        assert.match(finding.fix, /^stowage prune/);
      }
    });
  }

  test('the message says how full and what is left', () => {
    const [finding] = checkDiskSpace(facts({ disk: disk(90 * GB, 10 * GB) }), POLICY);
    assert.equal(finding!.message, 'disk 90% full: 10GB left for volumes, images and containers');
  });

  test('thresholds come from the policy', () => {
    const usage = facts({ disk: disk(70 * GB, 30 * GB) });
    assert.deepEqual(
      checkDiskSpace(usage, { ...POLICY, diskWarnPercent: 60, diskCriticalPercent: 80 }).map(
        (f) => f.severity,
      ),
      ['warning'],
    );
    assert.deepEqual(
      checkDiskSpace(usage, { ...POLICY, diskWarnPercent: 50, diskCriticalPercent: 70 }).map(
        (f) => f.severity,
      ),
      ['critical'],
    );
  });

  test('a remote engine: nothing to say', () => {
    assert.deepEqual(checkDiskSpace(facts({ disk: undefined }), POLICY), []);
  });

  test('a data root that cannot be read is an info finding, not silence', () => {
    const findings = checkDiskSpace(facts({ disk: { path: '/var/lib/docker', error: 'ENOENT' } }), POLICY);
    assert.deepEqual(
      findings.map((f) => [f.severity, f.subject, f.message]),
      [['info', '/var/lib/docker', "cannot measure the engine's data root: ENOENT"]],
    );
  });
});
