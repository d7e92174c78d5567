/**
 * `kill -9` of the daemon in the middle of a scheduled backup that stopped a container: no valid-looking
 * archive stays, the run shows as failed after the restart, and the container is running again.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { dockerOk, engineAvailable, fillVolume, SKIP_REASON, TestSession } from './support/engine.ts';
import { contractClient } from './support/openapi-contract.ts';

describe(
  'the daemon killed during a backup',
  { skip: !engineAvailable() && SKIP_REASON, timeout: 300_000 },
  () => {
    const s = new TestSession();
    const port = 19_000 + Math.floor(Math.random() * 1000);
    const archives = mkdtempSync(join(tmpdir(), 'crash-archives-'));
    const volume = `crash-${s.id}`;
    const user = `crash-user-${s.id}`;
    let token = '';

    const start = async (): Promise<ChildProcess> => (await s.daemon(port)).child;
    // Every response is checked against the OpenAPI document (test/support/openapi-contract.ts).
    const { api } = contractClient(`http://127.0.0.1:${port}`, () => token);
    const running = () => dockerOk('inspect', '-f', '{{.State.Running}}', user);

    before(() => {
      s.volume(volume);
      fillVolume(volume, 'head -c 500000000 /dev/urandom > /d/blob');
      s.container(user, ['-v', `${volume}:/d`]);
      // A schedule that fires once a year: the test starts its run by hand.
      writeFileSync(
        join(s.dataDir, 'config.yaml'),
        `schedules:\n  - name: crashy\n    cron: "0 0 1 1 *"\n    volumes: [${volume}]\n    stop: true\n    target: ${archives}\nbackup:\n  compression: gzip\n`,
      );
    });
    after(() => {
      s.cleanup();
      rmSync(archives, { recursive: true, force: true });
    });

    test('nothing looks like a backup, the run is failed, the container runs again', async () => {
      const first = await start();
      token = s.stowage(['token']).stdout.trim();
      const started = await api('/api/schedules/crashy/run', { method: 'POST' });
      assert.equal(started.status, 202, await started.clone().text());
      for (let i = 0; i < 200 && running() === 'true'; i++) await sleep(100);
      assert.equal(running(), 'false', 'the backup stopped the container');
      await sleep(500);
      first.kill('SIGKILL');
      await new Promise((resolve) => first.on('exit', resolve));
      assert.equal(running(), 'false', 'killed while the container was stopped');
      const leftovers = readdirSync(join(archives, volume));
      assert.ok(
        leftovers.every((file) => file.startsWith('.')),
        `only hidden pending files may stay: ${leftovers.join(', ')}`,
      );

      const second = await start();
      try {
        for (let i = 0; i < 100 && running() !== 'true'; i++) await sleep(100);
        assert.equal(running(), 'true', 'the restarted daemon restarted the container');
        const runs = (await (await api('/api/runs?schedule=crashy')).json()) as {
          result: string | null;
          error: string | null;
        }[];
        assert.equal(runs.length, 1);
        assert.equal(runs[0]!.result, 'failed');
        const scan = s.json<{ archiveKey: string }[]>(['backups', '--scan', archives]);
        assert.deepEqual(
          scan.filter((b) => b.archiveKey.startsWith(`${volume}/`)),
          [],
          'nothing registers as a backup',
        );
        assert.deepEqual(
          readdirSync(join(archives, volume)),
          [],
          'the scan swept the pending files of the dead run',
        );
      } finally {
        second.kill('SIGTERM');
        await new Promise((resolve) => second.on('exit', resolve));
      }
    });
  },
);
