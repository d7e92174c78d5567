/**
 * Cron expressions as schedules use them: croner's syntax with 5 fields, or 6 with seconds first, or a
 * nickname (@hourly, @daily, @weekly, @monthly, @yearly). Times are in the process's time zone (TZ).
 * One place decides how an expression is read, so the config check and the scheduler never disagree.
 */
import { Cron } from 'croner';

/** A paused (never firing) croner object, for computing fire times. @throws croner's error when invalid. */
export function cronPattern(expression: string): Cron {
  return new Cron(expression, { paused: true, mode: '5-or-6-parts' });
}

const NICKNAMES = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const SHAPE =
  'expected 5 fields (minute hour day-of-month month day-of-week), 6 with seconds first, or one of @hourly, @daily, @weekly, @monthly, @yearly';

/** Why `expression` is not a usable schedule (does not parse, or never fires), or undefined when it is. */
export function cronProblem(expression: string, now = new Date()): string | undefined {
  const fields = expression.trim().split(/\s+/).length;
  const nickname = expression.trim().startsWith('@');
  if (nickname ? !NICKNAMES.includes(expression.trim().toLowerCase()) : fields < 5 || fields > 6)
    return `invalid cron expression "${expression}": ${SHAPE}`;
  let pattern: Cron;
  try {
    pattern = cronPattern(expression);
  } catch (error) {
    return `invalid cron expression "${expression}": ${(error as Error).message.replace(/^CronPattern: /, '')}`;
  }
  if (pattern.nextRun(now) === null) return `cron expression "${expression}" never fires`;
  return undefined;
}
