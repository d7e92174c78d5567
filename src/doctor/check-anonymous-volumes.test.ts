import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { VolumeRecord } from '../inventory/volume-record.ts';
import { checkAnonymousVolumes } from './check-anonymous-volumes.ts';
import type { Severity } from './contract.ts';
import { ANON, facts, POLICY, user, volume } from './testing/facts.ts';

describe('checkAnonymousVolumes', () => {
  const cases: [string, VolumeRecord, Severity | undefined, RegExp | undefined][] = [
    ['a named dangling volume is not its business', volume('pg-data'), undefined, undefined],
    ['a named volume in use', volume('pg-data', { users: [user('db')] }), undefined, undefined],
    ['an orphan is a warning, fixed by prune', volume(ANON), 'warning', /^stowage prune$/],
    [
      'an orphan made anonymous by the label alone',
      volume('x1', { anonymous: true }),
      'warning',
      /^stowage prune$/,
    ],
    [
      'a protected orphan is kept by prune: info',
      volume(ANON, { protected: true }),
      'info',
      /stowage unprotect a{64} && stowage prune/,
    ],
    [
      'an anonymous volume in use: info, name it',
      volume(ANON, { users: [user('db', { destination: '/var/lib/db' })] }),
      'info',
      /stowage clone a{64} NAME, then recreate db with -v NAME:\/var\/lib\/db/,
    ],
    [
      'an idle anonymous volume: info',
      volume(ANON, { users: [user('db', { running: false })] }),
      'info',
      /stowage clone/,
    ],
  ];
  for (const [name, record, severity, fix] of cases) {
    test(name, () => {
      const findings = checkAnonymousVolumes(facts({ volumes: [record] }), POLICY);
      if (severity === undefined) return assert.deepEqual(findings, []);
      assert.equal(findings.length, 1);
      assert.equal(findings[0]!.severity, severity);
      assert.equal(findings[0]!.subject, record.name);
      assert.equal(findings[0]!.check, 'anonymous-volumes');
      assert.match(findings[0]!.fix, fix!);
    });
  }

  test('the message names who uses an anonymous volume', () => {
    const [finding] = checkAnonymousVolumes(
      facts({
        volumes: [
          volume(ANON, { users: [user('a', { destination: '/x' }), user('b', { destination: '/y' })] }),
        ],
      }),
      POLICY,
    );
    assert.match(finding!.message, /used by a at \/x, b at \/y/);
  });

  test('orphans are one finding listing every one of them, apart from protected ones and those in use', () => {
    const anon = (c: string) => c.repeat(64);
    const findings = checkAnonymousVolumes(
      facts({
        volumes: [
          volume(anon('c')),
          volume(anon('b')),
          volume(anon('a')),
          volume(anon('d')),
          volume(anon('e'), { protected: true }),
          volume(anon('f'), { users: [user('db')] }),
          volume(anon('9'), { users: [user('web')] }),
          volume('named'),
        ],
      }),
      POLICY,
    );
    assert.deepEqual(
      findings.map((f) => [f.kind, f.severity, f.subjects, f.fix]),
      [
        ['orphan', 'warning', [anon('a'), anon('b'), anon('c'), anon('d')], 'stowage prune'],
        [
          'protected-orphan',
          'info',
          [anon('e')],
          `stowage unprotect ${anon('e')} && stowage prune, if it is no longer needed`,
        ],
        [
          'anonymous-in-use',
          'info',
          [anon('9'), anon('f')],
          'give each a name: stowage clone VOLUME NAME, then recreate its container with -v NAME:PATH (stowage inspect VOLUME shows who uses it)',
        ],
      ],
    );
    assert.equal(findings[0]!.subject, `4 volumes: ${anon('a')}, ${anon('b')}, ${anon('c')} and 1 more`);
  });
});
