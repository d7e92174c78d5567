import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StowageError } from '../core/errors.ts';
import { parseConfig } from './parse-config.ts';

const FILE = '/data/config.yaml';

/** The problem lines of an invalid config, or a failure when it parses. */
function problems(text: string): string[] {
  try {
    parseConfig(text, FILE);
  } catch (error) {
    assert.ok(error instanceof StowageError, `expected a StowageError, got ${String(error)}`);
    assert.equal(error.kind, 'invalid');
    return error.message
      .split('\n')
      .slice(1)
      .map((line) => line.replace(/^ {2}/, ''));
  }
  assert.fail(`expected ${JSON.stringify(text)} to be refused`);
}

const SHAPE =
  'expected 5 fields (minute hour day-of-month month day-of-week), 6 with seconds first, or one of @hourly, @daily, @weekly, @monthly, @yearly';
const schedule = (lines: string[]) => `schedules:\n  - ${lines.join('\n    ')}\n`;

describe('config: schedules, notify, scheduler (valid)', () => {
  test('a full schedule: keep canonical, jitter in milliseconds, defaults filled in', () => {
    const config = parseConfig(
      schedule([
        'name: nightly',
        'cron: "30 2 * * *"',
        'volumes: [pg-data, uploads]',
        'label: tier=prod',
        'project: shop',
        'keep: keep=daily:7, last:3',
        'jitter: 5m',
        'stop: true',
        'target: /srv/backups',
      ]),
      FILE,
    );
    assert.deepEqual(config.schedules, [
      {
        name: 'nightly',
        cron: '30 2 * * *',
        volumes: ['pg-data', 'uploads'],
        label: 'tier=prod',
        project: 'shop',
        keep: 'last:3,daily:7',
        jitterMs: 300_000,
        verify: true,
        stop: true,
        target: '/srv/backups',
      },
    ]);
  });

  test('a minimal schedule gets the defaults', () => {
    const config = parseConfig(schedule(['name: logs', "cron: '@daily'", 'label: backup']), FILE);
    assert.deepEqual(config.schedules, [
      {
        name: 'logs',
        cron: '@daily',
        volumes: [],
        label: 'backup',
        project: undefined,
        keep: undefined,
        jitterMs: 0,
        verify: true,
        stop: false,
        target: undefined,
      },
    ]);
  });

  const crons = [
    '@hourly',
    '@daily',
    '@weekly',
    '@monthly',
    '@yearly',
    '*/3 * * * * *',
    '0 3 * * 1-5',
    '0 0 1 * *',
  ];
  for (const cron of crons) {
    test(`cron "${cron}" is accepted`, () => {
      const config = parseConfig(schedule(['name: s', `cron: "${cron}"`, 'volumes: [v]']), FILE);
      assert.equal(config.schedules[0]?.cron, cron);
    });
  }

  test('notify and scheduler', () => {
    const config = parseConfig(
      'notify:\n  webhook: https://hooks.example/abc\n  on: [failure, success]\nscheduler:\n  concurrency: 4\n',
      FILE,
    );
    assert.deepEqual(config.notify, {
      webhook: 'https://hooks.example/abc',
      on: ['failure', 'success'],
      urls: [],
    });
    assert.deepEqual(config.scheduler, { concurrency: 4 });
  });

  test('notify without "on" notifies failures only', () => {
    assert.deepEqual(parseConfig('notify:\n  webhook: http://127.0.0.1:9/x\n', FILE).notify, {
      webhook: 'http://127.0.0.1:9/x',
      on: ['failure'],
      urls: [],
    });
  });
});

