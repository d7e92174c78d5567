/**
 * When schedules fire, what a stopped daemon missed, and when a schedule is late: pure functions of a cron
 * expression and times (croner computes the fire times; nothing here reads a clock or starts a timer).
 */
import { cronPattern } from '../policy/cron-expression.ts';

/** The next `count` fire times strictly after `after`, oldest first. */
export function nextFires(cron: string, after: Date, count = 1): Date[] {
  return cronPattern(cron).nextRuns(count, after);
}

/** The fire time at or just before `at` (the slot a firing belongs to), or undefined when there is none. */
export function slotAt(cron: string, at: Date): Date | undefined {
  return cronPattern(cron).previousRuns(1, new Date(at.getTime() + 1))[0];
}

/**
 * The fire times in (`lastFire`, `now`], oldest first, at most `limit` of them (the oldest ones): what a
 * daemon that was down missed. Catch-up runs a schedule **once** when this is not empty, however many
 * slots were missed: a backup taken now covers them all, and ten backups in a row would not add anything.
 * Empty when `lastFire` is unknown or not before `now` (a clock set back).
 */
export function missedRuns(cron: string, lastFire: Date | undefined, now: Date, limit = 1000): Date[] {
  if (!lastFire || !(lastFire.getTime() < now.getTime())) return [];
  const missed: Date[] = [];
  for (const fire of cronPattern(cron).enumerate(lastFire)) {
    if (fire.getTime() > now.getTime() || missed.length === limit) break;
    missed.push(fire);
  }
  return missed;
}

export interface LatenessInput {
  /** When the schedule was first seen: it cannot be late for fires before it existed. */
  firstSeen: Date;
  /** When the last run that succeeded for every volume fired (or started, for a manual run). */
  lastSuccess: Date | undefined;
}

/**
 * Why the schedule is late at `now`, or undefined when it is not. A schedule may miss one fire (a failed
 * run, a run still going, jitter): it is late when neither of its two most recent fires before `now` was a
 * success, i.e. its last success is older than about twice the interval between fires. A schedule that
 * has not yet existed for two fires is never late.
 */
export function lateness(cron: string, input: LatenessInput, now: Date): string | undefined {
  const [, secondLast] = cronPattern(cron).previousRuns(2, now);
  if (!secondLast) return undefined;
  const since = input.lastSuccess ?? input.firstSeen;
  if (since.getTime() >= secondLast.getTime()) return undefined;
  return input.lastSuccess
    ? `last success ${input.lastSuccess.toISOString()}, none since the fires of ${secondLast.toISOString()} and after`
    : `no successful run since it was first seen (${input.firstSeen.toISOString()}), although it fired at ${secondLast.toISOString()} and after`;
}

/** A random delay in [0, `maxMs`) for spreading runs that would otherwise start together. */
export function jitterDelay(maxMs: number, random: () => number = Math.random): number {
  if (!(maxMs > 0)) return 0;
  return Math.min(maxMs - 1, Math.floor(random() * maxMs));
}
