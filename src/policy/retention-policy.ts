/**
 * Retention: which backups to keep, as one grammar everywhere (CLI, config, daemon schedules):
 *
 *   [keep=]RULE:N[,RULE:N]…      RULE: last | hourly | daily | weekly | monthly | yearly, N ≥ 1
 *
 * and a pure `applyRetention` with restic's semantics plus Stowage's safety rules. No I/O here:
 * `forget-backups.ts` reads the catalog, calls this, and applies the result.
 */
import { invalid } from '../core/errors.ts';
import { compareText } from '../core/units.ts';

export const RETENTION_RULES = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;
export type RetentionRule = (typeof RETENTION_RULES)[number];

/** How many of each rule to keep; absent rules keep nothing. Parsed policies hold at least one rule. */
export type RetentionPolicy = Partial<Record<RetentionRule, number>>;

export const RETENTION_GRAMMAR =
  'keep=RULE:N[,RULE:N]… with RULE one of last, hourly, daily, weekly, monthly, yearly (each at most once) and N a whole number of 1 or more, e.g. keep=last:7,daily:7,weekly:4';

/**
 * Parses `keep=last:7,hourly:24,daily:7,weekly:4,monthly:12,yearly:3` (the `keep=` prefix is optional;
 * spaces around a rule are ignored).
 * @throws StowageError 'invalid' naming the bad part (unknown rule, bad number, duplicate, empty policy),
 *   with the grammar as its hint.
 */
export function parseRetentionPolicy(text: string): RetentionPolicy {
  const bad = (why: string) =>
    invalid(`invalid retention policy "${text}": ${why}`, `the grammar is ${RETENTION_GRAMMAR}`);
  const body = text.trim().replace(/^keep=/, '');
  if (body.trim() === '') throw bad('it names no rule');
  const policy: RetentionPolicy = {};
  for (const raw of body.split(',')) {
    const part = raw.trim();
    if (part === '') throw bad('a rule is empty (two commas in a row, or one at an end)');
    const match = /^([^:]*):(.*)$/.exec(part);
    if (!match) throw bad(`"${part}" is not RULE:N`);
    const name = match[1]!;
    const count = match[2]!;
    if (!isRule(name)) throw bad(`"${name}" in "${part}" is not a rule (${RETENTION_RULES.join(', ')})`);
    if (policy[name] !== undefined) throw bad(`"${name}" is given twice`);
    const n = /^\d+$/.test(count) ? Number(count) : NaN;
    if (!Number.isSafeInteger(n) || n < 1)
      throw bad(`"${count}" in "${part}" is not a whole number of 1 or more`);
    policy[name] = n;
  }
  return policy;
}

/** The canonical text of a policy (rules in grammar order, no prefix): `last:7,daily:7`. */
export function formatRetentionPolicy(policy: RetentionPolicy): string {
  return RETENTION_RULES.filter((rule) => policy[rule] !== undefined)
    .map((rule) => `${rule}:${policy[rule]}`)
    .join(',');
}

const isRule = (name: string): name is RetentionRule => (RETENTION_RULES as readonly string[]).includes(name);

/** What retention needs of a catalog record; `BackupRecord` has all of it. */
export interface RetentionCandidate {
  id: number;
  engineId: string;
  volume: string;
  /** ISO time the archive was committed: the backup's time for every rule. */
  finishedAt: string;
  verifyStatus: 'ok' | 'failed' | null;
  /** Set when the archive is known to be gone from its target: such a backup is never good. */
  archiveMissing?: boolean;
}

export interface RetentionPlan<B extends RetentionCandidate> {
  /** Newest first within each volume; volumes in name order. */
  keep: { backup: B; reasons: string[] }[];
  remove: { backup: B; reason: string }[];
  /** Volumes for which nothing is removed whatever the policy says: `newest` is the ID of the backup that is not good. */
  blocked: { engineId: string; volume: string; newest: number; cause: NotGood; reason: string }[];
}

/**
 * Applies `policy` to each volume's backups separately (a volume is a name on one engine: same-named
 * volumes of two engines are different data). Rules, as restic's `forget`:
 * - `last:N` keeps the N newest backups;
 * - `hourly|daily|weekly|monthly|yearly:N` keeps the newest backup of each of the N most recent hours,
 *   days, ISO weeks, months or years (UTC) that have backups — periods without backups do not count;
 * - a backup kept by several rules lists every reason; one kept by none is removed.
 * Safety rules override the policy:
 * - only the backups given (the catalog's records) are ever considered;
 * - the newest good backup of a volume (verified `ok`, archive not known missing) is never removed;
 * - when a volume's newest backup is not good (failed, never verified, or its archive is gone), nothing
 *   of that volume is removed, and `blocked` says why;
 * - a backup dated after `now` (a skewed clock) is kept and takes no place in the rules, so one bogus
 *   future date cannot push every real backup out of `last:N`.
 * Pure: the same input gives the same plan.
 */
