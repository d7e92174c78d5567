/**
 * Notifications end to end on the private engine: `stowage run-now` with a config.yaml whose schedules
 * notify a real SMTP server on 127.0.0.1. A schedule that fails sends one mail with the volume and the
 * error; a success is mailed only where `on: always` asks for it; a notification that cannot be sent is
 * logged without its secrets and does not change the run's result.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { engineAvailable, fillVolume, SKIP_REASON, stowageIn, TestSession } from './support/engine.ts';
import { startHttpReceiver, startSmtpReceiver, type SmtpReceiver } from './support/notification-receivers.ts';

describe(
  'notifications from scheduled runs',
  { skip: !engineAvailable() && SKIP_REASON, timeout: 300_000 },
  () => {
    const s = new TestSession();
    const data = `notify-data-${s.id}`;
    const missing = `notify-missing-${s.id}`;
    const password = 'Sm7p-S3cret';
    let smtp: SmtpReceiver;
    let deadPort = 0;

    before(async () => {
      smtp = await startSmtpReceiver({ user: 'stowage', pass: password });
      const dead = await startHttpReceiver();
      deadPort = dead.port;
      await dead.close(); // nothing listens there any more
      s.volume(data);
      fillVolume(data, 'echo "precious" > /d/file');
      const mail = `smtp://stowage:${password}@127.0.0.1:${smtp.port}/?from=stowage@example.com&to=ops@example.com&tls=none`;
      writeFileSync(
        join(s.dataDir, 'config.yaml'),
        [
          'notify:',
          '  urls:',
          `    - ${mail}`,
          'schedules:',
          '  - name: broken',
          "    cron: '0 0 1 1 *'",
          `    volumes: [${missing}]`,
          '  - name: quiet-success',
          "    cron: '0 0 1 1 *'",
          `    volumes: [${data}]`,
          '  - name: always',
          "    cron: '0 0 1 1 *'",
          `    volumes: [${data}]`,
          '    notify:',
          `      - url: ${mail}`,
          '        on: always',
          '  - name: unreachable',
          "    cron: '0 0 1 1 *'",
          `    volumes: [${data}]`,
          '    notify:',
          `      - url: ntfy+http://alice:${password}@127.0.0.1:${deadPort}/topic`,
          '        on: always',
          '',
        ].join('\n'),
      );
    });
    after(async () => {
      await smtp.close();
      s.cleanup();
    });

    test('a schedule that fails sends one mail naming the volume, the error and the engine', async () => {
      const result = await stowageIn(s.dataDir, ['run-now', 'broken']);
      assert.equal(result.status, 1, result.stderr);
      assert.equal(smtp.mails.length, 1);
      const mail = smtp.mails[0]!;
      assert.equal(mail.user, 'stowage');
      assert.deepEqual(mail.to, ['ops@example.com']);
      assert.equal(mail.subject, `Stowage: schedule broken failed (1 of 1 volume run) on ${hostname()}`);
      assert.match(mail.text, /^Schedule: broken \(trigger: manual\)$/m);
      assert.match(mail.text, new RegExp(`^Volumes: ${missing}$`, 'm'));
      assert.match(mail.text, new RegExp(`^Engine: ${process.env.DOCKER_HOST ?? ''}`, 'm'));
      assert.match(mail.text, new RegExp(`^- ${missing}: failed: .*no such volume`, 'm'));
    });

    test('a success is not mailed by default', async () => {
      const result = await stowageIn(s.dataDir, ['run-now', 'quiet-success']);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(smtp.mails.length, 1, 'still only the failure');
    });

    test('on: always mails a success too, with the backup and its size', async () => {
      const result = await stowageIn(s.dataDir, ['run-now', 'always', '--json']);
      assert.equal(result.status, 0, result.stderr);
      const summary = JSON.parse(result.stdout) as { runs: { backupId: number }[] };
      assert.equal(smtp.mails.length, 2);
      const mail = smtp.mails[1]!;
      assert.equal(mail.subject, `Stowage: schedule always succeeded (1 volume) on ${hostname()}`);
      assert.match(
        mail.text,
        new RegExp(`^- ${data}: success \\(backup #${summary.runs[0]!.backupId}, \\d+(\\.\\d+)?k?B\\)$`, 'm'),
      );
    });

    test('a notification that cannot be sent is logged without its secrets; the backup still succeeds', async () => {
      const result = await stowageIn(s.dataDir, ['run-now', 'unreachable']);
      assert.equal(result.status, 0, result.stderr);
      assert.ok(
        result.stderr.includes(
          `schedule unreachable: notify ntfy+http://***@127.0.0.1:${deadPort}/…: fetch failed`,
        ),
        result.stderr,
      );
      assert.ok(!result.stderr.includes(password) && !result.stderr.includes('alice'), result.stderr);
      const runs = s.json<{ schedule: string; result: string }[]>(['runs', '--schedule', 'unreachable']);
      assert.deepEqual(
        runs.map((run) => run.result),
        ['success'],
      );
    });

    test('the notification URLs are in no file of the data folder but config.yaml, nor in what the CLI shows', () => {
      const files = readdirSync(s.dataDir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile() && entry.name !== 'config.yaml')
        .map((entry) => join(entry.parentPath, entry.name));
      assert.ok(
        files.some((file) => file.includes('catalog')),
        `the catalog is among ${files.join(', ')}`,
      );
      for (const file of files)
        assert.ok(!readFileSync(file).includes(password), `${file} does not hold the password`);
      const shown = s.stowage(['schedules', '--json']);
      assert.equal(shown.status, 0, shown.stderr);
      assert.ok(!shown.stdout.includes(password) && !shown.stdout.includes('smtp://'), shown.stdout);
    });
  },
);
