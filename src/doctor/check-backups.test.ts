import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BackupRecord } from '../catalog/backup-store.ts';
import type { VolumeRecord } from '../inventory/volume-record.ts';
import { checkBackups } from './check-backups.ts';
import { ANON, backup, DAY, facts, POLICY, user, volume } from './testing/facts.ts';

describe('checkBackups', () => {
  const inUse = (name: string, fields: Partial<VolumeRecord> = {}) =>
    volume(name, { users: [user('app')], ...fields });
  const cases: [string, VolumeRecord, BackupRecord[], RegExp | undefined][] = [
    ['never backed up', inUse('pg'), [], /^never backed up/],
    ['a dangling named volume counts too', volume('pg'), [], /^never backed up/],
    ["another volume's backup does not count", inUse('pg'), [backup('other', 1)], /^never backed up/],
    ['a fresh backup', inUse('pg'), [backup('pg', 1)], undefined],
    ['exactly at the threshold is not stale', inUse('pg'), [backup('pg', 7)], undefined],
    ['a stale backup', inUse('pg'), [backup('pg', 9)], /^newest backup is 1 week old \(older than 1 week\)$/],
    [
      'the newest counts, whatever the order',
      inUse('pg'),
      [backup('pg', 30, { id: 1 }), backup('pg', 2, { id: 2 })],
      undefined,
    ],
    [
      'a stale newest among older ones',
      inUse('pg'),
      [backup('pg', 10), backup('pg', 40)],
      /^newest backup is 1 week old/,
    ],
    ['a verified newest backup', inUse('pg'), [backup('pg', 1, { verifyStatus: 'ok' })], undefined],
    [
      'a newest backup that failed verification',
      inUse('pg'),
      [
        backup('pg', 1, { id: 7, verifyStatus: 'failed', verifyError: 'checksum mismatch: a.txt' }),
        backup('pg', 3, { id: 6, verifyStatus: 'ok' }),
      ],
      /^newest backup \(ID 7, 1 day old\) failed verification: checksum mismatch: a\.txt$/,
    ],
    [
      'an older failed backup does not matter',
      inUse('pg'),
      [backup('pg', 1), backup('pg', 3, { verifyStatus: 'failed' })],
      undefined,
    ],
    ['an orphan is left to prune', volume(ANON), [], undefined],
    ['an anonymous volume in use needs a backup', inUse(ANON), [], /^never backed up/],
    [
      'a tmpfs volume holds nothing to back up',
      inUse('cache', { options: { type: 'tmpfs', device: 'tmpfs' } }),
      [],
      undefined,
    ],
    [
      "a scratch volume is Stowage's own",
      volume('scratch-1', { labels: { 'stowage.scratch': 'true' } }),
      [],
      undefined,
    ],
    [
      'a plugin volume with type=tmpfs is not the local tmpfs',
      inUse('p', { driver: 'other', options: { type: 'tmpfs' } }),
      [],
      /^never/,
    ],
  ];
  for (const [name, record, backups, message] of cases) {
    test(name, () => {
      const findings = checkBackups(facts({ volumes: [record], backups }), POLICY);
      if (message === undefined) return assert.deepEqual(findings, []);
      assert.deepEqual(
        findings.map((f) => [f.check, f.severity, f.subject, f.fix]),
        [['backups', 'warning', record.name, `stowage backup ${record.name}`]],
      );
      assert.match(findings[0]!.message, message);
    });
  }

  test('the threshold comes from the policy', () => {
    const input = facts({ volumes: [inUse('pg')], backups: [backup('pg', 2)] });
    assert.equal(checkBackups(input, { ...POLICY, staleAfterMs: DAY }).length, 1);
    assert.equal(checkBackups(input, { ...POLICY, staleAfterMs: 3 * DAY }).length, 0);
  });

  test('many volumes with one problem are one finding listing them all', () => {
    const names = Array.from({ length: 300 }, (_, i) => `v${String(i).padStart(3, '0')}`);
    const findings = checkBackups(facts({ volumes: names.map((n) => inUse(n, { sizeBytes: 5 })) }), POLICY);
    assert.equal(findings.length, 1);
    const [finding] = findings;
    assert.deepEqual(
      [finding!.kind, finding!.severity, finding!.subject, finding!.fix],
      [
        'never-backed-up',
        'warning',
        '300 volumes: v000, v001, v002 and 297 more',
        'stowage backup VOLUME... (each of the 300 volumes)',
      ],
    );
    assert.deepEqual(finding!.subjects, names);
  });

  test('an empty volume never backed up is information; unknown sizes and data are warnings', () => {
    const findings = checkBackups(
      facts({
        volumes: [
          inUse('empty-b', { sizeBytes: 0 }),
          inUse('empty-a', { sizeBytes: 0 }),
          inUse('data', { sizeBytes: 1 }),
          inUse('unmeasured', { sizeBytes: null }),
          inUse('stale', { sizeBytes: 0 }),
        ],
        backups: [backup('stale', 30)],
      }),
      POLICY,
    );
    assert.deepEqual(findings.map((f) => [f.kind, f.severity, f.subjects, f.fix]).sort(), [
      ['never-backed-up', 'warning', ['data', 'unmeasured'], 'stowage backup data unmeasured'],
      [
        'never-backed-up-empty',
        'info',
        ['empty-a', 'empty-b'],
        'stowage backup empty-a empty-b once it holds data',
      ],
      ['stale', 'warning', ['stale'], 'stowage backup stale'],
    ]);
    assert.equal(
      findings.find((f) => f.kind === 'never-backed-up-empty')!.subject,
      '2 volumes: empty-a, empty-b',
    );
  });

  test('stale volumes are one finding naming the oldest age', () => {
    const findings = checkBackups(
      facts({ volumes: [inUse('a'), inUse('b')], backups: [backup('a', 9), backup('b', 40)] }),
      POLICY,
    );
    assert.deepEqual(
      findings.map((f) => [f.kind, f.subjects, f.message]),
      [['stale', ['a', 'b'], 'newest backup older than 1 week (the oldest: 1 month)']],
    );
  });
});