export function applyRetention<B extends RetentionCandidate>(
  backups: readonly B[],
  policy: RetentionPolicy,
  now: Date,
): RetentionPlan<B> {
  const plan: RetentionPlan<B> = { keep: [], remove: [], blocked: [] };
  const groups = new Map<string, B[]>();
  for (const backup of backups) {
    const key = `${backup.volume}\0${backup.engineId}`;
    const group = groups.get(key);
    if (group) group.push(backup);
    else groups.set(key, [backup]);
  }
  for (const key of [...groups.keys()].sort(compareText)) applyToVolume(groups.get(key)!, policy, now, plan);
  return plan;
}

function applyToVolume<B extends RetentionCandidate>(
  backups: B[],
  policy: RetentionPolicy,
  now: Date,
  plan: RetentionPlan<B>,
): void {
  const timed = backups.map((backup) => ({ backup, time: Date.parse(backup.finishedAt) })).sort(newestFirst);
  const untrusted = new Map<B, string>();
  for (const { backup, time } of timed) {
    if (Number.isNaN(time)) untrusted.set(backup, `its time "${backup.finishedAt}" cannot be read`);
    else if (time > now.getTime()) untrusted.set(backup, 'dated in the future (clock skew?)');
  }
  const ordered = timed.filter(({ backup }) => !untrusted.has(backup));
  const reasons = new Map<B, string[]>(timed.map(({ backup }) => [backup, []]));
  for (const [backup, why] of untrusted) reasons.get(backup)!.push(`kept: ${why}`);

  const newest = ordered[0]?.backup;
  let blocked: string | undefined;
  if (newest && !isGood(newest)) {
    const cause = notGood(newest);
    blocked = `its newest backup #${newest.id} ${NOT_GOOD_TEXT[cause]}`;
    plan.blocked.push({
      engineId: newest.engineId,
      volume: newest.volume,
      newest: newest.id,
      cause,
      reason: blocked,
    });
  }
  const newestGood = ordered.find(({ backup }) => isGood(backup))?.backup;
  if (newestGood) reasons.get(newestGood)!.push('newest good backup');

  for (const rule of RETENTION_RULES) {
    const count = policy[rule];
    if (count === undefined) continue;
    let kept = 0;
    let lastPeriod: string | undefined;
    for (const { backup, time } of ordered) {
      if (kept === count) break;
      const period = rule === 'last' ? undefined : periodOf(rule, new Date(time));
      if (period !== undefined && period === lastPeriod) continue; // an older backup of a period already kept
      lastPeriod = period;
      kept++;
      reasons
        .get(backup)!
        .push(rule === 'last' ? `last ${kept}/${count}` : `${rule} ${period} (${kept}/${count})`);
    }
  }

  const policyText = formatRetentionPolicy(policy);
  for (const { backup } of timed) {
    const why = reasons.get(backup)!;
    if (why.length === 0 && blocked)
      why.push(`kept: nothing of ${backup.volume} is removed while ${blocked}`);
    if (why.length) plan.keep.push({ backup, reasons: why });
    else plan.remove.push({ backup, reason: `not kept by ${policyText}` });
  }
}

const isGood = (backup: RetentionCandidate) => backup.verifyStatus === 'ok' && !backup.archiveMissing;

/** Why a backup is not good (see the glossary: committed, re-read, every checksum matched). */
export type NotGood = 'unverified' | 'failed' | 'archive-missing';

const NOT_GOOD_TEXT: Record<NotGood, string> = {
  unverified: 'has not been verified',
  failed: 'failed verification',
  'archive-missing': 'has lost its archive',
};

function notGood(backup: RetentionCandidate): NotGood {
  if (backup.archiveMissing) return 'archive-missing';
  return backup.verifyStatus === 'failed' ? 'failed' : 'unverified';
}

/** The UTC hour, day, ISO week, month or year of a time, as text that sorts and reads well. */
export function periodOf(rule: Exclude<RetentionRule, 'last'>, time: Date): string {
  const iso = time.toISOString();
  switch (rule) {
    case 'hourly':
      return iso.slice(0, 13); // 2026-11-25T20
    case 'daily':
      return iso.slice(0, 10); // 2026-11-25
    case 'weekly': {
      const { year, week } = isoWeek(time);
      return `${year}-W${String(week).padStart(2, '0')}`;
    }
    case 'monthly':
      return iso.slice(0, 7);
    case 'yearly':
      return iso.slice(0, 4);
  }
}

/**
 * ISO 8601 week of a UTC date: weeks start on Monday and belong to the year of their Thursday, so
 * 2024-12-30 is in 2025-W01 and 2027-01-01 in 2026-W53.
 */
export function isoWeek(time: Date): { year: number; week: number } {
  const day = Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate());
  const weekday = (time.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(day + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return { year, week };
}

/** Newest first; equal times by ID, newest (highest) first, so the order is total and stable. */
function newestFirst(
  a: { backup: RetentionCandidate; time: number },
  b: { backup: RetentionCandidate; time: number },
): number {
  const at = Number.isNaN(a.time) ? -Infinity : a.time;
  const bt = Number.isNaN(b.time) ? -Infinity : b.time;
  return bt - at || b.backup.id - a.backup.id;
}
