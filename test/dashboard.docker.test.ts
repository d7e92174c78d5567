/**
 * The dashboard end to end: headless Chromium drives the real page served by `stowage daemon` against the
 * private engine, as a user would — log in (and see the wrong-token page), find a volume, back it up, see
 * the backup, restore it into a new volume (then read the file back through a container), verify the backup,
 * clone the volume (and fail to clone it onto a name that exists), see the sharing graph, plan a dry-run
 * prune (nothing removed), run a schedule now, apply a confirmed prune (the orphan goes, a volume in use and
 * a protected one stay), and see the page for an engine that went away.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/chromium.ts';
import {
  docker,
  dockerOk,
  engineAvailable,
  fillVolume,
  IMAGE,
  SKIP_REASON,
  TestSession,
} from './support/engine.ts';
import { freePort, stopPid, waitFor } from './support/loopback.ts';

const root = join(import.meta.dirname, '..');

describe('the dashboard in a browser', { skip: !engineAvailable() && SKIP_REASON, timeout: 600_000 }, () => {
  const s = new TestSession();
  const data = `dash-data-${s.id}`;
  const shared = `dash-shared-${s.id}`;
  const restored = `dash-restored-${s.id}`;
  const cloned = `dash-clone-${s.id}`;
  const nightly = `dash-nightly-${s.id}`;
  const schedule = `dash-sched-${s.id}`;
  const orphan = randomBytes(32).toString('hex');
  let base = '';
  let token = '';
  let daemon: ChildProcess;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];

  before(async () => {
    assert.ok(
      existsSync(join(root, 'dist/web/index.html')),
      'the dashboard is built (`npm run build`; npm test builds it)',
    );
    s.volume(data);
    dockerOk(
      'run',
      '--rm',
      '--label',
      s.label,
      '-v',
      `${data}:/d`,
      IMAGE,
      'sh',
      '-c',
      'echo hello > /d/greeting.txt',
    );
    s.volume(shared);
    // The sidecar pattern: an app writes, a sidecar reads the same volume.
    s.container(`dash-app-${s.id}`, ['-v', `${shared}:/data`]);
    s.container(`dash-sidecar-${s.id}`, ['-v', `${shared}:/data:ro`]);
    s.volume(orphan);
    // A schedule the backups page can run now: once a year, so it never fires by itself during the test.
    s.volume(nightly);
    fillVolume(nightly, 'echo nightly > /d/night.txt');
    writeFileSync(
      join(s.dataDir, 'config.yaml'),
      `schedules:\n  - name: ${schedule}\n    cron: '0 0 1 1 *'\n    volumes: [${nightly}]\n`,
    );
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    daemon = (await s.daemon(port)).child;
    token = s.stowage(['token']).stdout.trim();
    assert.match(token, /\S{20,}/);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('request', (request) => requested.push(request.url()));
  });

  after(async () => {
    await browser?.close();
    daemon?.kill('SIGKILL');
    docker('volume', 'rm', '-f', restored, cloned);
    s.cleanup();
  });

  test('the page is public and self-contained; the API behind it is not', async () => {
    const index = await fetch(`${base}/`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type') ?? '', /text\/html/);
    assert.match(index.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const html = await index.text();
    assert.doesNotMatch(html, /https?:\/\//, 'no external URL in index.html');
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    assert.ok(assets.length >= 2, `scripts and styles are referenced: ${assets.join(', ')}`);
    for (const asset of assets) {
      const response = await fetch(base + asset);
      assert.equal(response.status, 200, asset);
      assert.match(response.headers.get('cache-control') ?? '', /immutable/);
      assert.doesNotMatch(
        await response.text(),
        /(src|href)=["']https?:\/\/|import\(["']https?:/,
        `${asset} loads nothing remote`,
      );
    }
    // Client routes survive a reload; unknown API paths keep the API's errors.
    const deep = await fetch(`${base}/volumes/${data}`);
    assert.equal(deep.status, 200);
    assert.equal(await deep.text(), html);
    assert.equal((await fetch(`${base}/api/volumes`)).status, 401);
    const unknown = await fetch(`${base}/api/no-such-route`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: { kind: string } }).error.kind, 'not-found');
  });

  test('a wrong token shows the 401 page; the right one opens the volumes', async () => {
    await page.goto(base);
    await page.getByLabel('API token').fill('not-the-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    const refused = page.getByTestId('wrong-token');
    await refused.waitFor();
    assert.match(await refused.innerText(), /refused this token[\s\S]*wrong API token[\s\S]*stowage token/);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Try this token' }).click();
    await page.getByRole('heading', { name: 'Volumes', level: 1 }).waitFor();
    await page.getByTestId('volumes-table').locator('tbody tr').first().waitFor();
  });

  test('search finds a volume; back it up and the backup appears with its size', async () => {
    await page.getByLabel('Search').fill(data);
    const rows = page.getByTestId('volumes-table').locator('tbody tr');
    for (let i = 0; i < 100 && (await rows.count()) !== 1; i++) await sleep(100);
    assert.equal(await rows.count(), 1, 'one row matches the search');
    assert.match(await rows.first().innerText(), new RegExp(`${data}\\s+local`));
    await rows.first().getByRole('link', { name: data }).click();
    await page.getByRole('heading', { name: `Volume ${data}` }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/volumes/${data}`);
    await page.getByText('No backup yet.').waitFor();

    await page.getByRole('button', { name: 'Back up now' }).click();
    const outcome = page.getByTestId('job-backup').getByRole('status');
    await outcome.waitFor({ timeout: 60_000 });
    const written = /Backup #(\d+) written: 1 file,/.exec(await outcome.innerText());
    assert.ok(written, await outcome.innerText());
    const table = page.getByTestId('backups-table');
    await table.getByRole('rowheader', { name: `#${written[1]}` }).waitFor();
    // One file of 6 bytes ("hello\n"), not verified yet.
    assert.match(
      await table
        .getByRole('row')
        .filter({ hasText: `#${written[1]}` })
        .innerText(),
      /\b1\s+6 B\s[\s\S]*not verified/,
    );
    const catalog = s.json<{ id: number; volume: string }[]>(['backups', data]);
    assert.deepEqual(
      catalog.map((b) => b.id),
      [Number(written[1])],
      'the CLI sees the same backup',
    );
  });

  test('restore the backup into a new volume; a container reads the file back', async () => {
    await page.getByLabel('Restore into new volume').fill(restored);
    await page.getByRole('button', { name: 'Restore', exact: true }).click();
    const outcome = page.getByTestId('job-restore').getByRole('status');
    await outcome.waitFor({ timeout: 60_000 });
    assert.match(
      await outcome.innerText(),
      new RegExp(`Restored 1 file into volume ${restored} \\(new volume\\)`),
    );
    assert.equal(dockerOk('run', '--rm', '-v', `${restored}:/d`, IMAGE, 'cat', '/d/greeting.txt'), 'hello');
    await page.getByRole('link', { name: `Open ${restored}` }).click();
    await page.getByRole('heading', { name: `Volume ${restored}` }).waitFor();
  });

  test('verify the backup from the volume page: it turns good, and the CLI agrees', async () => {
    const [backup] = s.json<{ id: number; verifyStatus: string | null }[]>(['backups', data]);
    assert.ok(backup, 'the backup written through the page');
    assert.equal(backup.verifyStatus, null, 'not verified before the click');
    await page.goto(`${base}/volumes/${data}`);
    await page.getByRole('heading', { name: `Volume ${data}` }).waitFor();
    const row = page
      .getByTestId('backups-table')
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: `#${backup.id}`, exact: true }) });
    await row.waitFor();
    assert.match(await row.innerText(), /not verified/);
    await row.getByRole('button', { name: `Verify #${backup.id}`, exact: true }).click();
    const outcome = page.getByTestId('job-verify').getByRole('status');
    await outcome.waitFor({ timeout: 60_000 });
    assert.equal(await outcome.innerText(), 'Verified: every checksum matched.');
    // The table reloads on its own: the badge says good, with when.
    await row.getByText(/^good · just now$/).waitFor();
    assert.doesNotMatch(await row.innerText(), /not verified|failed/);
    const listed = s.json<{ id: number; verifyStatus: string | null; verifiedAt: string | null }[]>([
      'backups',
    ]);
    const after = listed.find((b) => b.id === backup.id);
    assert.equal(after?.verifyStatus, 'ok', '`stowage backups --json` sees it verified');
    assert.ok(
      after.verifiedAt && Date.now() - Date.parse(after.verifiedAt) < 120_000,
      after.verifiedAt ?? '',
    );
  });

  test('clone the volume into a new name; a container reads the file of the clone', async () => {
    assert.notEqual(docker('volume', 'inspect', cloned).status, 0, 'the clone does not exist yet');
    await page.getByLabel('Clone into new volume').fill(cloned);
    await page.getByRole('button', { name: 'Clone', exact: true }).click();
    const outcome = page.getByTestId('job-clone').getByRole('status');
    await outcome.waitFor({ timeout: 60_000 });
    assert.equal(await outcome.innerText(), 'Cloned: 1 file, 6 B.');
    assert.equal(dockerOk('run', '--rm', '-v', `${cloned}:/d`, IMAGE, 'cat', '/d/greeting.txt'), 'hello');
    // The source is untouched.
    assert.equal(dockerOk('run', '--rm', '-v', `${data}:/d`, IMAGE, 'cat', '/d/greeting.txt'), 'hello');
  });

  test('cloning onto a name that exists shows a clear error and changes nothing', async () => {
    await page.getByLabel('Clone into new volume').fill(shared);
    await page.getByRole('button', { name: 'Clone', exact: true }).click();
    const job = page.getByTestId('job-clone');
    const error = job.getByRole('alert');
    await error.waitFor({ timeout: 60_000 });
    assert.match(
      await error.innerText(),
      new RegExp(
        `clone failed: volume ${shared} already exists[\\s\\S]*choose another name, or remove it first`,
      ),
    );
    assert.equal(await job.getByRole('status').count(), 0, 'the earlier success is no longer shown');
    assert.equal(
      dockerOk('run', '--rm', '-v', `${shared}:/d`, IMAGE, 'ls', '-A', '/d'),
      '',
      'the existing volume was not written to',
    );
  });

  test('the sharing graph shows the sidecar pattern', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Sharing' }).click();
    await page.getByRole('heading', { name: 'Sharing graph' }).waitFor();
    await page.locator('[data-testid=sharing-graph][data-ready=true] canvas').first().waitFor();
    const row = page.getByTestId('shared-table').getByRole('row').filter({ hasText: shared });
    assert.match(
      await row.innerText(),
      new RegExp(`dash-app-${s.id} \\(rw\\), dash-sidecar-${s.id} \\(ro\\)[\\s\\S]*1 writer`),
    );
  });

  test('orphans and cost list the orphan; a dry-run prune plans it and removes nothing', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Orphans & cost' }).click();
    await page
      .getByTestId('cost-table')
      .getByRole('link', { name: orphan.slice(0, 12) })
      .waitFor();
    await page.getByRole('button', { name: 'Plan prune (dry run)' }).click();
    const plan = page.getByTestId('prune-plan');
    await plan.waitFor();
    const text = await plan.innerText();
    assert.match(text, /Dry run: \d+ volumes? would be removed[\s\S]*Nothing has been removed/);
    assert.ok(text.includes(orphan.slice(0, 12)), 'the orphan is in the plan');
    assert.equal(docker('volume', 'inspect', orphan).status, 0, 'the orphan still exists');
    assert.equal(docker('volume', 'inspect', data).status, 0);
    const audit = existsSync(join(s.dataDir, 'audit.log'))
      ? readFileSync(join(s.dataDir, 'audit.log'), 'utf8')
      : '';
    assert.doesNotMatch(audit, /"action":"prune"/, 'nothing was applied');
  });

  test('run a schedule now from the backups page: the run and its verified backup appear', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Backups & schedules' }).click();
    const row = page.getByTestId('schedules-table').getByRole('row').filter({ hasText: schedule });
    await row.waitFor();
    assert.match(
      await row.innerText(),
      new RegExp(`${schedule}\\s+0 0 1 1 \\*\\s+${nightly}\\s[\\s\\S]*never`),
    );
    await page.getByText('No run recorded yet.').waitFor();
    await row.getByRole('button', { name: `Run ${schedule} now`, exact: true }).click();
    const outcome = page.getByTestId('job-run').getByRole('status');
    await outcome.waitFor({ timeout: 120_000 });
    assert.equal(await outcome.innerText(), 'Done.');
    await row.getByText('success', { exact: true }).waitFor();
    await page.getByText(/^1 run: 1 succeeded, 0 failed; \d+ B backed up\.$/).waitFor();
    await page.getByTestId('runs-chart').waitFor();
    const backupRow = page
      .getByTestId('all-backups-table')
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: nightly, exact: true }) });
    await backupRow.waitFor();
    assert.match(await backupRow.innerText(), /\bgood\b/);
    const runs = s.json<{ volume: string; trigger: string; result: string; backupId: number | null }[]>([
      'runs',
      '--schedule',
      schedule,
    ]);
    assert.deepEqual(
      runs.map((r) => [r.volume, r.trigger, r.result]),
      [[nightly, 'manual', 'success']],
      'the CLI sees one manual, successful run',
    );
    const made = s.json<{ id: number; verifyStatus: string | null }[]>(['backups', nightly]);
    assert.deepEqual(
      made.map((b) => [b.id, b.verifyStatus]),
      [[runs[0]!.backupId, 'ok']],
      'the run wrote one verified backup',
    );
    assert.match(await backupRow.innerText(), new RegExp(`^#${made[0]!.id}\\s`));
  });

  test('backups and doctor pages show the catalog and the findings', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Backups & schedules' }).click();
    await page.getByTestId('all-backups-table').getByRole('link', { name: data }).first().waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Doctor' }).click();
    await page.getByRole('heading', { name: 'Findings' }).waitFor();
    // The orphan is an anonymous dangling volume: doctor reports it with the command that fixes it.
    await page.getByTestId('findings-table').getByRole('row').filter({ hasText: orphan }).waitFor();
  });

  test('a confirmed prune removes the orphan; a volume in use and a protected one stay', async () => {
    const inUse = randomBytes(32).toString('hex');
    const guarded = randomBytes(32).toString('hex');
    s.volume(inUse);
    s.container(`dash-user-${s.id}`, ['-v', `${inUse}:/data`]);
    s.volume(guarded);
    const protect = s.stowage(['protect', guarded]);
    assert.equal(protect.status, 0, protect.stderr);
    await page.getByRole('navigation').getByRole('link', { name: 'Orphans & cost' }).click();
    await page
      .getByTestId('cost-table')
      .getByRole('link', { name: orphan.slice(0, 12) })
      .waitFor();
    await page.getByRole('button', { name: 'Plan prune (dry run)' }).click();
    const plan = page.getByTestId('prune-plan');
    await plan.waitFor();
    const cells = await plan.getByRole('table', { name: 'Would be removed' }).locator('tbody th').all();
    const planned = await Promise.all(cells.map((cell) => cell.getAttribute('title')));
    assert.ok(planned.includes(orphan), `the orphan is planned: ${planned.join(', ')}`);
    assert.ok(!planned.includes(inUse) && !planned.includes(guarded), 'neither kept volume is planned');
    await plan.getByText(/kept, and why$/).click();
    const kept = await plan.locator('details').innerText();
    assert.ok(kept.includes(`${inUse.slice(0, 12)}…: in use`), kept);
    assert.ok(kept.includes(`${guarded.slice(0, 12)}…: protected`), kept);

    // Cancelling the confirmation removes nothing.
    await plan.getByRole('button', { name: 'Remove these volumes…' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Confirm prune' });
    assert.match(await confirm.innerText(), new RegExp(`Remove ${planned.length} volumes? for good\\?`));
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    assert.equal(docker('volume', 'inspect', orphan).status, 0, 'cancel kept the orphan');

    await plan.getByRole('button', { name: 'Remove these volumes…' }).click();
    await confirm
      .getByRole('button', { name: `Yes, remove ${planned.length} volume${planned.length === 1 ? '' : 's'}` })
      .click();
    const done = page.getByRole('status').filter({ hasText: /^Removed / });
    await done.waitFor({ timeout: 60_000 });
    assert.match(await done.innerText(), new RegExp(`^Removed ${planned.length} volumes?, reclaimed `));
    assert.doesNotMatch(await done.innerText(), /Kept:/, 'every planned volume went');
    assert.equal(await plan.count(), 0, 'the applied plan is gone');
    assert.notEqual(docker('volume', 'inspect', orphan).status, 0, 'the orphan was removed');
    assert.equal(docker('volume', 'inspect', inUse).status, 0, 'the volume in use stays');
    assert.equal(docker('volume', 'inspect', guarded).status, 0, 'the protected volume stays');
    assert.equal(docker('volume', 'inspect', data).status, 0, 'the named volume stays');
    // The cost table reloads without the orphan.
    await page
      .getByTestId('cost-table')
      .getByRole('link', { name: orphan.slice(0, 12) })
      .waitFor({ state: 'detached' });
    const audit = readFileSync(join(s.dataDir, 'audit.log'), 'utf8');
    assert.match(audit, new RegExp(`"action":"prune".*${orphan}`), 'the prune is audited');
  });

  test('every request the page made went to the daemon (no CDN, no external URL)', () => {
    assert.ok(requested.length > 5);
    const elsewhere = requested.filter((url) => !url.startsWith(`${base}/`) && !url.startsWith('data:'));
    assert.deepEqual(elsewhere, []);
  });

  test('an engine that stops answering shows the unreachable page (503)', async () => {
    // A daemon whose engine socket is a forwarder this test can cut.
    const dir = mkdtempSync(join(tmpdir(), 'stowage-dash-proxy-'));
    const socket = join(dir, 'docker.sock');
    const real = (process.env.DOCKER_HOST ?? '').replace(/^unix:\/\//, '');
    const open = new Set<Socket>();
    const proxy: Server = createServer((client) => {
      const upstream = connect(real);
      open.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    await new Promise<void>((resolve) => proxy.listen(socket, resolve));
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'stowage-dash-data-'));
    const child = spawn(
      process.execPath,
      [join(root, 'src/cli/bin.ts'), '--data-dir', dataDir, 'daemon', '--listen', `127.0.0.1:${port}`],
      { env: { ...process.env, DOCKER_HOST: `unix://${socket}` }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    try {
      await waitFor(
        'the daemon',
        () => log.includes('listening on'),
        () => child.exitCode !== null,
        () => log,
      );
      const ownToken = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
      proxy.close();
      for (const s of open) s.destroy();
      const context = await browser.newContext();
      const other = await context.newPage();
      await other.goto(`http://127.0.0.1:${port}/`);
      await other.getByLabel('API token').fill(ownToken);
      await other.getByRole('button', { name: 'Log in' }).click();
      const page503 = other.getByTestId('unreachable');
      await page503.waitFor({ timeout: 30_000 });
      assert.match(await page503.innerText(), /Docker engine is unreachable[\s\S]*HTTP 503/);
      await context.close();
    } finally {
      await stopPid(child.pid, 5000);
      proxy.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