describe('config: schedules, notify, scheduler (invalid)', () => {
  const cases: [string, string, string[]][] = [
    [
      'a bad cron expression is named with its schedule and line',
      schedule(['name: nightly', 'cron: "61 * * * *"', 'volumes: [v]']),
      [
        `${FILE}:3: schedules.0.cron: schedule "nightly": invalid cron expression "61 * * * *": Invalid value for minute: 61`,
      ],
    ],
    [
      'a cron expression with the wrong number of fields',
      schedule(['name: s', 'cron: "every day"', 'volumes: [v]']),
      [`${FILE}:3: schedules.0.cron: schedule "s": invalid cron expression "every day": ${SHAPE}`],
    ],
    [
      'seven fields (years) are not cron with optional seconds',
      schedule(['name: s', 'cron: "0 0 0 1 1 * 2030"', 'volumes: [v]']),
      [`${FILE}:3: schedules.0.cron: schedule "s": invalid cron expression "0 0 0 1 1 * 2030": ${SHAPE}`],
    ],
    [
      'an unknown nickname',
      schedule(['name: s', 'cron: "@every 5m"', 'volumes: [v]']),
      [`${FILE}:3: schedules.0.cron: schedule "s": invalid cron expression "@every 5m": ${SHAPE}`],
    ],
    [
      'a cron expression that never fires',
      schedule(['name: s', 'cron: "0 0 31 2 *"', 'volumes: [v]']),
      [`${FILE}:3: schedules.0.cron: schedule "s": cron expression "0 0 31 2 *" never fires`],
    ],
    [
      'a schedule that selects nothing',
      schedule(['name: s', "cron: '@daily'"]),
      [`${FILE}:2: schedules.0: schedule "s": selects no volume: set volumes, label or project`],
    ],
    [
      'a bad retention policy',
      schedule(['name: s', "cron: '@daily'", 'volumes: [v]', 'keep: last:0']),
      [
        `${FILE}:5: schedules.0.keep: schedule "s": invalid retention policy "last:0": "0" in "last:0" is not a whole number of 1 or more`,
      ],
    ],
    [
      'retention without verification',
      schedule(['name: s', "cron: '@daily'", 'volumes: [v]', 'keep: last:3', 'verify: false']),
      [
        `${FILE}:5: schedules.0.keep: schedule "s": keep needs verify: retention only ever runs after a verified backup`,
      ],
    ],
    [
      'a bad jitter',
      schedule(['name: s', "cron: '@daily'", 'volumes: [v]', 'jitter: soon']),
      [`${FILE}:5: schedules.0.jitter: schedule "s": invalid jitter "soon"`],
    ],
    [
      'a bad label selector',
      schedule(['name: s', "cron: '@daily'", 'label: "=prod"']),
      [`${FILE}:4: schedules.0.label: schedule "s": expected KEY or KEY=VALUE`],
    ],
    [
      'an empty volume list',
      schedule(['name: s', "cron: '@daily'", 'volumes: []']),
      [`${FILE}:4: schedules.0.volumes: schedule "s": Too small: expected array to have >=1 items`],
    ],
    [
      'a name that cannot be used in a command line or URL',
      schedule(['name: "my schedule"', "cron: '@daily'", 'volumes: [v]']),
      [
        `${FILE}:2: schedules.0.name: schedule "my schedule": a schedule name is letters, digits, ".", "_" and "-", starting with a letter or digit`,
      ],
    ],
    [
      'a missing name',
      schedule(["cron: '@daily'", 'volumes: [v]']),
      [`${FILE}:2: schedules.0.name: Invalid input: expected string, received undefined`],
    ],
    [
      'an unknown key in a schedule',
      schedule(['name: s', "cron: '@daily'", 'volumes: [v]', 'retries: 3']),
      [`${FILE}:5: schedules.0.retries: schedule "s": unknown key`],
    ],
    [
      'two schedules with one name',
      'schedules:\n  - name: s\n    cron: "@daily"\n    volumes: [a]\n  - name: s\n    cron: "@hourly"\n    volumes: [b]\n',
      [`${FILE}:5: schedules.1.name: schedule "s": another schedule is named "s"`],
    ],
    [
      'a webhook that is not an http(s) URL',
      'notify:\n  webhook: ftp://example.com/x\n',
      [`${FILE}:2: notify.webhook: expected an http:// or https:// URL`],
    ],
    [
      'an unknown notify event',
      'notify:\n  on: [failure, started]\n',
      [`${FILE}:2: notify.on.1: Invalid option: expected one of "failure"|"success"`],
    ],
    [
      'a notify event twice',
      'notify:\n  on: [failure, failure]\n',
      [`${FILE}:2: notify.on: an event is listed twice`],
    ],
    [
      'a scheduler concurrency of 0',
      'scheduler:\n  concurrency: 0\n',
      [`${FILE}:2: scheduler.concurrency: Too small: expected number to be >=1`],
    ],
    ['an unknown scheduler key', 'scheduler:\n  threads: 2\n', [`${FILE}:2: scheduler.threads: unknown key`]],
  ];
  for (const [name, text, expected] of cases) {
    test(name, () => assert.deepEqual(problems(text), expected));
  }

  test('every problem of every schedule is listed at once', () => {
    const text = [
      'schedules:', //                    1
      '  - name: nightly', //             2
      '    cron: "* * *"', //             3
      '    keep: hourly:x', //            4
      '    jitter: 5 minutes', //         5
      '  - name: nightly', //             6
      "    cron: '@daily'", //            7
      '    volumes: [v]', //              8
      '    colour: red', //               9
      'notify:', //                       10
      '  webhook: not a url', //          11
      'scheduler:', //                    12
      '  concurrency: 17', //             13
    ].join('\n');
    assert.deepEqual(problems(text).sort(), [
      `${FILE}:11: notify.webhook: expected an http:// or https:// URL`,
      `${FILE}:13: scheduler.concurrency: Too big: expected number to be <=16`,
      `${FILE}:2: schedules.0: schedule "nightly": selects no volume: set volumes, label or project`,
      `${FILE}:3: schedules.0.cron: schedule "nightly": invalid cron expression "* * *": ${SHAPE}`,
      `${FILE}:4: schedules.0.keep: schedule "nightly": invalid retention policy "hourly:x": "x" in "hourly:x" is not a whole number of 1 or more`,
      `${FILE}:5: schedules.0.jitter: schedule "nightly": invalid jitter "5 minutes"`,
      `${FILE}:6: schedules.1.name: schedule "nightly": another schedule is named "nightly"`,
      `${FILE}:9: schedules.1.colour: schedule "nightly": unknown key`,
    ]);
  });
});
