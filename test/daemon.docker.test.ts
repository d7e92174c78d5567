/** `stowage daemon` and its HTTP API against the private engine, through real HTTP on loopback. */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { dockerOk, engineAvailable, IMAGE, SKIP_REASON, TestSession } from './support/engine.ts';
import { contractClient } from './support/openapi-contract.ts';

describe('the daemon and its API', { skip: !engineAvailable() && SKIP_REASON, timeout: 300_000 }, () => {
  const s = new TestSession();
  const port = 17_000 + Math.floor(Math.random() * 2000);
  const base = `http://127.0.0.1:${port}`;
  let daemon: ChildProcess;
  let running: { readonly log: string; child: ChildProcess };
  let token = '';
  // Every response below is checked against the OpenAPI document (test/support/openapi-contract.ts).
  const { api, contract } = contractClient(base, () => token);

  async function waitForJob(
    id: string,
  ): Promise<{ state: string; result: Record<string, unknown>; error: unknown }> {
    for (let i = 0; i < 300; i++) {
      const job = (await (await api(`/api/jobs/${id}`)).json()) as {
        state: string;
        result: Record<string, unknown>;
        error: unknown;
      };
      if (job.state !== 'running') return job;
      await sleep(100);
    }
    throw new Error(`job ${id} did not finish`);
  }

  before(async () => {
    s.volume(`api-${s.id}`);
    dockerOk('run', '--rm', '-v', `api-${s.id}:/d`, IMAGE, 'sh', '-c', 'echo served > /d/file');
    running = await s.daemon(port);
    daemon = running.child;
    token = s.stowage(['token']).stdout.trim();
  });
  after(() => {
    daemon.kill('SIGKILL');
    s.cleanup();
  });

  test('the token file is private, and /api and /metrics refuse a missing or wrong token (401)', async () => {
    assert.equal(statSync(join(s.dataDir, 'api-token')).mode & 0o777, 0o600);
    for (const path of ['/api/volumes', '/metrics', '/api/jobs']) {
      assert.equal((await api(path, {}, '')).status, 401, path);
      assert.equal((await api(path, {}, 'not-the-token')).status, 401, path);
    }
    const body = (await (await api('/api/volumes', {}, '')).json()) as {
      error: { kind: string; hint: string };
    };
    assert.equal(body.error.kind, 'unauthorized');
    assert.match(body.error.hint, /stowage token/);
    assert.equal((await api('/healthz', {}, '')).status, 200, '/healthz is public');
  });

  test('the inventory endpoint matches the CLI', async () => {
    const fromApi = (await (await api('/api/volumes?sizes=false')).json()) as { name: string }[];
    const fromCli = s.json<{ name: string }[]>(['ls', '--no-size']);
    assert.deepEqual(
      fromApi.map((v) => v.name),
      fromCli.map((v) => v.name),
    );
    const one = (await (await api(`/api/volumes/api-${s.id}`)).json()) as { name: string; status: string };
    assert.equal(one.status, 'dangling');
    assert.equal((await api('/api/volumes/no-such-volume-here')).status, 404);
    const invalid = await api('/api/volumes?sort=colour');
    assert.equal(invalid.status, 400);
  });

  test('a backup job reports progress over SSE (with a ticket), and its archive restores through the API', async () => {
    const started = await api(`/api/volumes/api-${s.id}/backups`, { method: 'POST', body: '{}' });
    assert.equal(started.status, 202);
    const job = (await started.json()) as { id: string };
    const { ticket } = (await (await api('/api/tickets', { method: 'POST' })).json()) as { ticket: string };
    const eventsPath = `/api/jobs/${job.id}/events?ticket=${ticket}`;
    const events = await fetch(base + eventsPath);
    await contract.check('GET', eventsPath, events);
    assert.equal(events.status, 200);
    assert.match(events.headers.get('content-type') ?? '', /text\/event-stream/);
    const text = await events.text();
    assert.match(text, /event: done\ndata: .*"state":"succeeded"/);
    assert.equal((await api(eventsPath, {}, '')).status, 401, 'a ticket is spent');
    const done = await waitForJob(job.id);
    const backupId = done.result.backupId as number;
    const backups = (await (await api(`/api/backups?volume=api-${s.id}`)).json()) as { id: number }[];
    assert.ok(backups.some((b) => b.id === backupId));
    const verify = await waitForJob(
      (
        (await (await api(`/api/backups/${backupId}/verify`, { method: 'POST', body: '{}' })).json()) as {
          id: string;
        }
      ).id,
    );
    assert.equal(verify.result.ok, true);
    const restore = await api(`/api/backups/${backupId}/restore`, {
      method: 'POST',
      body: JSON.stringify({ volume: `api-restored-${s.id}` }),
    });
    assert.equal(restore.status, 202);
    const restored = await waitForJob(((await restore.json()) as { id: string }).id);
    assert.equal(restored.state, 'succeeded', JSON.stringify(restored.error));
    assert.equal(
      dockerOk('run', '--rm', '-v', `api-restored-${s.id}:/d:ro`, IMAGE, 'cat', '/d/file'),
      'served',
    );
    dockerOk('volume', 'rm', `api-restored-${s.id}`);
  });

  test('no endpoint takes a host path: unknown body fields are refused', async () => {
    const response = await api(`/api/backups/1/restore`, {
      method: 'POST',
      body: JSON.stringify({ volume: 'x', to: '/etc' }),
    });
    assert.equal(response.status, 400);
  });

  test('metrics and the OpenAPI document', async () => {
    const metrics = await (await api('/metrics')).text();
    assert.match(
      metrics,
      new RegExp(`stowage_backup_last_success_timestamp_seconds\\{volume="api-${s.id}"\\} \\d+`),
    );
    assert.match(metrics, /stowage_volumes_dangling \d+/);
    assert.match(metrics, /stowage_unused_volume_cost_per_month\{category="orphan"\} [\d.e-]+/);
    const openapi = (await (await api('/api/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    assert.match(openapi.openapi, /^3\./);
    assert.ok(openapi.paths['/api/volumes/{name}/backups']);
  });

  test('a rotated token applies at once, and SIGTERM stops the daemon cleanly', async () => {
    const rotated = s.stowage(['token', '--rotate']).stdout.trim();
    assert.notEqual(rotated, token);
    assert.equal((await api('/api/jobs')).status, 401, 'the old token no longer works');
    token = rotated;
    assert.equal((await api('/api/jobs')).status, 200);
    const exited = new Promise<number | null>((resolve) => daemon.on('exit', (code) => resolve(code)));
    daemon.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(running.log, /stopped/);
  });

  test('Ctrl-C (SIGINT) stops the daemon cleanly and exits 130, as shells expect', async () => {
    const again = await s.daemon(port + 1);
    const exited = new Promise<number | null>((resolve) => again.child.on('exit', (code) => resolve(code)));
    again.child.kill('SIGINT');
    assert.equal(await exited, 130);
    assert.match(again.log, /SIGINT: finishing running jobs and stopping/);
    assert.match(again.log, /daemon stopped by SIGINT/);
  });
});
