/**
 * The API's contract against the private engine, through real HTTP on loopback: the Host check (DNS
 * rebinding), volume names refused before any job or engine call, one error body and status per mistake,
 * conflicts answered at submission, bounded metrics, the audit log's outcomes, private files, and the
 * daemon's refusals (a second daemon on the folder, a port in use). Every response is checked against the
 * OpenAPI document.
 */
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { engineAvailable, fillVolume, SKIP_REASON, TestSession } from './support/engine.ts';
import { contractClient } from './support/openapi-contract.ts';

interface Job {
  id: string;
  subject: string;
  state: string;
  error: { message: string } | null;
}
interface ErrorBody {
  error: { kind: string; message: string; hint: string | null };
}

describe('the API contract', { skip: !engineAvailable() && SKIP_REASON, timeout: 300_000 }, () => {
  const s = new TestSession();
  const port = 21_000 + Math.floor(Math.random() * 2000);
  const base = `http://127.0.0.1:${port}`;
  const volume = `contract-${s.id}`;
  const busy = `contract-busy-${s.id}`;
  let daemon: ChildProcess;
  let running: { readonly log: string; child: ChildProcess };
  let token = '';
  const { api, contract } = contractClient(base, () => token);

  /** A request as sent on the wire (no URL normalisation, any Host header), checked like the others. */
  const raw = (
    method: string,
    path: string,
    options: { host?: string; body?: string } = {},
  ): Promise<Response> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          headers: {
            host: options.host ?? `127.0.0.1:${port}`,
            authorization: `Bearer ${token}`,
            ...(options.body ? { 'content-type': 'application/json' } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers))
              if (typeof value === 'string') headers.set(name, value);
            const body = res.statusCode === 204 ? null : Buffer.concat(chunks);
            const response = new Response(body, { status: res.statusCode ?? 0, headers });
            contract.check(method, path, response).then(() => resolve(response), reject);
          });
        },
      );
      req.on('error', reject);
      req.end(options.body);
    });

  const jobs = async () => (await (await api('/api/jobs')).json()) as Job[];
  async function waitForJob(id: string): Promise<Job> {
    for (let i = 0; i < 600; i++) {
      const job = (await (await api(`/api/jobs/${id}`)).json()) as Job;
      if (job.state !== 'running') return job;
      await sleep(100);
    }
    throw new Error(`job ${id} did not finish`);
  }
  /** `stowage daemon` expected to refuse to start; killed after a minute should it run instead. */
  const refusedDaemon = (dataDir: string, listen: string) => {
    const result = spawnSync(
      process.execPath,
      [
        join(import.meta.dirname, '..', 'src/cli/bin.ts'),
        '--data-dir',
        dataDir,
        'daemon',
        '--listen',
        listen,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    return { status: result.status, stderr: result.stderr };
  };
  const auditLines = () =>
    readFileSync(join(s.dataDir, 'audit.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  before(async () => {
    s.volume(volume);
    fillVolume(volume, 'echo kept > /d/file');
    s.volume(busy);
    // `sleep` as PID 1 ignores SIGTERM: stopping it takes the full grace period, so a backup with
    // `stop: true` of its volume is still running when the next request arrives.
    s.container(`contract-user-${s.id}`, ['-v', `${busy}:/d`]);
    // A catalog and a data folder made before this version, with the umask's modes.
    assert.equal(s.stowage(['protect', volume]).status, 0);
    assert.equal(s.stowage(['unprotect', volume]).status, 0);
    chmodSync(s.dataDir, 0o755);
    chmodSync(join(s.dataDir, 'catalog.db'), 0o644);
    running = await s.daemon(port);
    daemon = running.child;
    token = s.stowage(['token']).stdout.trim();
  });
  after(() => {
    daemon.kill('SIGKILL');
    s.cleanup();
  });

  test('the OpenAPI document describes every route: its success with a schema or media type, and its errors', async () => {
    const doc = await contract.document();
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ where: `${method} ${path}`, operation })),
    );
    assert.ok(operations.length >= 28, `only ${operations.length} operations`);
    for (const { where, operation } of operations) {
      const statuses = Object.keys(operation.responses);
      const successes = statuses.filter((status) => /^2\d\d$/.test(status));
      assert.ok(successes.length > 0, `${where}: no success response`);
      for (const status of successes) {
        const response = operation.responses[status];
        if (status === '204') assert.equal(response?.content, undefined, `${where}: a 204 has no body`);
        else
          for (const [type, media] of Object.entries(response?.content ?? { none: {} }))
            assert.ok(
              type !== 'none' && (media.schema ?? type !== 'application/json'),
              `${where} ${status}: no schema`,
            );
      }
      for (const status of ['421', '500'])
        assert.ok(statuses.includes(status), `${where}: ${status} undocumented`);
      if (where !== 'get /healthz')
        for (const status of ['400', '401', '404'])
          assert.ok(statuses.includes(status), `${where}: ${status} undocumented`);
    }
  });

  test('a Host header naming another host is refused with 421 and a JSON error (DNS rebinding)', async () => {
    for (const path of ['/api/volumes', '/healthz', '/metrics']) {
      const refused = await raw('GET', path, { host: `evil.example:${port}` });
      assert.equal(refused.status, 421, path);
      const body = (await refused.json()) as ErrorBody;
      assert.equal(body.error.kind, 'misdirected');
      assert.match(body.error.message, /evil\.example/);
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `127.0.0.5:${port}`, `[::1]:${port}`])
      assert.equal((await raw('GET', '/api/engine', { host })).status, 200, host);
  });

  test('names listed in api.allowedHosts are answered too, from the moment the config is reloaded', async () => {
    writeFileSync(join(s.dataDir, 'config.yaml'), 'api:\n  allowedHosts: [stowage.example.com]\n');
    for (let i = 0; i < 100 && !running.log.includes('configuration reloaded'); i++) await sleep(100);
    assert.match(running.log, /configuration reloaded/);
    assert.equal((await raw('GET', '/api/engine', { host: `stowage.example.com:${port}` })).status, 200);
    assert.equal((await raw('GET', '/api/engine', { host: `evil.example:${port}` })).status, 421);
    rmSync(join(s.dataDir, 'config.yaml'));
  });

  test('bad volume names are a 400 with a JSON body before any job or engine call', async () => {
    const before = (await jobs()).length;
    const cases: [string, string, string?][] = [
      ['POST', '/api/volumes/%2E%2E/backups', '{}'],
      ['POST', '/api/volumes/..%2F..%2Fetc/backups', '{}'],
      ['POST', '/api/volumes/%2Fetc%2Fpasswd/backups', '{}'],
      ['POST', '/api/volumes/bad%00name/backups', '{}'],
      ['GET', '/api/volumes/%2Fetc%2Fpasswd'],
      ['GET', '/api/volumes/..%2F..%2Fetc'],
      ['PUT', '/api/volumes/%2E%2E/protection', '{}'],
      ['DELETE', '/api/volumes/%2E%2E/protection'],
      ['GET', '/api/volumes/%2E%2E/history'],
      ['POST', `/api/volumes/${volume}/clone`, JSON.stringify({ destination: '../../etc' })],
      ['POST', '/api/backups/1/restore', JSON.stringify({ volume: '/etc/passwd' })],
      ['GET', '/api/backups?volume=..%2Fx'],
    ];
    for (const [method, path, body] of cases) {
      const response = await raw(method, path, body === undefined ? {} : { body });
      assert.equal(response.status, 400, `${method} ${path}`);
      const error = (await response.json()) as ErrorBody;
      assert.equal(error.error.kind, 'invalid', `${method} ${path}`);
      assert.match(error.error.message, /name/, `${method} ${path}`);
      assert.ok(error.error.hint, `${method} ${path}: a hint`);
    }
    assert.equal((await jobs()).length, before, 'no job was created');
  });

  test('/metrics only labels volumes that exist, with rounded values', async () => {
    const ghost = `ghost-${s.id}`;
    const refused = await api(`/api/volumes/${ghost}/backups`, { method: 'POST', body: '{}' });
    assert.equal(refused.status, 404, 'an unknown volume is a 404 at submission, not a job that fails');
    assert.equal(((await refused.json()) as ErrorBody).error.kind, 'not-found');
    const metrics = await (await api('/metrics')).text();
    assert.doesNotMatch(metrics, new RegExp(ghost));
    assert.ok(!metrics.includes('\0'), 'no NUL byte in a label');
    for (const line of metrics.split('\n').filter((l) => l && !l.startsWith('#')))
      assert.match(line, / -?\d+(\.\d{1,6})?$/, `an unrounded or odd value: ${line}`);
  });

  test('one error contract: JSON bodies, 404 for unknown things, strictly typed bodies', async () => {
    const unprotected = await api(`/api/volumes/${volume}/protection`, { method: 'DELETE' });
    assert.equal(unprotected.status, 404);
    const body = (await unprotected.json()) as ErrorBody;
    assert.equal(body.error.kind, 'not-found');
    assert.match(body.error.message, new RegExp(`${volume} has no protection mark`));
    for (const id of ['not-a-uuid', '2b9cf3d4-5e6f-4a1b-8c2d-3e4f5a6b7c8d'])
      assert.equal(((await (await api(`/api/jobs/${id}`)).json()) as ErrorBody).error.kind, 'not-found', id);
    assert.equal((await api('/api/jobs/not-a-uuid')).status, 404);
    assert.equal((await api('/api/backups/999999/verify', { method: 'POST', body: '{}' })).status, 404);
    assert.equal((await api('/api/no-such-route')).status, 404);
    const refusedBodies: [string, string, string][] = [
      ['PUT', `/api/volumes/${volume}/protection`, JSON.stringify({ reason: 5 })],
      ['POST', `/api/volumes/${volume}/backups`, JSON.stringify({ gzip: 'yes' })],
      ['POST', `/api/volumes/${volume}/backups`, JSON.stringify({ gzip: 1 })],
      ['POST', `/api/volumes/${volume}/backups`, JSON.stringify({ compress: true })],
      ['POST', `/api/volumes/${volume}/clone`, JSON.stringify({ destination: 12345 })],
      ['POST', '/api/backups/1/restore', JSON.stringify({ volume: 42 })],
      ['POST', '/api/prune/plans', JSON.stringify({ all: 'true' })],
      ['POST', `/api/volumes/${volume}/backups`, '{not json'],
    ];
    for (const [method, path, payload] of refusedBodies) {
      const response = await api(path, { method, body: payload });
      assert.equal(response.status, 400, `${method} ${path} ${payload}`);
      assert.equal(((await response.json()) as ErrorBody).error.kind, 'invalid');
    }
    assert.equal((await api(`/api/volumes/${volume}/protection`)).status, 404, 'a GET of no route');
  });

  test('a volume another job works on is a 409 at submission; every job outcome is audited', async () => {
    const first = await api(`/api/volumes/${busy}/backups`, {
      method: 'POST',
      body: JSON.stringify({ stop: true }),
    });
    assert.equal(first.status, 202);
    const job = (await first.json()) as Job;
    const count = (await jobs()).length;
    for (const [path, payload] of [
      [`/api/volumes/${busy}/backups`, '{}'],
      [`/api/volumes/${busy}/clone`, JSON.stringify({ destination: `contract-copy-${s.id}` })],
    ] as const) {
      const second = await api(path, { method: 'POST', body: payload });
      assert.equal(second.status, 409, path);
      const body = (await second.json()) as ErrorBody;
      assert.equal(body.error.kind, 'conflict');
      assert.match(body.error.message, new RegExp(`${busy}: volume is busy: backup job ${job.id}`));
    }
    // Cloning onto a name that exists is known at submission too.
    const taken = await api(`/api/volumes/${volume}/clone`, {
      method: 'POST',
      body: JSON.stringify({ destination: busy }),
    });
    assert.equal(taken.status, 409);
    const takenBody = (await taken.json()) as ErrorBody;
    assert.equal(takenBody.error.kind, 'conflict');
    assert.match(takenBody.error.message, new RegExp(`volume ${busy} already exists`));
    assert.equal((await jobs()).length, count, 'no job was created for the refused requests');
    const done = await waitForJob(job.id);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
    // Free again once the job is done.
    const again = await api(`/api/volumes/${busy}/backups`, { method: 'POST', body: '{}' });
    assert.equal(again.status, 202);
    const backupId = (
      (await waitForJob(((await again.json()) as Job).id)) as Job & { result: { backupId: number } }
    ).result.backupId;

    // A job no destructive call started (a verify) has its outcome recorded too.
    const verify = await api(`/api/backups/${backupId}/verify`, { method: 'POST', body: '{}' });
    const verified = await waitForJob(((await verify.json()) as Job).id);
    assert.equal(verified.state, 'succeeded');

    // A restore into a volume that has data, without force: a job that fails, with its reason.
    const restore = await api(`/api/backups/${backupId}/restore`, {
      method: 'POST',
      body: JSON.stringify({ volume }),
    });
    assert.equal(restore.status, 202);
    const failed = await waitForJob(((await restore.json()) as Job).id);
    assert.equal(failed.state, 'failed');
    for (let i = 0; i < 50 && !auditLines().some((l) => l.job === failed.id && l.outcome === 'failed'); i++)
      await sleep(100);

    const lines = auditLines();
    const ofJob = (id: string) => lines.filter((l) => l.job === id);
    assert.deepEqual(
      ofJob(job.id).map((l) => [l.action, l.subject, l.outcome]),
      [
        ['backup', busy, 'started'],
        ['backup', busy, 'succeeded'],
      ],
    );
    assert.equal(typeof ofJob(job.id)[1]?.durationMs, 'number');
    assert.deepEqual(
      ofJob(verified.id).map((l) => [l.action, l.subject, l.outcome]),
      [['verify', `#${backupId}`, 'succeeded']],
    );
    const failure = ofJob(failed.id).find((l) => l.outcome === 'failed');
    assert.ok(failure, JSON.stringify(lines));
    assert.equal(failure.action, 'restore');
    assert.equal(failure.error, failed.error?.message);
    assert.equal(typeof failure.durationMs, 'number');
    assert.doesNotMatch(readFileSync(join(s.dataDir, 'audit.log'), 'utf8'), new RegExp(token));
  });

  test('the data folder is 0700 and the catalog and its WAL files 0600, also when made by an older version', () => {
    assert.equal(statSync(s.dataDir).mode & 0o777, 0o700);
    for (const file of ['catalog.db', 'catalog.db-wal', 'catalog.db-shm', 'audit.log', 'api-token'])
      assert.equal(statSync(join(s.dataDir, file)).mode & 0o777, 0o600, file);
  });

  test('a second daemon on the same data folder is refused with a clear message', () => {
    const second = refusedDaemon(s.dataDir, `127.0.0.1:${port + 1}`);
    assert.equal(second.status, 4, second.stderr);
    assert.match(second.stderr, new RegExp(`another stowage daemon \\(pid ${daemon.pid}`));
    assert.match(second.stderr, /--data-dir/);
    assert.doesNotMatch(second.stderr, /^\s+at /m, 'no stack trace');
  });

  test('a daemon on a port in use says so, with a hint, without a stack trace', () => {
    const other = new TestSession();
    try {
      const result = refusedDaemon(other.dataDir, `127.0.0.1:${port}`);
      assert.equal(result.status, 4, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the address is already in use`),
      );
      assert.match(result.stderr, /--listen 127\.0\.0\.1:PORT/);
      assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
      assert.doesNotMatch(result.stderr, /EADDRINUSE/);
    } finally {
      other.cleanup();
    }
  });

  test('the log says "stowage daemon:" once per line', () => {
    assert.match(running.log, new RegExp(`stowage daemon: listening on http://127\\.0\\.0\\.1:${port} `));
    assert.doesNotMatch(running.log, /stowage daemon: stowage daemon:/);
  });
});
