/**
 * Writes docs/screenshots/*.png, one per dashboard page at 1280×800 (and the volumes page on a narrow
 * window): a private engine with sample volumes and containers (a sidecar sharing a volume, two writers on
 * one volume, orphans, a stopped user), schedules with runs (one failing), a backup, the daemon from the
 * sources, and headless Chromium.
 *
 *   node scripts/screenshots.ts [--out docs/screenshots]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/support/chromium.ts';
import { freePort } from '../test/support/loopback.ts';
import { buildBusyboxImage, startPrivateEngine, TEST_IMAGE } from './private-engine.ts';

const root = join(import.meta.dirname, '..');

// Every dockerd on a host discovers volume plugins in the same folders, so a plugin another test left
// running would show up in the pictures. As root, run again in a mount namespace where they are empty.
if (process.getuid?.() === 0 && !process.env.STOWAGE_SCREENSHOTS_ISOLATED) {
  const script =
    'for d in /run/docker/plugins /etc/docker/plugins /usr/lib/docker/plugins; do ' +
    '[ -d "$d" ] && mount -t tmpfs tmpfs "$d"; done; exec "$0" "$@"';
  const inner = spawnSync(
    'unshare',
    ['--mount', '--propagation', 'private', 'sh', '-c', script, process.execPath, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, STOWAGE_SCREENSHOTS_ISOLATED: '1' } },
  );
  process.exit(inner.status ?? 1);
}
const { values: flags } = parseArgs({ options: { out: { type: 'string', default: 'docs/screenshots' } } });
const out = join(root, flags.out);

if (!existsSync(join(root, 'dist/web/index.html'))) {
  console.log('building the dashboard…');
  if (spawnSync(process.execPath, [join(root, 'scripts/build.ts')], { stdio: 'inherit' }).status !== 0)
    throw new Error('scripts/build.ts failed');
}

const engine = await startPrivateEngine();
const dataDir = mkdtempSync(join(tmpdir(), 'stowage-screens-'));
let daemon: ChildProcess | undefined;
const docker = (...args: string[]) => {
  const run = spawnSync('docker', args, { env: engine.env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`docker ${args.join(' ')}: ${run.stderr}`);
  return run.stdout.trim();
};
/** A volume with `kb` kilobytes of data written by a throw-away container. */
const volume = (name: string, kb: number, ...flags: string[]) => {
  docker('volume', 'create', ...flags, name);
  if (kb)
    docker(
      'run',
      '--rm',
      '-v',
      `${name}:/d`,
      TEST_IMAGE,
      'sh',
      '-c',
      `dd if=/dev/urandom of=/d/data bs=1k count=${kb} 2>/dev/null; echo ok > /d/README`,
    );
};

