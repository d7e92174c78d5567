import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EngineVolume } from '../engine/contract.ts';
import type { Schedule } from './schedule.ts';
import { labelSchedules, matchesLabel, selectVolumes } from './volume-selection.ts';

const volume = (name: string, labels: Record<string, string> = {}): EngineVolume => ({
  name,
  driver: 'local',
  mountpoint: `/var/lib/docker/volumes/${name}/_data`,
  createdAt: undefined,
  labels,
  scope: 'local',
  options: {},
  status: undefined,
});

const schedule = (fields: Partial<Schedule>): Schedule => ({
  name: 'some-schedule',
  source: 'config',
  cron: '@daily',
  volumes: [],
  label: undefined,
  project: undefined,
  keep: undefined,
  jitterMs: 0,
  verify: true,
  stop: false,
  target: undefined,
  ...fields,
});

const VOLUMES = [
  volume('pg-data', { 'com.docker.compose.project': 'shop', tier: 'prod' }),
  volume('uploads', { 'com.docker.compose.project': 'shop' }),
  volume('cache', { tier: 'dev' }),
  volume('logs', { 'stowage.backup.schedule': 'nightly' }),
  volume('mail', { 'stowage.backup.schedule': '@hourly', 'stowage.backup.keep': 'last:3' }),
  volume('stowage-verify-1a2b', { 'stowage.scratch': 'verify', tier: 'prod' }),
  volume('b-notes', { tier: 'prod', 'stowage.backup.keep': 'keep=daily:7,last:2' }),
  volume('odd-keep', { tier: 'odd', 'stowage.backup.keep': 'forever' }),
];

describe('matchesLabel', () => {
  const labels = { tier: 'prod', empty: '' };
  const cases: [string, boolean][] = [
    ['tier', true],
    ['tier=prod', true],
    ['tier=dev', false],
    ['empty', true],
    ['empty=', true],
    ['absent', false],
    ['tier=prod=x', false],
  ];
  for (const [selector, expected] of cases)
    test(selector, () => assert.equal(matchesLabel(labels, selector), expected));
});

describe('selectVolumes', () => {
  const cases: [string, Partial<Schedule>, string[]][] = [
    ['by name, in name order', { volumes: ['uploads', 'cache'] }, ['cache', 'uploads']],
    ['a named volume that does not exist is still selected (its run fails)', { volumes: ['gone'] }, ['gone']],
    ['by label key', { label: 'tier' }, ['b-notes', 'cache', 'odd-keep', 'pg-data']],
    ['by label key=value', { label: 'tier=prod' }, ['b-notes', 'pg-data']],
    ['by compose project', { project: 'shop' }, ['pg-data', 'uploads']],
    [
      'selectors add up, each volume once',
      { volumes: ['pg-data', 'cache'], project: 'shop' },
      ['cache', 'pg-data', 'uploads'],
    ],
    [
      'volumes whose label names the schedule join it',
      { name: 'nightly', label: 'tier=dev' },
      ['cache', 'logs'],
    ],
    ['a label naming another schedule does not', { name: 'weekly', label: 'tier=dev' }, ['cache']],
    ['nothing matches', { label: 'tier=staging' }, []],
  ];
  for (const [name, fields, expected] of cases) {
    test(name, () =>
      assert.deepEqual(
        selectVolumes(schedule(fields), VOLUMES).map((v) => v.name),
        expected,
      ),
    );
  }

  test("Stowage's scratch volumes are never selected by label", () => {
    assert.ok(
      !selectVolumes(schedule({ label: 'tier=prod' }), VOLUMES).some((v) =>
        v.name.startsWith('stowage-verify'),
      ),
    );
  });

  test("the schedule's keep applies, unless the volume's keep label says otherwise", () => {
    assert.deepEqual(selectVolumes(schedule({ label: 'tier=prod', keep: 'last:7' }), VOLUMES), [
      { name: 'b-notes', keep: 'last:2,daily:7', keepProblem: undefined },
      { name: 'pg-data', keep: 'last:7', keepProblem: undefined },
    ]);
  });

  test('an invalid keep label is a problem of that volume only', () => {
    const [odd] = selectVolumes(schedule({ label: 'tier=odd', keep: 'last:7' }), VOLUMES);
    assert.equal(odd?.keep, undefined);
    assert.match(odd?.keepProblem ?? '', /^label stowage\.backup\.keep: invalid retention policy "forever"/);
  });

  test('a label schedule selects its volume, with its keep label', () => {
    assert.deepEqual(
      selectVolumes(schedule({ name: 'volume:mail', source: 'label', volumes: ['mail'] }), VOLUMES),
      [{ name: 'mail', keep: 'last:3', keepProblem: undefined }],
    );
  });
});

describe('labelSchedules', () => {
  test('a cron label makes a schedule named after its volume; a schedule name joins it instead', () => {
    const { schedules, problems } = labelSchedules(VOLUMES, [{ name: 'nightly' }]);
    assert.deepEqual(problems, []);
    assert.deepEqual(schedules, [
      {
        name: 'volume:mail',
        source: 'label',
        cron: '@hourly',
        volumes: ['mail'],
        label: undefined,
        project: undefined,
        keep: undefined,
        jitterMs: 0,
        verify: true,
        stop: false,
        target: undefined,
      },
    ]);
  });

  test('without that config schedule, its name is not a cron expression: a problem', () => {
    const { schedules, problems } = labelSchedules(VOLUMES, []);
    assert.deepEqual(
      schedules.map((s) => [s.name, s.cron]),
      [['volume:mail', '@hourly']],
    );
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^volume logs: label stowage\.backup\.schedule: "nightly" is neither/);
  });

  test('a label that is neither is a problem, naming the volume', () => {
    const { schedules, problems } = labelSchedules(
      [
        volume('x', { 'stowage.backup.schedule': 'nightly' }),
        volume('y', { 'stowage.backup.schedule': '*/5 * * * *' }),
      ],
      [],
    );
    assert.deepEqual(
      schedules.map((s) => s.name),
      ['volume:y'],
    );
    assert.deepEqual(problems, [
      'volume x: label stowage.backup.schedule: "nightly" is neither a schedule of the config nor a usable cron expression (invalid cron expression "nightly": expected 5 fields (minute hour day-of-month month day-of-week), 6 with seconds first, or one of @hourly, @daily, @weekly, @monthly, @yearly)',
    ]);
  });

  test('seconds and scratch volumes', () => {
    const { schedules } = labelSchedules(
      [
        volume('fast', { 'stowage.backup.schedule': '*/3 * * * * *' }),
        volume('stowage-verify-9', { 'stowage.backup.schedule': '@daily', 'stowage.scratch': 'verify' }),
      ],
      [],
    );
    assert.deepEqual(
      schedules.map((s) => [s.name, s.cron]),
      [['volume:fast', '*/3 * * * * *']],
    );
  });
});
