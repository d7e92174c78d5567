/** Notification URLs: which are accepted, what is wrong with the others, and how they are shown. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseConfig } from '../config/parse-config.ts';
import { isStowageError } from '../core/errors.ts';
import { redactUrl } from './redact-url.ts';
import { notificationUrlProblem, scrub } from './registry.ts';

describe('notificationUrlProblem', () => {
  const good = [
    'https://hooks.example.com/stowage',
    'http://127.0.0.1:8080/hook',
    'smtp://user:pass@mail.example.com:587/?from=a@example.com&to=b@example.com,c@example.com',
    'smtp://relay.lan:25/?from=a@example.com&to=b@example.com&tls=none',
    'smtps://user:pass@mail.example.com/?fromAddress=a@example.com&toAddresses=b@example.com',
    'slack://T000/B000/XXXX',
    'slack+https://chat.example.com/hooks/abc',
    'discord://token@123456',
    'discord+https://discord.com/api/webhooks/1/t',
    'teams+https://prod.westeurope.logic.azure.com/workflows/x/triggers/manual/paths/invoke?sig=s',
    'ntfy://ntfy.sh/backups',
    'ntfy://user:pass@ntfy.example.com/backups',
    'ntfy+http://127.0.0.1:8080/backups',
    'gotify://push.example.com/AppToken',
    'gotify+https://example.com/gotify/AppToken',
  ];
  for (const url of good) test(`accepts ${url}`, () => assert.equal(notificationUrlProblem(url), undefined));

  const bad: [string, string][] = [
    ['not a url', 'notification URL (not a URL) is not a URL'],
    [
      'ftp://example.com/x',
      'notification URL ftp://example.com/…: unknown scheme "ftp:"; known: http, https, smtp',
    ],
    [
      'smtp://u:s3cret@mail.example.com/?to=b@example.com',
      'notification URL smtp://***@mail.example.com/…: expected the sender as ?from=ADDRESS',
    ],
    ['smtp://mail.example.com/?from=a@example.com', 'expected the recipients as &to=ADDRESS'],
    ['smtp://mail.example.com/?from=a@example.com&to=bob', '"bob" is not an e-mail address'],
    [
      'smtp://mail.example.com/?from=a@example.com&to=b@example.com&tls=maybe',
      'tls is starttls or none, not "maybe"',
    ],
    ['slack://T000/B000', 'notification URL slack://T000/…: expected the three tokens'],
    ['discord://123456', 'expected discord://TOKEN@WEBHOOK_ID'],
    ['teams://group@tenant/x', 'use teams+https://WORKFLOW_WEBHOOK_URL'],
    ['ntfy://ntfy.sh', 'expected the topic as the path'],
    ['gotify://push.example.com', 'expected the application token as the path'],
    ['slack+ftp://example.com/x', 'unknown scheme "slack+ftp:"'],
    ['discord+https://', 'the URL after "+" is not a URL'],
  ];
  for (const [url, expected] of bad)
    test(`refuses ${url}`, () => {
      const problem = notificationUrlProblem(url);
      assert.ok(
        problem?.includes(expected),
        `${JSON.stringify(problem)} includes ${JSON.stringify(expected)}`,
      );
      assert.ok(!(problem ?? '').includes('s3cret'));
    });
});

describe('redactUrl', () => {
  const cases: [string, string][] = [
    ['https://hooks.example.com/services/T/B/SECRET', 'https://hooks.example.com/…'],
    ['https://example.com', 'https://example.com'],
    ['smtp://me:secret@smtp.example.com:587/?from=a@b.c&to=d@e.f', 'smtp://***@smtp.example.com:587/…'],
    ['discord://token@123', 'discord://***@123'],
    ['ntfy://ntfy.sh/secret-topic', 'ntfy://ntfy.sh/…'],
    ['https://user:pass@host:99999/x', 'https:…'],
    ['no url at all', '(not a URL)'],
  ];
  for (const [url, expected] of cases) test(url, () => assert.equal(redactUrl(url), expected));
});

describe('notifications in the config', () => {
  test('global and per-schedule lists, a bare URL or {url, on}; "always" is both events', () => {
    const config = parseConfig(
      [
        'notify:',
        '  on: failure',
        '  urls:',
        '    - ntfy://ntfy.sh/backups',
        '    - url: smtp://relay:25/?from=a@example.com&to=b@example.com&tls=none',
        '      on: always',
        'schedules:',
        '  - name: nightly',
        "    cron: '@daily'",
        '    volumes: [v]',
        '    notify:',
        '      - url: discord://t@1',
        '        on: [success]',
        '  - name: quiet',
        "    cron: '@daily'",
        '    volumes: [v]',
        '    notify: []',
        '  - name: default',
        "    cron: '@daily'",
        '    volumes: [v]',
      ].join('\n'),
      '/etc/stowage/config.yaml',
    );
    assert.deepEqual(config.notify, {
      webhook: undefined,
      on: ['failure'],
      urls: [
        { url: 'ntfy://ntfy.sh/backups', on: undefined },
        { url: 'smtp://relay:25/?from=a@example.com&to=b@example.com&tls=none', on: ['failure', 'success'] },
      ],
    });
    assert.deepEqual(
      config.schedules.map((schedule) => schedule.notify),
      [[{ url: 'discord://t@1', on: ['success'] }], [], undefined],
    );
  });

  test('a bad URL is listed with its line, its schedule, and no secret', () => {
    const text = [
      'schedules:', //                                                       1
      '  - name: nightly', //                                                2
      "    cron: '@daily'", //                                               3
      '    volumes: [v]', //                                                 4
      '    notify:', //                                                      5
      '      - smtp://me:TopSecret@mail.example.com/?to=b@example.com', //  6
      '      - url: discord://nothing', //                                   7
      '        on: sometimes', //                                            8
      'notify:', //                                                          9
      '  urls:', //                                                          10
      '    - gopher://tok3n@example.com/x', //                               11
    ].join('\n');
    let message = '';
    try {
      parseConfig(text, 'config.yaml');
    } catch (error) {
      assert.ok(isStowageError(error, 'invalid'));
      message = error.message;
    }
    const problems = message
      .split('\n')
      .slice(1)
      .map((line) => line.trim());
    assert.deepEqual(problems.sort(), [
      'config.yaml:11: notify.urls.0.url: notification URL gopher://***@example.com/…: unknown scheme "gopher:"; known: http, https, smtp, smtps, slack, discord, teams, ntfy, gotify, and KIND+https:// for the others',
      'config.yaml:6: schedules.0.notify.0.url: schedule "nightly": notification URL smtp://***@mail.example.com/…: expected the sender as ?from=ADDRESS (smtp://[USER:PASSWORD@]HOST[:PORT]/?from=ADDRESS&to=ADDRESS[,ADDRESS…][&tls=none] or smtps://…)',
      'config.yaml:7: schedules.0.notify.1.url: schedule "nightly": notification URL discord://nothing: expected discord://TOKEN@WEBHOOK_ID (from https://discord.com/api/webhooks/WEBHOOK_ID/TOKEN) (discord://TOKEN@WEBHOOK_ID or discord+https://WEBHOOK_URL)',
      'config.yaml:8: schedules.0.notify.1.on.0: schedule "nightly": Invalid option: expected one of "failure"|"success"',
    ]);
    assert.ok(!message.includes('TopSecret') && !message.includes('tok3n'));
  });
});

test('the example of docs/NOTIFICATIONS.md is a valid config', () => {
  const doc = readFileSync(join(import.meta.dirname, '../../docs/NOTIFICATIONS.md'), 'utf8');
  const example = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(example, 'the doc has a yaml example');
  const config = parseConfig(example, 'NOTIFICATIONS.md');
  assert.equal(config.notify.urls.length, 2);
  assert.deepEqual(
    config.schedules.map((schedule) => schedule.notify?.length),
    [2, 0],
  );
});

test("scrub takes a URL's secrets out of a library's message, and leaves words", () => {
  const url = new URL('discord+https://alice:S3cretPass@example.com/api/webhooks/123/LongToken99%2Fx');
  assert.equal(
    scrub('login alice:S3cretPass refused at /api/webhooks/123/LongToken99/x', url),
    'login ***:*** refused at /api/webhooks/123/***',
  );
});
