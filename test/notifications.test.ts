/**
 * Every notification kind against a real local server on 127.0.0.1: an SMTP server that receives the mail,
 * an HTTP server that receives each webhook. What is checked is what the service would get: the method, the
 * path, the headers, the body's shape for that service, and the run's facts in it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isStowageError } from '../src/core/errors.ts';
import type { RunNotification } from '../src/notify/notification.ts';
import { sendNotification } from '../src/notify/registry.ts';
import { notificationUrls } from '../src/schedules/run-schedule.ts';
import type { Schedule } from '../src/schedules/schedule.ts';
import {
  startHttpReceiver,
  startSmtpReceiver,
  type HttpReceiver,
  type SmtpReceiver,
} from './support/notification-receivers.ts';

const failure: RunNotification = {
  event: 'failure',
  schedule: 'nightly',
  trigger: 'schedule',
  host: 'backup-host',
  engine: 'unix:///var/run/docker.sock',
  startedAt: '2026-11-25T02:30:01.204Z',
  finishedAt: '2026-11-25T02:30:09.880Z',
  durationMs: 8676,
  succeeded: 1,
  failed: 1,
  runs: [
    { id: 41, volume: 'pg-data', result: 'success', error: null, bytes: 6_000_000, backupId: 12, removed: 1 },
    {
      id: 42,
      volume: 'uploads',
      result: 'failed',
      error: 'inspect volume "uploads": get uploads: no such volume',
      bytes: null,
      backupId: null,
      removed: null,
    },
  ],
};
const success: RunNotification = {
  ...failure,
  event: 'success',
  succeeded: 1,
  failed: 0,
  runs: [failure.runs[0]!],
};

/** The facts every text kind must carry for the failure above. */
function assertFailureFacts(text: string): void {
  for (const fact of [
    'nightly',
    'backup-host',
    'unix:///var/run/docker.sock',
    'pg-data',
    'uploads',
    'backup #12',
    '6MB',
    'inspect volume "uploads": get uploads: no such volume',
    '8.7 s',
  ])
    assert.ok(text.includes(fact), `${JSON.stringify(fact)} is in ${JSON.stringify(text)}`);
}

async function refusal(promise: Promise<void>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  assert.fail('expected the notification to fail');
}

