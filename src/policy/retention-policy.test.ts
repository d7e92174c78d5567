import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isStowageError } from '../core/errors.ts';
import {
  applyRetention,
  formatRetentionPolicy,
  isoWeek,
  parseRetentionPolicy,
  periodOf,
  type RetentionCandidate,
  type RetentionPlan,
  type RetentionPolicy,
} from './retention-policy.ts';

const NOW = new Date('2027-06-01T00:00:00Z');

interface Backup extends RetentionCandidate {
  label: string;
}

let nextId = 1;
/** A catalog record: verified good unless told otherwise; `label` names it in expectations. */
function backup(
  label: string,
  finishedAt: string,
  fields: Partial<Pick<Backup, 'verifyStatus' | 'archiveMissing' | 'volume' | 'engineId' | 'id'>> = {},
): Backup {
  return { id: nextId++, engineId: 'e1', volume: 'data', verifyStatus: 'ok', ...fields, label, finishedAt };
}

/** The plan by label: what is kept and why, what goes and why, which volumes are blocked. */
function summary(plan: RetentionPlan<Backup>) {
  return {
    keep: Object.fromEntries(plan.keep.map((k) => [k.backup.label, k.reasons])),
    remove: Object.fromEntries(plan.remove.map((r) => [r.backup.label, r.reason])),
    blocked: plan.blocked.map((b) => `${b.volume}: ${b.reason}`),
  };
}

describe('parseRetentionPolicy', () => {
  const valid: [string, RetentionPolicy][] = [
    [
      'keep=last:7,hourly:24,daily:7,weekly:4,monthly:12,yearly:3',
      { last: 7, hourly: 24, daily: 7, weekly: 4, monthly: 12, yearly: 3 },
    ],
    [
      'last:7,hourly:24,daily:7,weekly:4,monthly:12,yearly:3',
      { last: 7, hourly: 24, daily: 7, weekly: 4, monthly: 12, yearly: 3 },
    ],
    ['last:3', { last: 3 }],
    ['keep=hourly:1', { hourly: 1 }],
    ['daily:7', { daily: 7 }],
    ['weekly:4', { weekly: 4 }],
    ['monthly:12', { monthly: 12 }],
    ['yearly:3', { yearly: 3 }],
    ['yearly:3,last:1', { yearly: 3, last: 1 }],
    [' keep=daily:7 , weekly:4 ', { daily: 7, weekly: 4 }],
    ['last:007', { last: 7 }],
  ];
  for (const [text, expected] of valid) {
    test(`"${text}"`, () => assert.deepEqual(parseRetentionPolicy(text), expected));
  }

  const invalid: [string, string][] = [
    ['', 'names no rule'],
    ['keep=', 'names no rule'],
    ['   ', 'names no rule'],
    ['last', '"last" is not RULE:N'],
    ['keep=last', '"last" is not RULE:N'],
    ['last:', '"" in "last:" is not a whole number'],
    ['last:0', '"0" in "last:0" is not a whole number of 1 or more'],
    ['last:-1', '"-1" in "last:-1"'],
    ['last:1.5', '"1.5" in "last:1.5"'],
    ['last:x', '"x" in "last:x"'],
    ['last:1e3', '"1e3" in "last:1e3"'],
    ['last: 3', '" 3" in "last: 3"'],
    ['last:99999999999999999999', '"99999999999999999999"'],
    ['minutely:5', '"minutely" in "minutely:5" is not a rule (last, hourly, daily, weekly, monthly, yearly)'],
    ['Last:3', '"Last" in "Last:3" is not a rule'],
    ['last:1,daily:7,last:2', '"last" is given twice'],
    ['last:1,,daily:2', 'a rule is empty'],
    ['last:1,', 'a rule is empty'],
    [',last:1', 'a rule is empty'],
    ['keep=keep=last:1', '"keep=last" in "keep=last:1" is not a rule'],
    ['keep:last:1', '"keep" in "keep:last:1" is not a rule'],
    ['last=7', '"last=7" is not RULE:N'],
  ];
  for (const [text, part] of invalid) {
    test(`"${text}" is refused, naming ${part}`, () => {
      assert.throws(
        () => parseRetentionPolicy(text),
        (error) => {
          assert.ok(isStowageError(error, 'invalid'), String(error));
          assert.ok(error.message.startsWith(`invalid retention policy "${text}": `), error.message);
          assert.ok(error.message.includes(part), `${error.message} should include ${part}`);
          assert.match(
            error.hint ?? '',
            /keep=RULE:N\[,RULE:N\]… with RULE one of last, hourly, daily, weekly, monthly, yearly/,
          );
          return true;
        },
      );
    });
  }

  test('formatRetentionPolicy writes the canonical text, which parses back to the same policy', () => {
    const policy = parseRetentionPolicy('yearly:3,last:2');
    assert.equal(formatRetentionPolicy(policy), 'last:2,yearly:3');
    const full = 'last:7,hourly:24,daily:7,weekly:4,monthly:12,yearly:3';
    assert.equal(formatRetentionPolicy(parseRetentionPolicy(`keep=${full}`)), full);
    assert.deepEqual(parseRetentionPolicy(formatRetentionPolicy({ weekly: 4, daily: 7 })), {
      daily: 7,
      weekly: 4,
    });
  });
});

