/**
 * The API's prune plans, cost, doctor and history against the private engine, through real HTTP on
 * loopback, compared with what the CLI prints with `--json` for the same engine and data folder.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { docker, engineAvailable, SKIP_REASON, TestSession } from './support/engine.ts';
import { contractClient } from './support/openapi-contract.ts';

interface Plan {
  id: string;
  expiresAt: string;
  remove: { name: string; anonymous: boolean }[];
  skipped: { name: string; reason: string }[];
  reclaimableBytes: number;
}

interface Applied {
  removed: { name: string }[];
  notRemoved: { name: string; reason: string }[];
}

describe(
  'the API: prune plans, cost, doctor, history',
  { skip: !engineAvailable() && SKIP_REASON, timeout: 300_000 },
  () => {
    const s = new TestSession();
    const port = 19_000 + Math.floor(Math.random() * 2000);
    const base = `http://127.0.0.1:${port}`;
    // 64 hex digits: anonymous by name (the glossary), and labelled for clean-up.
    const orphan = randomBytes(32).toString('hex');
    const soonUsed = randomBytes(32).toString('hex');
    const guarded = randomBytes(32).toString('hex');
    const named = `ops-named-${s.id}`;
    const mine = `label=${s.label}`;
    let daemon: ChildProcess;
    let running: { readonly log: string; child: ChildProcess };
    let token = '';
    let plan: Plan;
    // Every response below is checked against the OpenAPI document (test/support/openapi-contract.ts).
    const { api } = contractClient(base, () => token);
    const json = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
      const response = await api(path, init);
      return { status: response.status, body: (await response.json()) as T };
    };
    const exists = (volume: string) => docker('volume', 'inspect', volume).status === 0;

    before(async () => {
      s.volume(orphan);
      s.volume(soonUsed);
      s.volume(guarded, '--label', 'stowage.protect=true');
      s.volume(named);
      running = await s.daemon(port);
      daemon = running.child;
      token = s.stowage(['token']).stdout.trim();
    });
    after(() => {
      daemon.kill('SIGKILL');
      s.cleanup();
    });

    test('every new route refuses a request without the token (401)', async () => {
      const routes: [string, string][] = [
        ['POST', '/api/prune/plans'],
        ['GET', `/api/prune/plans/${'0'.repeat(32)}`],
        ['POST', `/api/prune/plans/${'0'.repeat(32)}/apply`],
        ['GET', '/api/cost'],
        ['GET', '/api/doctor'],
        ['GET', `/api/volumes/${named}/history`],
      ];
      for (const [method, path] of routes) {
        assert.equal((await api(path, { method }, '')).status, 401, `${method} ${path}`);
        assert.equal((await api(path, { method }, 'wrong')).status, 401, `${method} ${path} (wrong token)`);
      }
    });

    test('the OpenAPI document lists the new routes', async () => {
      const openapi = (await (await api('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
      for (const path of [
        '/api/prune/plans',
        '/api/prune/plans/{id}',
        '/api/prune/plans/{id}/apply',
        '/api/cost',
        '/api/doctor',
        '/api/volumes/{name}/history',
      ])
        assert.ok(openapi.paths[path], path);
    });

    test('a plan lists the dangling anonymous volumes, not a named or a protected one, and can be read back', async () => {
      const created = await json<Plan>('/api/prune/plans', {
        method: 'POST',
        body: JSON.stringify({ filter: [mine] }),
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      plan = created.body;
      assert.match(plan.id, /^[0-9a-f]{32}$/);
      assert.ok(Date.parse(plan.expiresAt) > Date.now());
      assert.deepEqual(plan.remove.map((c) => c.name).sort(), [orphan, soonUsed].sort());
      const reasons = Object.fromEntries(plan.skipped.map((x) => [x.name, x.reason]));
      assert.deepEqual(reasons, { [guarded]: 'protected', [named]: 'named (use --all)' });
      assert.equal(typeof plan.reclaimableBytes, 'number');
      const cli = s.json<{ remove: { name: string }[] }>(['prune', '--filter', mine]);
      assert.deepEqual(
        cli.remove.map((c) => c.name).sort(),
        [orphan, soonUsed].sort(),
        'the same plan as the CLI',
      );

      const read = await json<Plan>(`/api/prune/plans/${plan.id}`);
      assert.equal(read.status, 200);
      assert.deepEqual(read.body, plan);
    });

    test('apply removes exactly the planned volumes still prunable; one used meanwhile stays', async () => {
      s.container(`ops-user-${s.id}`, ['-v', `${soonUsed}:/d`]);
      const applied = await json<Applied>(`/api/prune/plans/${plan.id}/apply`, { method: 'POST' });
      assert.equal(applied.status, 200, JSON.stringify(applied.body));
      assert.deepEqual(
        applied.body.removed.map((r) => r.name),
        [orphan],
      );
      assert.equal(applied.body.notRemoved.length, 1);
      assert.equal(applied.body.notRemoved[0]!.name, soonUsed);
      assert.match(applied.body.notRemoved[0]!.reason, /in use/);
      assert.equal(exists(orphan), false, 'the orphan is gone');
      for (const volume of [soonUsed, guarded, named]) assert.ok(exists(volume), `${volume} is kept`);

      const audit = readFileSync(join(s.dataDir, 'audit.log'), 'utf8');
      assert.match(audit, new RegExp(`"action":"prune","subject":"plan ${plan.id}".*removed: ${orphan}`));
      const again = await api(`/api/prune/plans/${plan.id}/apply`, { method: 'POST' });
      assert.equal(again.status, 404, 'a plan is applied once');
    });

    test('an unknown plan is 404; bad plan requests are 400', async () => {
      const unknown = randomBytes(16).toString('hex');
      assert.equal((await api(`/api/prune/plans/${unknown}`)).status, 404);
      assert.equal((await api(`/api/prune/plans/${unknown}/apply`, { method: 'POST' })).status, 404);
      assert.equal((await api('/api/prune/plans/not-an-id')).status, 400);
      for (const body of [{ path: '/etc' }, { filter: ['dangling=false'] }, { unusedFor: 'a while' }]) {
        const response = await api('/api/prune/plans', { method: 'POST', body: JSON.stringify(body) });
        assert.equal(response.status, 400, JSON.stringify(body));
      }
    });

    test('cost answers what `stowage cost --json` prints', async () => {
      type Cost = {
        pricePerGbMonth: number;
        volumes: { name: string; category: string; sizeBytes: number | null; monthlyCost: number | null }[];
        total: { volumes: number; bytes: number; monthlyCost: number };
      };
      const query = new URLSearchParams({ pricePerGbMonth: '0.25', filter: mine });
      const fromApi = await json<Cost>(`/api/cost?${query.toString()}`);
      assert.equal(fromApi.status, 200);
      const fromCli = s.json<Cost>(['cost', '--price-per-gb-month', '0.25', '--filter', mine]);
      const pick = (c: Cost) => ({
        price: c.pricePerGbMonth,
        volumes: c.volumes.map((v) => [v.name, v.category, v.sizeBytes, v.monthlyCost]),
        total: c.total,
      });
      assert.deepEqual(pick(fromApi.body), pick(fromCli));
      assert.deepEqual(fromApi.body.volumes.map((v) => v.name).sort(), [guarded, named].sort());
      assert.equal((await api('/api/cost?pricePerGbMonth=cheap')).status, 400);
    });

    test('doctor answers what `stowage doctor --json` prints, with the same thresholds', async () => {
      type Report = {
        policy: Record<string, number>;
        findings: { check: string; severity: string; subjects: string[]; fix: string }[];
        summary: Record<string, number>;
      };
      const fromApi = await json<Report>('/api/doctor?staleAfter=1d&diskWarn=90');
      assert.equal(fromApi.status, 200);
      // doctor exits 10 or 11 when it finds something: its JSON is printed all the same.
      const cli = s.stowage(['doctor', '--json', '--stale-after', '1d', '--disk-warn', '90']);
      const fromCli = JSON.parse(cli.stdout) as Report;
      assert.deepEqual(fromApi.body.policy, fromCli.policy);
      assert.equal(fromApi.body.policy.diskWarnPercent, 90);
      assert.deepEqual(fromApi.body.findings, fromCli.findings);
      assert.deepEqual(fromApi.body.summary, fromCli.summary);
      assert.ok(
        fromApi.body.findings.some((f) => f.subjects.includes(soonUsed) && f.severity && f.fix),
        'findings name their severity and fix',
      );
      assert.equal((await api('/api/doctor?diskWarn=99&diskCritical=90')).status, 400);
    });

    test('history answers what `stowage history VOL --json` prints; an unknown volume is 404', async () => {
      type History = {
        volume: string;
        exists: boolean;
        createdAt: string;
        events: { action: string }[];
        gaps: unknown[];
      };
      // The recorder follows the engine's events: wait until it has seen the mount of the apply test.
      let fromApi = await json<History>(`/api/volumes/${soonUsed}/history`);
      for (let i = 0; i < 50 && !fromApi.body.events.some((e) => e.action === 'mount'); i++) {
        await sleep(100);
        fromApi = await json<History>(`/api/volumes/${soonUsed}/history`);
      }
      assert.equal(fromApi.status, 200);
      assert.ok(
        fromApi.body.events.some((e) => e.action === 'mount'),
        JSON.stringify(fromApi.body),
      );
      const fromCli = s.json<History>(['history', soonUsed]);
      const pick = (h: History) => ({
        volume: h.volume,
        exists: h.exists,
        createdAt: h.createdAt,
        events: h.events,
      });
      assert.deepEqual(pick(fromApi.body), pick(fromCli));
      assert.equal(fromApi.body.exists, true);
      assert.equal((await api(`/api/volumes/no-such-volume-${s.id}/history`)).status, 404);
    });
  },
);