describe('notifications over HTTP', () => {
  let http: HttpReceiver;
  before(async () => {
    http = await startHttpReceiver();
  });
  after(() => http.close());
  const last = () => {
    const request = http.requests.at(-1);
    assert.ok(request, 'the receiver got a request');
    return { ...request, json: JSON.parse(request.body) as Record<string, unknown> };
  };

  test('generic webhook: the run report as JSON, to the URL as written', async () => {
    await sendNotification(`http://127.0.0.1:${http.port}/hook/s3cret?x=1`, failure);
    const request = last();
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/hook/s3cret?x=1');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.deepEqual(request.json, failure);
  });

  test('generic webhook: credentials in the URL are sent as basic auth', async () => {
    await sendNotification(`http://u:p%3Aw@127.0.0.1:${http.port}/hook`, success);
    const request = last();
    assert.equal(request.url, '/hook');
    assert.equal(request.headers.authorization, `Basic ${Buffer.from('u:p:w').toString('base64')}`);
  });

  test('Slack-compatible: {"text"} in mrkdwn with the title in bold and every fact', async () => {
    await sendNotification(`slack+http://127.0.0.1:${http.port}/services/T0/B0/XXXX`, failure);
    const request = last();
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/services/T0/B0/XXXX');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.deepEqual(Object.keys(request.json), ['text']);
    const text = request.json.text as string;
    assert.match(text, /^:x: \*Stowage: schedule nightly failed \(1 of 2 volume runs\) on backup-host\*\n/);
    assertFailureFacts(text);
  });

  test('Discord: one embed, red for a failure, green for a success', async () => {
    await sendNotification(`discord+http://127.0.0.1:${http.port}/api/webhooks/123/tok`, failure);
    let request = last();
    assert.equal(request.url, '/api/webhooks/123/tok');
    assert.equal(request.json.username, 'Stowage');
    const [embed] = request.json.embeds as Record<string, unknown>[];
    assert.equal(embed?.title, 'Stowage: schedule nightly failed (1 of 2 volume runs) on backup-host');
    assert.equal(embed?.color, 0xd1242f);
    assert.equal(embed?.timestamp, failure.finishedAt);
    assertFailureFacts(embed?.description as string);

    await sendNotification(`discord+http://127.0.0.1:${http.port}/api/webhooks/123/tok`, success);
    request = last();
    const [ok] = request.json.embeds as Record<string, unknown>[];
    assert.equal(ok?.title, 'Stowage: schedule nightly succeeded (1 volume) on backup-host');
    assert.equal(ok?.color, 0x1a7f37);
  });

  test('Microsoft Teams: a message with one Adaptive Card', async () => {
    await sendNotification(
      `teams+http://127.0.0.1:${http.port}/workflows/abc/triggers/manual?sig=zzz`,
      failure,
    );
    const request = last();
    assert.equal(request.url, '/workflows/abc/triggers/manual?sig=zzz');
    assert.equal(request.json.type, 'message');
    const [attachment] = request.json.attachments as {
      contentType: string;
      content: Record<string, unknown>;
    }[];
    assert.equal(attachment?.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(attachment?.content.type, 'AdaptiveCard');
    assert.equal(attachment?.content.version, '1.4');
    const blocks = attachment?.content.body as { type: string; text: string; color?: string }[];
    assert.ok(blocks.every((block) => block.type === 'TextBlock'));
    assert.equal(blocks[0]?.text, 'Stowage: schedule nightly failed (1 of 2 volume runs) on backup-host');
    assert.equal(blocks[0]?.color, 'Attention');
    assertFailureFacts(blocks.map((block) => block.text).join('\n'));
  });

  test('ntfy: JSON published to the root with topic, title, tags, priority, and basic auth', async () => {
    await sendNotification(`ntfy+http://alice:pa%40ss@127.0.0.1:${http.port}/backups`, failure);
    const request = last();
    assert.equal(request.url, '/');
    assert.equal(request.headers.authorization, `Basic ${Buffer.from('alice:pa@ss').toString('base64')}`);
    assert.equal(request.json.topic, 'backups');
    assert.equal(request.json.title, 'Stowage: schedule nightly failed (1 of 2 volume runs) on backup-host');
    assert.equal(request.json.priority, 4);
    assert.deepEqual(request.json.tags, ['rotating_light', 'stowage']);
    assertFailureFacts(request.json.message as string);
  });

  test('ntfy under a sub-path, with an access token', async () => {
    await sendNotification(`ntfy+http://:tk_abc@127.0.0.1:${http.port}/ntfy/alerts`, success);
    const request = last();
    assert.equal(request.url, '/ntfy');
    assert.equal(request.headers.authorization, 'Bearer tk_abc');
    assert.equal(request.json.topic, 'alerts');
    assert.equal(request.json.priority, 3);
  });

  test('Gotify: /message with the app token in X-Gotify-Key, never in the URL', async () => {
    await sendNotification(`gotify+http://127.0.0.1:${http.port}/gotify/AppT0ken`, failure);
    const request = last();
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/gotify/message');
    assert.equal(request.headers['x-gotify-key'], 'AppT0ken');
    assert.equal(request.json.title, 'Stowage: schedule nightly failed (1 of 2 volume runs) on backup-host');
    assert.equal(request.json.priority, 8);
    assert.deepEqual(request.json.extras, { 'client::display': { contentType: 'text/plain' } });
    assertFailureFacts(request.json.message as string);
  });

  test('a service that refuses is a failure naming the URL without its secrets', async () => {
    http.answer.status = 500;
    http.answer.body = 'boom';
    try {
      const error = await refusal(
        sendNotification(`discord+http://127.0.0.1:${http.port}/api/webhooks/123/SeCrEtToKeN`, failure),
      );
      assert.ok(isStowageError(error, 'failed'));
      assert.equal(
        error.message,
        `notify discord+http://127.0.0.1:${http.port}/…: the service answered 500: boom`,
      );
    } finally {
      http.answer.status = 204;
    }
  });

  test('a service that does not listen is a failure naming the URL without its secrets', async () => {
    const closed = await startHttpReceiver();
    await closed.close();
    const error = await refusal(
      sendNotification(`http://u:pw@127.0.0.1:${closed.port}/hook/SeCrEt`, failure),
    );
    assert.match(
      error.message,
      new RegExp(`^notify http://\\*\\*\\*@127\\.0\\.0\\.1:${closed.port}/…: fetch failed`),
    );
    assert.ok(!/SeCrEt|pw/.test(error.message), error.message);
  });
});

describe('the short forms name the service’s own address', () => {
  const endpoints: [string, string, Record<string, string>?][] = [
    ['slack://T0/B0/XXXX', 'https://hooks.slack.com/services/T0/B0/XXXX'],
    ['discord://tok@123', 'https://discord.com/api/webhooks/123/tok'],
    ['ntfy://ntfy.sh/backups', 'https://ntfy.sh/'],
    [
      'gotify://push.example.com/AppT0ken',
      'https://push.example.com/message',
      { 'x-gotify-key': 'AppT0ken' },
    ],
  ];
  for (const [url, endpoint, headers] of endpoints) {
    test(url, async () => {
      const sent: { url: string; headers: Record<string, string> }[] = [];
      await sendNotification(url, failure, {
        fetch: (input, init) => {
          sent.push({
            url: input instanceof URL ? input.href : typeof input === 'string' ? input : input.url,
            headers: init?.headers as Record<string, string>,
          });
          return Promise.resolve(new Response(null, { status: 204 }));
        },
      });
      assert.equal(sent.length, 1);
      assert.equal(sent[0]?.url, endpoint);
      for (const [name, value] of Object.entries(headers ?? {})) assert.equal(sent[0]?.headers[name], value);
    });
  }
});

describe('notifications by e-mail (SMTP)', () => {
  let smtp: SmtpReceiver;
  before(async () => {
    smtp = await startSmtpReceiver({ user: 'stowage', pass: 'p@ss:word' });
  });
  after(() => smtp.close());

  test('one mail, logged in, to every recipient: the title as subject, the facts as body', async () => {
    await sendNotification(
      `smtp://stowage:p%40ss%3Aword@127.0.0.1:${smtp.port}/?from=backups@example.com&to=ops@example.com,dba@example.com&tls=none`,
      failure,
    );
    assert.equal(smtp.mails.length, 1);
    const mail = smtp.mails[0]!;
    assert.equal(mail.user, 'stowage');
    assert.equal(mail.from, 'backups@example.com');
    assert.deepEqual(mail.to, ['ops@example.com', 'dba@example.com']);
    assert.equal(mail.subject, 'Stowage: schedule nightly failed (1 of 2 volume runs) on backup-host');
    assert.equal(mail.headers.get('x-stowage-event'), 'failure');
    assert.match(mail.headers.get('content-type') ?? '', /^text\/plain/);
    assertFailureFacts(mail.text);
    assert.match(mail.text, /^- uploads: failed: inspect volume "uploads": get uploads: no such volume$/m);
  });

  test("offen's (shoutrrr's) fromAddress and toAddresses are understood", async () => {
    await sendNotification(
      `smtp://stowage:p%40ss%3Aword@127.0.0.1:${smtp.port}/?fromAddress=a@example.com&toAddresses=b@example.com&tls=none`,
      success,
    );
    const mail = smtp.mails.at(-1)!;
    assert.equal(mail.from, 'a@example.com');
    assert.deepEqual(mail.to, ['b@example.com']);
    assert.equal(mail.subject, 'Stowage: schedule nightly succeeded (1 volume) on backup-host');
  });

  test('a wrong password is a failure that does not show it', async () => {
    const before = smtp.mails.length;
    const error = await refusal(
      sendNotification(
        `smtp://stowage:WrongPassw0rd@127.0.0.1:${smtp.port}/?from=a@example.com&to=b@example.com&tls=none`,
        failure,
      ),
    );
    assert.ok(isStowageError(error, 'failed'));
    assert.ok(error.message.startsWith(`notify smtp://***@127.0.0.1:${smtp.port}/…: `), error.message);
    assert.match(error.message, /Invalid username or password/);
    assert.ok(!error.message.includes('WrongPassw0rd'));
    assert.equal(smtp.mails.length, before);
  });

  test('without tls=none, a server that offers no STARTTLS gets no password and no mail', async () => {
    const before = smtp.mails.length;
    const error = await refusal(
      sendNotification(
        `smtp://stowage:p%40ss%3Aword@127.0.0.1:${smtp.port}/?from=a@example.com&to=b@example.com`,
        failure,
      ),
    );
    assert.ok(isStowageError(error, 'failed'));
    assert.match(error.message, /STARTTLS/i);
    assert.equal(smtp.mails.length, before);
  });
});

describe('which notifications a run sends', () => {
  const global = {
    webhook: 'https://hooks.example.com/legacy',
    on: ['failure' as const],
    urls: [
      { url: 'ntfy://ntfy.sh/all', on: undefined },
      { url: 'discord://t@1', on: ['failure' as const, 'success' as const] },
    ],
  };
  const schedule = (notify?: Schedule['notify']): Schedule => ({
    name: 'nightly',
    source: 'config',
    cron: '@daily',
    volumes: ['v'],
    label: undefined,
    project: undefined,
    keep: undefined,
    jitterMs: 0,
    verify: true,
    stop: false,
    target: undefined,
    ...(notify ? { notify } : {}),
  });

  test('without a list of its own, a schedule uses notify.urls and notify.webhook, each for its events', () => {
    assert.deepEqual(notificationUrls(global, schedule(), 'failure'), [
      'ntfy://ntfy.sh/all',
      'discord://t@1',
      'https://hooks.example.com/legacy',
    ]);
    assert.deepEqual(notificationUrls(global, schedule(), 'success'), ['discord://t@1']);
  });

  test("a schedule's own list replaces the global one; an empty list silences it", () => {
    const own = schedule([{ url: 'gotify://h/tok', on: undefined }]);
    assert.deepEqual(notificationUrls(global, own, 'failure'), ['gotify://h/tok']);
    assert.deepEqual(notificationUrls(global, own, 'success'), []);
    assert.deepEqual(notificationUrls(global, schedule([]), 'failure'), []);
  });
});