describe('isoWeek and periods (UTC)', () => {
  const weeks: [string, string][] = [
    ['2026-11-25T20:00:00Z', '2026-W48'],
    ['2026-11-30T00:00:00Z', '2026-W49'], // Monday starts a week
    ['2026-11-29T23:59:59.999Z', '2026-W48'], // Sunday ends one
    ['2024-12-29T12:00:00Z', '2024-W52'],
    ['2024-12-30T00:00:00Z', '2025-W01'], // December day in next year's week 1
    ['2025-01-05T23:59:59Z', '2025-W01'],
    ['2025-01-06T00:00:00Z', '2025-W02'],
    ['2020-12-31T00:00:00Z', '2020-W53'],
    ['2021-01-03T23:00:00Z', '2020-W53'], // January day in last year's week 53
    ['2021-01-04T00:00:00Z', '2021-W01'],
    ['2026-12-31T00:00:00Z', '2026-W53'],
    ['2027-01-01T00:00:00Z', '2026-W53'],
    ['2027-01-04T00:00:00Z', '2027-W01'],
    ['2008-12-29T00:00:00Z', '2009-W01'],
    ['2016-01-03T00:00:00Z', '2015-W53'],
    ['2016-01-04T00:00:00Z', '2016-W01'],
  ];
  for (const [time, expected] of weeks) {
    test(`${time} is in ${expected}`, () => {
      assert.equal(periodOf('weekly', new Date(time)), expected);
      const { year, week } = isoWeek(new Date(time));
      assert.equal(`${year}-W${String(week).padStart(2, '0')}`, expected);
    });
  }

  test('hour, day, month and year are UTC', () => {
    const t = new Date('2026-11-26T01:30:00+02:00'); // 2026-11-25T23:30Z
    assert.equal(periodOf('hourly', t), '2026-11-25T23');
    assert.equal(periodOf('daily', t), '2026-11-25');
    assert.equal(periodOf('monthly', new Date('2026-12-01T00:30:00+01:00')), '2026-11');
    assert.equal(periodOf('yearly', new Date('2027-01-01T05:00:00+06:00')), '2026');
  });

  test('every day of 1999–2031 gets the same ISO week as a Thursday-based reference', () => {
    for (let day = Date.UTC(1999, 0, 1); day < Date.UTC(2032, 0, 1); day += 86_400_000) {
      // Reference: the week's Thursday, then count Thursdays from that year's first Thursday.
      const date = new Date(day);
      const thursday = new Date(day + (3 - ((date.getUTCDay() + 6) % 7)) * 86_400_000);
      const year = thursday.getUTCFullYear();
      let firstThursday = Date.UTC(year, 0, 1);
      while (new Date(firstThursday).getUTCDay() !== 4) firstThursday += 86_400_000;
      const week = (thursday.getTime() - firstThursday) / (7 * 86_400_000) + 1;
      assert.deepEqual(isoWeek(date), { year, week }, date.toISOString());
    }
  });
});

