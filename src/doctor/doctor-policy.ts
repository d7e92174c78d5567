/** The doctor's thresholds: defaults and strict parsing of the flags that change them. Pure. */
import { invalid } from '../core/errors.ts';
import { parseDuration } from '../core/units.ts';
import type { DoctorPolicy } from './contract.ts';

export const DEFAULT_POLICY: DoctorPolicy = {
  staleAfterMs: 7 * 86_400_000,
  diskWarnPercent: 85,
  diskCriticalPercent: 95,
};

export interface DoctorPolicyInput {
  staleAfter?: string;
  diskWarn?: string;
  diskCritical?: string;
}

/** @throws StowageError 'invalid' naming the flag: a bad duration or percentage, or warn above critical. */
export function parseDoctorPolicy(input: DoctorPolicyInput): DoctorPolicy {
  const policy: DoctorPolicy = {
    staleAfterMs:
      input.staleAfter === undefined
        ? DEFAULT_POLICY.staleAfterMs
        : parseDuration(input.staleAfter, '--stale-after duration'),
    diskWarnPercent:
      input.diskWarn === undefined
        ? DEFAULT_POLICY.diskWarnPercent
        : parsePercent(input.diskWarn, '--disk-warn'),
    diskCriticalPercent:
      input.diskCritical === undefined
        ? DEFAULT_POLICY.diskCriticalPercent
        : parsePercent(input.diskCritical, '--disk-critical'),
  };
  if (policy.staleAfterMs <= 0)
    throw invalid(`invalid --stale-after duration "${input.staleAfter}": must be more than 0`);
  if (policy.diskWarnPercent > policy.diskCriticalPercent) {
    throw invalid(
      `--disk-warn ${policy.diskWarnPercent} is above --disk-critical ${policy.diskCriticalPercent}`,
      'the warning threshold must not be above the critical one',
    );
  }
  return policy;
}

/** `85` or `85%` or `92.5`, from 1 to 100. */
export function parsePercent(text: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const value = match ? Number(match[1]) : NaN;
  if (!(value >= 1 && value <= 100))
    throw invalid(`invalid ${flag} percentage "${text}"`, 'use a number from 1 to 100, e.g. 85');
  return value;
}
