import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Labels } from '../engine/contract.ts';
import type { MountRow } from '../inventory/mount-listing.ts';
import { checkSharedWriters } from './check-shared-writers.ts';
import { facts, mount, POLICY } from './testing/facts.ts';

const WRITER = { 'stowage.writer': 'true' };

describe('checkSharedWriters', () => {
  // [name, mounts, container labels by name, expected fix (undefined: no finding)]
  const cases: [string, MountRow[], Record<string, Labels>, string | undefined][] = [
    ['one container', [mount('app', 'logs')], {}, undefined],
    [
      "the seeds' sidecar: one writer, a :ro reader",
      [
        mount('app', 'logs', { destination: '/var/log/app' }),
        mount('shipper', 'logs', { destination: '/logs', readOnly: true }),
      ],
      {},
      undefined,
    ],
    [
      'the sidecar with its writer labelled',
      [
        mount('app', 'logs'),
        mount('shipper', 'logs', { readOnly: true }),
        mount('stats', 'logs', { readOnly: true }),
      ],
      { app: WRITER },
      undefined,
    ],
    [
      'only readers',
      [mount('a', 'logs', { readOnly: true }), mount('b', 'logs', { readOnly: true })],
      {},
      undefined,
    ],
    [
      'one container mounting it read-write twice',
      [mount('app', 'logs', { destination: '/a' }), mount('app', 'logs', { destination: '/b' })],
      {},
      undefined,
    ],
    ['two writers of different volumes', [mount('a', 'v1'), mount('b', 'v2')], {}, undefined],
    ['binds are not volumes', [mount('a', '/srv/shared'), mount('b', '/srv/shared')], {}, undefined],
    [
      'two writers, none labelled',
      [
        mount('app', 'logs', { destination: '/var/log/app' }),
        mount('shipper', 'logs', { destination: '/logs' }),
      ],
      {},
      // One writer stays read-write, named; only the other is made read-only.
      'keep app as the only writer (or label the one that should write stowage.writer=true); mount it read-only in the others: shipper -v logs:/logs:ro',
    ],
    [
      'two writers, one labelled: the other becomes a reader',
      [
        mount('app', 'logs', { destination: '/var/log/app' }),
        mount('shipper', 'logs', { destination: '/logs' }),
      ],
      { app: WRITER },
      'keep app as the only writer; mount it read-only in the others: shipper -v logs:/logs:ro',
    ],
    [
      'a labelled writer does not excuse a second writer next to a reader',
      [
        mount('app', 'logs'),
        mount('cron', 'logs', { destination: '/work' }),
        mount('shipper', 'logs', { readOnly: true }),
      ],
      { app: WRITER },
      'keep app as the only writer; mount it read-only in the others: cron -v logs:/work:ro',
    ],
    [
      'two labelled writers are no choice',
      [mount('a', 'logs'), mount('b', 'logs')],
      { a: WRITER, b: WRITER },
      'keep a as the only writer (and only it labelled stowage.writer=true); mount it read-only in the others: b -v logs:/data:ro',
    ],
    [
      'a writer through --volumes-from gets --volumes-from …:ro',
      [mount('app', 'logs'), mount('helper', 'logs', { viaVolumesFrom: 'app' })],
      { app: WRITER },
      'keep app as the only writer; mount it read-only in the others: helper --volumes-from app:ro',
    ],
  ];
  for (const [name, mounts, labels, fix] of cases) {
    test(name, () => {
      const findings = checkSharedWriters(facts({ mounts, labels }), POLICY);
      if (fix === undefined) return assert.deepEqual(findings, []);
      assert.equal(findings.length, 1);
      assert.equal(findings[0]!.fix, fix);
      assert.equal(findings[0]!.severity, 'warning');
      assert.equal(findings[0]!.check, 'shared-writers');
    });
  }

  test('the message names every writer and which are stopped', () => {
    const [finding] = checkSharedWriters(
      facts({
        mounts: [
          mount('app', 'logs', { destination: '/a' }),
          mount('old', 'logs', { destination: '/b', running: false }),
        ],
      }),
      POLICY,
    );
    assert.equal(finding!.subject, 'logs');
    assert.equal(finding!.message, 'mounted read-write by 2 containers: app (/a), old (/b, stopped)');
  });

  test('only the label value "true" names the writer', () => {
    const [finding] = checkSharedWriters(
      facts({ mounts: [mount('a', 'logs'), mount('b', 'logs')], labels: { a: { 'stowage.writer': 'yes' } } }),
      POLICY,
    );
    assert.match(finding!.fix, /^keep a as the only writer \(or label/);
  });

  test('with no label, a running writer is kept before a stopped one, and every other writer is named', () => {
    const [finding] = checkSharedWriters(
      facts({
        mounts: [
          mount('a-old', 'logs', { running: false }),
          mount('c', 'logs', { destination: '/c' }),
          mount('b', 'logs', { destination: '/b' }),
          mount('r', 'logs', { destination: '/r', readOnly: true }),
        ],
      }),
      POLICY,
    );
    assert.equal(
      finding!.fix,
      'keep b as the only writer (or label the one that should write stowage.writer=true); mount it read-only in the others: a-old -v logs:/data:ro, c -v logs:/c:ro',
    );
  });

  test('a labelled container that only reads is not kept as the writer', () => {
    const [finding] = checkSharedWriters(
      facts({
        mounts: [mount('reader', 'logs', { readOnly: true }), mount('x', 'logs'), mount('y', 'logs')],
        labels: { reader: WRITER },
      }),
      POLICY,
    );
    assert.match(finding!.fix, /^keep x as the only writer \(or label .*: y -v logs:\/data:ro$/);
  });
});