interface Case {
  name: string;
  policy: string;
  backups: () => Backup[];
  keep: Record<string, string[]>;
  remove: Record<string, string>;
  blocked?: string[];
}

const cases: Case[] = [
  {
    name: 'empty input: an empty plan',
    policy: 'last:3',
    backups: () => [],
    keep: {},
    remove: {},
  },
  {
    name: 'last:2 keeps the two newest',
    policy: 'last:2',
    backups: () => [
      backup('a', '2026-11-28T03:00:00Z'),
      backup('b', '2026-11-29T03:00:00Z'),
      backup('c', '2026-11-30T03:00:00Z'),
      backup('d', '2026-12-01T03:00:00Z'),
    ],
    keep: { d: ['newest good backup', 'last 1/2'], c: ['last 2/2'] },
    remove: { b: 'not kept by last:2', a: 'not kept by last:2' },
  },
  {
    name: 'last:N with fewer backups keeps them all',
    policy: 'last:5',
    backups: () => [backup('a', '2026-11-29T03:00:00Z'), backup('b', '2026-11-30T03:00:00Z')],
    keep: { b: ['newest good backup', 'last 1/5'], a: ['last 2/5'] },
    remove: {},
  },
  {
    name: 'hourly:2 keeps the newest of the two most recent hours that have backups (an empty hour does not count)',
    policy: 'hourly:2',
    backups: () => [
      backup('08:05', '2026-12-01T08:05:00Z'),
      backup('08:40', '2026-12-01T08:40:00Z'),
      backup('09:10', '2026-12-01T09:10:00Z'),
      backup('09:50', '2026-12-01T09:50:00Z'),
      backup('11:00', '2026-12-01T11:00:00Z'),
    ],
    keep: {
      '11:00': ['newest good backup', 'hourly 2026-12-01T11 (1/2)'],
      '09:50': ['hourly 2026-12-01T09 (2/2)'],
    },
    remove: {
      '09:10': 'not kept by hourly:2',
      '08:40': 'not kept by hourly:2',
      '08:05': 'not kept by hourly:2',
    },
  },
  {
    name: 'hourly: xx:59:59.999 and the next xx:00 are different hours',
    policy: 'hourly:2',
    backups: () => [
      backup('9:00', '2026-12-01T09:00:00Z'),
      backup('9:59', '2026-12-01T09:59:59.999Z'),
      backup('10:00', '2026-12-01T10:00:00Z'),
    ],
    keep: {
      '10:00': ['newest good backup', 'hourly 2026-12-01T10 (1/2)'],
      '9:59': ['hourly 2026-12-01T09 (2/2)'],
    },
    remove: { '9:00': 'not kept by hourly:2' },
  },
  {
    name: 'daily:3 skips days without backups and keeps the newest of each day',
    policy: 'daily:3',
    backups: () => [
      backup('20-early', '2026-11-20T01:00:00Z'),
      backup('20-late', '2026-11-20T22:00:00Z'),
      backup('25', '2026-11-25T03:00:00Z'),
      backup('28-early', '2026-11-28T03:00:00Z'),
      backup('28-late', '2026-11-28T15:00:00Z'),
      backup('10', '2026-11-10T03:00:00Z'),
    ],
    keep: {
      '28-late': ['newest good backup', 'daily 2026-11-28 (1/3)'],
      '25': ['daily 2026-11-25 (2/3)'],
      '20-late': ['daily 2026-11-20 (3/3)'],
    },
    remove: {
      '28-early': 'not kept by daily:3',
      '20-early': 'not kept by daily:3',
      '10': 'not kept by daily:3',
    },
  },
  {
    name: 'daily: days are UTC days, whatever offset a time was written with',
    policy: 'daily:2',
    backups: () => [
      backup('25-late', '2026-11-26T01:30:00+02:00'), // 2026-11-25T23:30Z
      backup('25-early', '2026-11-25T00:00:00Z'),
      backup('26-first', '2026-11-26T00:00:00Z'),
      backup('26-last', '2026-11-26T23:59:59.999Z'),
      backup('24', '2026-11-25T05:00:00+06:00'), // 2026-11-24T23:00Z
    ],
    keep: {
      '26-last': ['newest good backup', 'daily 2026-11-26 (1/2)'],
      '25-late': ['daily 2026-11-25 (2/2)'],
    },
    remove: {
      '26-first': 'not kept by daily:2',
      '25-early': 'not kept by daily:2',
      '24': 'not kept by daily:2',
    },
  },
  {
    name: 'weekly:2 across the ISO week-year boundary (2024-12-30 is in 2025-W01)',
    policy: 'weekly:2',
    backups: () => [
      backup('sun-52', '2024-12-29T12:00:00Z'),
      backup('mon-01', '2024-12-30T12:00:00Z'),
      backup('sun-01', '2025-01-05T12:00:00Z'),
      backup('mon-02', '2025-01-06T12:00:00Z'),
    ],
    keep: { 'mon-02': ['newest good backup', 'weekly 2025-W02 (1/2)'], 'sun-01': ['weekly 2025-W01 (2/2)'] },
    remove: { 'mon-01': 'not kept by weekly:2', 'sun-52': 'not kept by weekly:2' },
  },
  {
    name: 'weekly: 2026-12-31 and 2027-01-01 are one week (2026-W53), yearly splits them',
    policy: 'weekly:1,yearly:2',
    backups: () => [backup('dec31', '2026-12-31T12:00:00Z'), backup('jan1', '2027-01-01T12:00:00Z')],
    keep: {
      jan1: ['newest good backup', 'weekly 2026-W53 (1/1)', 'yearly 2027 (1/2)'],
      dec31: ['yearly 2026 (2/2)'],
    },
    remove: {},
  },
  {
    name: 'monthly:2 keeps the newest of each of the two most recent months; month edges are UTC',
    policy: 'monthly:2',
    backups: () => [
      backup('sep', '2026-09-15T00:00:00Z'),
      backup('oct-last', '2026-10-31T23:59:59Z'),
      backup('oct-mid', '2026-10-15T00:00:00Z'),
      backup('nov-first', '2026-11-01T00:00:00Z'),
      backup('nov-via-offset', '2026-12-01T00:30:00+01:00'), // 2026-11-30T23:30Z
    ],
    keep: {
      'nov-via-offset': ['newest good backup', 'monthly 2026-11 (1/2)'],
      'oct-last': ['monthly 2026-10 (2/2)'],
    },
    remove: {
      'nov-first': 'not kept by monthly:2',
      'oct-mid': 'not kept by monthly:2',
      sep: 'not kept by monthly:2',
    },
  },
  {
    name: 'yearly:2 keeps the newest of each of the two most recent years with backups',
    policy: 'yearly:2',
    backups: () => [
      backup('2022', '2022-06-01T00:00:00Z'),
      backup('2024-a', '2024-01-01T00:00:00Z'),
      backup('2024-b', '2024-12-31T23:59:59Z'),
      backup('2026', '2026-01-01T00:00:00Z'),
    ],
    keep: { '2026': ['newest good backup', 'yearly 2026 (1/2)'], '2024-b': ['yearly 2024 (2/2)'] },
    remove: { '2024-a': 'not kept by yearly:2', '2022': 'not kept by yearly:2' },
  },
  {
    name: 'rules combine: a backup kept by several rules lists every reason; kept by none, it goes',
    policy: 'keep=last:1,daily:2,weekly:2',
    backups: () => [
      backup('mon-noon', '2026-11-30T12:00:00Z'), // Monday, W49
      backup('mon-morning', '2026-11-30T08:00:00Z'),
      backup('sun', '2026-11-29T20:00:00Z'), // W48
      backup('sat', '2026-11-28T10:00:00Z'),
      backup('w47', '2026-11-20T10:00:00Z'),
    ],
    keep: {
      'mon-noon': ['newest good backup', 'last 1/1', 'daily 2026-11-30 (1/2)', 'weekly 2026-W49 (1/2)'],
      sun: ['daily 2026-11-29 (2/2)', 'weekly 2026-W48 (2/2)'],
    },
    remove: {
      'mon-morning': 'not kept by last:1,daily:2,weekly:2',
      sat: 'not kept by last:1,daily:2,weekly:2',
      w47: 'not kept by last:1,daily:2,weekly:2',
    },
  },
  {
    name: 'rules that overlap do not add up: 60 daily backups with daily:3,monthly:2,yearly:2 keep three',
    policy: 'daily:3,monthly:2,yearly:2',
    backups: () =>
      Array.from({ length: 60 }, (_, i) => {
        const at = new Date(Date.UTC(2026, 9, 3 + i, 3)); // 2026-10-03 … 2026-12-01
        return backup(at.toISOString().slice(0, 10), at.toISOString());
      }),
    keep: {
      '2026-12-01': [
        'newest good backup',
        'daily 2026-12-01 (1/3)',
        'monthly 2026-12 (1/2)',
        'yearly 2026 (1/2)',
      ],
      '2026-11-30': ['daily 2026-11-30 (2/3)', 'monthly 2026-11 (2/2)'],
      '2026-11-29': ['daily 2026-11-29 (3/3)'],
    },
    remove: Object.fromEntries(
      Array.from({ length: 57 }, (_, i) => [
        new Date(Date.UTC(2026, 9, 3 + i)).toISOString().slice(0, 10),
        'not kept by daily:3,monthly:2,yearly:2',
      ]),
    ),
  },
  {
    name: 'equal times: the higher ID is the newer',
    policy: 'last:1',
    backups: () => [
      backup('low', '2026-11-30T03:00:00Z', { id: 100 }),
      backup('high', '2026-11-30T03:00:00Z', { id: 101 }),
    ],
    keep: { high: ['newest good backup', 'last 1/1'] },
    remove: { low: 'not kept by last:1' },
  },
  {
    name: 'restic semantics: a backup that failed verification still takes its place in the rules',
    policy: 'last:2',
    backups: () => [
      backup('old-good', '2026-11-28T03:00:00Z'),
      backup('failed', '2026-11-29T03:00:00Z', { verifyStatus: 'failed' }),
      backup('newest', '2026-11-30T03:00:00Z'),
    ],
    keep: { newest: ['newest good backup', 'last 1/2'], failed: ['last 2/2'] },
    remove: { 'old-good': 'not kept by last:2' },
  },
  // Safety rules
  {
    name: 'an unverified newest backup blocks every removal of its volume',
    policy: 'last:1',
    backups: () => [
      backup('old', '2026-11-28T03:00:00Z'),
      backup('good', '2026-11-29T03:00:00Z'),
      backup('unverified', '2026-11-30T03:00:00Z', { id: 50, verifyStatus: null }),
    ],
    keep: {
      unverified: ['last 1/1'],
      good: ['newest good backup'],
      old: ['kept: nothing of data is removed while its newest backup #50 has not been verified'],
    },
    remove: {},
    blocked: ['data: its newest backup #50 has not been verified'],
  },
  {
    name: 'a newest backup that failed verification blocks every removal of its volume',
    policy: 'last:1',
    backups: () => [
      backup('old', '2026-11-28T03:00:00Z'),
      backup('failed', '2026-11-30T03:00:00Z', { id: 60, verifyStatus: 'failed' }),
    ],
    keep: {
      failed: ['last 1/1'],
      old: ['newest good backup'],
    },
    remove: {},
    blocked: ['data: its newest backup #60 failed verification'],
  },
  {
    name: 'a newest backup whose archive is gone is not good and blocks removal',
    policy: 'last:1',
    backups: () => [
      backup('older', '2026-11-27T03:00:00Z'),
      backup('old', '2026-11-28T03:00:00Z'),
      backup('gone', '2026-11-30T03:00:00Z', { id: 70, archiveMissing: true }),
    ],
    keep: {
      gone: ['last 1/1'],
      old: ['newest good backup'],
      older: ['kept: nothing of data is removed while its newest backup #70 has lost its archive'],
    },
    remove: {},
    blocked: ['data: its newest backup #70 has lost its archive'],
  },
  {
    name: 'no good backup at all: nothing is removed',
    policy: 'last:1',
    backups: () => [
      backup('a', '2026-11-28T03:00:00Z', { verifyStatus: null }),
      backup('b', '2026-11-29T03:00:00Z', { id: 80, verifyStatus: null }),
    ],
    keep: {
      b: ['last 1/1'],
      a: ['kept: nothing of data is removed while its newest backup #80 has not been verified'],
    },
    remove: {},
    blocked: ['data: its newest backup #80 has not been verified'],
  },
  {
    name: 'the newest good backup is kept, unverified older ones go when the newest is good',
    policy: 'last:1',
    backups: () => [
      backup('unverified-old', '2026-11-28T03:00:00Z', { verifyStatus: null }),
      backup('good', '2026-11-30T03:00:00Z'),
    ],
    keep: { good: ['newest good backup', 'last 1/1'] },
    remove: { 'unverified-old': 'not kept by last:1' },
  },
  {
    name: 'policies apply per volume; a blocked volume does not block another',
    policy: 'last:1',
    backups: () => [
      backup('web-old', '2026-11-28T03:00:00Z', { volume: 'web' }),
      backup('web-new', '2026-11-30T03:00:00Z', { volume: 'web' }),
      backup('db-old', '2026-11-28T03:00:00Z', { volume: 'db' }),
      backup('db-new', '2026-11-30T03:00:00Z', { volume: 'db', id: 90, verifyStatus: null }),
    ],
    keep: {
      'db-new': ['last 1/1'],
      'db-old': ['newest good backup'],
      'web-new': ['newest good backup', 'last 1/1'],
    },
    remove: { 'web-old': 'not kept by last:1' },
    blocked: ['db: its newest backup #90 has not been verified'],
  },
  {
    name: 'the same volume name on two engines is two volumes',
    policy: 'last:1',
    backups: () => [
      backup('e1-old', '2026-11-28T03:00:00Z'),
      backup('e1-new', '2026-11-29T03:00:00Z'),
      backup('e2-only', '2026-11-30T03:00:00Z', { engineId: 'e2' }),
    ],
    keep: { 'e1-new': ['newest good backup', 'last 1/1'], 'e2-only': ['newest good backup', 'last 1/1'] },
    remove: { 'e1-old': 'not kept by last:1' },
  },
  {
    name: 'a backup dated in the future is kept and takes no place in the rules',
    policy: 'last:1',
    backups: () => [
      backup('skewed', '2030-01-01T00:00:00Z', { verifyStatus: null }),
      backup('old', '2026-11-28T03:00:00Z'),
      backup('real-newest', '2026-11-30T03:00:00Z'),
    ],
    keep: {
      skewed: ['kept: dated in the future (clock skew?)'],
      'real-newest': ['newest good backup', 'last 1/1'],
    },
    remove: { old: 'not kept by last:1' },
  },
  {
    name: 'a backup whose time cannot be read is kept',
    policy: 'last:1',
    backups: () => [
      backup('garbled', 'yesterday'),
      backup('old', '2026-11-28T03:00:00Z'),
      backup('new', '2026-11-30T03:00:00Z'),
    ],
    keep: { new: ['newest good backup', 'last 1/1'], garbled: ['kept: its time "yesterday" cannot be read'] },
    remove: { old: 'not kept by last:1' },
  },
];

