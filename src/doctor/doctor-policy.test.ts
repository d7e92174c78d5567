import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isStowageError } from '../core/errors.ts';
import type { DoctorPolicy } from './contract.ts';
import { DEFAULT_POLICY, parseDoctorPolicy, type DoctorPolicyInput } from './doctor-policy.ts';

describe('parseDoctorPolicy', () => {
  const ok: [DoctorPolicyInput, DoctorPolicy][] = [
    [{}, DEFAULT_POLICY],
    [
      { staleAfter: '7d', diskWarn: '85', diskCritical: '95' },
      { staleAfterMs: 7 * 86_400_000, diskWarnPercent: 85, diskCriticalPercent: 95 },
    ],
    [{ staleAfter: '12h' }, { ...DEFAULT_POLICY, staleAfterMs: 12 * 3_600_000 }],
    [{ staleAfter: '2w' }, { ...DEFAULT_POLICY, staleAfterMs: 14 * 86_400_000 }],
    [
      { diskWarn: '80%', diskCritical: '92.5' },
      { ...DEFAULT_POLICY, diskWarnPercent: 80, diskCriticalPercent: 92.5 },
    ],
    [
      { diskWarn: '90', diskCritical: '90' },
      { ...DEFAULT_POLICY, diskWarnPercent: 90, diskCriticalPercent: 90 },
    ],
    [{ diskCritical: '100' }, { ...DEFAULT_POLICY, diskCriticalPercent: 100 }],
  ];
  for (const [input, policy] of ok) {
    test(`${JSON.stringify(input)} → accepted`, () => assert.deepEqual(parseDoctorPolicy(input), policy));
  }

  const bad: [DoctorPolicyInput, RegExp][] = [
    [{ staleAfter: '7' }, /invalid --stale-after duration "7"/],
    [{ staleAfter: 'week' }, /invalid --stale-after duration/],
    [{ staleAfter: '0d' }, /must be more than 0/],
    [{ diskWarn: 'lots' }, /invalid --disk-warn percentage "lots"/],
    [{ diskWarn: '0' }, /invalid --disk-warn percentage/],
    [{ diskCritical: '101' }, /invalid --disk-critical percentage "101"/],
    [{ diskWarn: '-5' }, /invalid --disk-warn percentage/],
    [{ diskWarn: '96' }, /--disk-warn 96 is above --disk-critical 95/],
    [{ diskWarn: '50', diskCritical: '40' }, /--disk-warn 50 is above --disk-critical 40/],
  ];
  for (const [input, message] of bad) {
    test(`${JSON.stringify(input)} → invalid`, () => {
      assert.throws(
        () => parseDoctorPolicy(input),
        (error) => isStowageError(error, 'invalid') && message.test(error.message),
      );
    });
  }
});