try {
  buildBusyboxImage(engine.env);
  console.log('sample volumes and containers…');
  volume('shop-db', 48_000, '--label', 'tier=prod', '--label', 'com.docker.compose.project=shop');
  volume('shop-uploads', 21_000, '--label', 'tier=prod', '--label', 'com.docker.compose.project=shop');
  volume('shop-cache', 6_000, '--label', 'com.docker.compose.project=shop');
  volume('web-content', 9_000);
  volume('metrics-wal', 3_000);
  volume('old-reports', 15_000);
  volume('ci-build-cache', 32_000);
  for (let i = 0; i < 3; i++) volume(randomBytes(32).toString('hex'), 2_000 + 7_000 * i);
  const run = (name: string, ...mounts: string[]) =>
    docker('run', '-d', '--name', name, ...mounts.flatMap((m) => ['-v', m]), TEST_IMAGE, 'sleep', '36000');
  run('shop-db-1', 'shop-db:/var/lib/db');
  run('shop-web-1', 'shop-uploads:/srv/uploads', 'shop-cache:/cache', 'web-content:/srv/www:ro');
  // The sidecar pattern: the publisher writes, nginx-like readers only read.
  run('content-publisher', 'web-content:/out');
  run('content-sidecar', 'web-content:/www:ro');
  // Two writers on one volume: the risky sharing the graph shows in red.
  run('metrics-agent', 'metrics-wal:/wal');
  run('metrics-compactor', 'metrics-wal:/wal');
  docker('create', '--name', 'reports-job', '-v', 'old-reports:/reports', TEST_IMAGE, 'true');

  writeFileSync(
    join(dataDir, 'config.yaml'),
    [
      'schedules:',
      '  - name: nightly',
      "    cron: '30 2 * * *'",
      '    label: tier=prod',
      '    keep: last:7,daily:7',
      '  - name: content',
      "    cron: '0 */6 * * *'",
      '    volumes: [web-content, retired-volume]',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  daemon = spawn(
    process.execPath,
    [join(root, 'src/cli/bin.ts'), '--data-dir', dataDir, 'daemon', '--listen', `127.0.0.1:${port}`],
    { env: engine.env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  daemon.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  for (let i = 0; i < 300 && !log.includes('listening on') && daemon.exitCode === null; i++) await sleep(100);
  if (!log.includes('listening on')) throw new Error(`the daemon did not start:\n${log}`);
  const token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
  const api = async <T>(path: string, method = 'GET', body?: unknown): Promise<T> => {
    const response = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const finish = async (job: { id: string }) => {
    for (;;) {
      const now = await api<{ id: string; state: string }>(`/api/jobs/${job.id}`);
      if (now.state !== 'running') return now;
      await sleep(200);
    }
  };

  console.log('runs and backups…');
  for (let i = 0; i < 2; i++) {
    await finish(await api('/api/schedules/nightly/run', 'POST'));
    await finish(await api('/api/schedules/content/run', 'POST'));
  }
  await finish(await api('/api/volumes/ci-build-cache/backups', 'POST', {}));

  const browser = await launchChromium();
  mkdirSync(out, { recursive: true });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  // Generous: private engines share the host's plugin folder, so another test's volume plugin can slow a listing.
  context.setDefaultTimeout(120_000);
  const page = await context.newPage();
  const shot = async (name: string, target: Page = page) => {
    await sleep(900); // charts animate in
    await target.screenshot({ path: join(out, `${name}.png`) });
    console.log(`  ${join(flags.out, `${name}.png`)}`);
  };

  await page.goto(base);
  await page.getByLabel('API token').waitFor();
  await shot('login');
  await page.getByLabel('API token').fill('a-wrong-token');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('wrong-token').waitFor();
  await shot('wrong-token');
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Try this token' }).click();
  await page.locator('[data-testid=largest-chart][data-ready=true]').waitFor();
  await shot('volumes');

  await page.goto(`${base}/volumes/shop-db`);
  await page.getByTestId('backups-table').waitFor();
  await page.getByRole('button', { name: 'Back up now' }).click();
  await page.getByTestId('job-backup').getByRole('status').waitFor({ timeout: 60_000 });
  await shot('volume');

  await page.getByRole('link', { name: 'Sharing' }).click();
  await page.locator('[data-testid=sharing-graph][data-ready=true]').waitFor();
  await sleep(1500); // the force layout settles
  await shot('sharing');

  await page.getByRole('link', { name: 'Orphans & cost' }).click();
  await page.getByTestId('cost-table').waitFor();
  await page.getByRole('button', { name: 'Plan prune (dry run)' }).click();
  await page.getByTestId('prune-plan').waitFor();
  await shot('orphans');

  await page.getByRole('link', { name: 'Backups & schedules' }).click();
  await page.locator('[data-testid=runs-chart][data-ready=true]').waitFor();
  await shot('backups');

  await page.getByRole('link', { name: 'Doctor' }).click();
  await page.getByTestId('findings-table').waitFor();
  await shot('doctor');

  const narrow = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
  await narrow.addInitScript({
    content: `sessionStorage.setItem('stowage.token', ${JSON.stringify(token)});`,
  });
  const phone = await narrow.newPage();
  await phone.goto(base);
  await phone.getByTestId('volumes-table').locator('tbody tr').first().waitFor();
  await shot('volumes-narrow', phone);
  await browser.close();
} finally {
  if (daemon && daemon.exitCode === null) daemon.kill('SIGTERM');
  await sleep(500);
  await engine.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