describe('applyRetention', () => {
  for (const c of cases) {
    test(c.name, () => {
      const plan = applyRetention(c.backups(), parseRetentionPolicy(c.policy), NOW);
      assert.deepEqual(summary(plan), { keep: c.keep, remove: c.remove, blocked: c.blocked ?? [] });
    });
  }

  test('every backup given is either kept or removed, once; the input order does not matter', () => {
    for (const c of cases) {
      const input = c.backups();
      const policy = parseRetentionPolicy(c.policy);
      const plan = applyRetention(input, policy, NOW);
      const ids = [...plan.keep.map((k) => k.backup.id), ...plan.remove.map((r) => r.backup.id)];
      assert.deepEqual([...ids].sort(), input.map((b) => b.id).sort(), c.name);
      const shuffled = applyRetention([...input].reverse(), policy, NOW);
      assert.deepEqual(summary(shuffled), summary(plan), c.name);
    }
  });

  test('plans list volumes in name order and each volume newest first', () => {
    const plan = applyRetention(
      [
        backup('z1', '2026-11-28T03:00:00Z', { volume: 'z' }),
        backup('a1', '2026-11-28T03:00:00Z', { volume: 'a' }),
        backup('z2', '2026-11-30T03:00:00Z', { volume: 'z' }),
        backup('a2', '2026-11-30T03:00:00Z', { volume: 'a' }),
      ],
      { last: 5 },
      NOW,
    );
    assert.deepEqual(
      plan.keep.map((k) => k.backup.label),
      ['a2', 'a1', 'z2', 'z1'],
    );
  });

  test('the newest good backup survives every policy (random histories)', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const policies = [
      'last:1',
      'hourly:1',
      'daily:1',
      'weekly:1',
      'monthly:1',
      'yearly:1',
      'daily:2,weekly:1',
    ];
    for (let round = 0; round < 200; round++) {
      const backups = Array.from({ length: 1 + Math.floor(random() * 12) }, (_, i) =>
        backup(`r${i}`, new Date(NOW.getTime() - Math.floor(random() * 400 * 86_400_000)).toISOString(), {
          verifyStatus: random() < 0.6 ? 'ok' : random() < 0.5 ? 'failed' : null,
          volume: random() < 0.5 ? 'a' : 'b',
        }),
      );
      for (const text of policies) {
        const plan = applyRetention(backups, parseRetentionPolicy(text), NOW);
        for (const volume of ['a', 'b']) {
          const mine = backups
            .filter((b) => b.volume === volume)
            .sort((x, y) => Date.parse(y.finishedAt) - Date.parse(x.finishedAt) || y.id - x.id);
          const newestGood = mine.find((b) => b.verifyStatus === 'ok');
          if (newestGood)
            assert.ok(
              plan.keep.some((k) => k.backup === newestGood),
              `${text}: newest good of ${volume} kept`,
            );
          if (mine[0] && mine[0].verifyStatus !== 'ok') {
            assert.ok(
              !plan.remove.some((r) => r.backup.volume === volume),
              `${text}: nothing of blocked ${volume} removed`,
            );
          }
        }
      }
    }
  });

  test('the process time zone changes nothing (periods are UTC)', () => {
    const saved = process.env.TZ;
    const input = cases.find((c) => c.name.startsWith('daily: days are UTC'))!;
    try {
      const plans = ['Pacific/Kiritimati', 'America/Adak', 'UTC'].map((tz) => {
        process.env.TZ = tz;
        return summary(applyRetention(input.backups(), parseRetentionPolicy(input.policy), NOW));
      });
      assert.deepEqual(plans[0], plans[2]);
      assert.deepEqual(plans[1], plans[2]);
      assert.deepEqual(plans[2]!.keep, input.keep);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});
