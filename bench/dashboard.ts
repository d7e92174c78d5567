/**
 * bench/dashboard: 1,000 volumes (40 of them mounted by 10 running containers) on a private engine, the
 * daemon (the built bundle, which serves dist/web), and headless Chromium. Each load is cold: a new browser
 * context (empty cache, no session), the token put in sessionStorage before the page runs. Measured in the
 * page: from navigation start (performance.timeOrigin) until the volumes table holds every row, seen by a
 * MutationObserver; also until the sizes are filled in. One warm-up load, then the median of 5.
 * Target (printed, never asserted): rows in the DOM in under 2 s.
 *
 *   node bench/dashboard.ts [--volumes 1000] [--loads 5]
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import { buildBusyboxImage, startPrivateEngine } from '../scripts/private-engine.ts';
import { launchChromium } from '../test/support/chromium.ts';
import { freePort } from '../test/support/loopback.ts';
import { ensureBuilt, median, ms, populateVolumes, startDaemon } from './support.ts';

const { values: flags } = parseArgs({
  options: { volumes: { type: 'string', default: '1000' }, loads: { type: 'string', default: '5' } },
});
const VOLUMES = Number(flags.volumes);
const LOADS = Number(flags.loads);

ensureBuilt();

/**
 * Runs in the page before its scripts (a string: this file is type-checked without the DOM's types): notes
 * when the table first holds `want` rows, and when the sizes are in.
 */
const observeRows = (want: number) => `
  const marks = (window.__bench = {});
  new MutationObserver((_records, observer) => {
    const rows = document.querySelectorAll('[data-testid=volumes-table] tbody tr').length;
    if (rows >= ${want} && marks.rows === undefined) marks.rows = performance.now();
    const count = document.querySelector('.count')?.textContent ?? '';
    if (marks.rows !== undefined && !count.includes('measuring') && marks.sized === undefined) {
      marks.sized = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true, characterData: true });`;

const engine = await startPrivateEngine();
const dataDir = mkdtempSync(join(tmpdir(), 'stowage-bench-dash-'));
let daemon: ChildProcess | undefined;
let browser: Browser | undefined;
try {
  buildBusyboxImage(engine.env);
  await populateVolumes(engine, VOLUMES, 'dashboard');

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  daemon = await startDaemon(engine, dataDir, port);
  const token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();

  browser = await launchChromium();
  const load = async () => {
    // bypassCSP: the page's policy forbids eval, which Playwright's polling below uses; the app is unaffected.
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    await context.addInitScript({
      content: `sessionStorage.setItem('stowage.token', ${JSON.stringify(token)});`,
    });
    await context.addInitScript({ content: observeRows(VOLUMES) });
    const page = await context.newPage();
    await page.goto(base);
    await page.waitForFunction('window.__bench && window.__bench.sized !== undefined', undefined, {
      timeout: 120_000,
    });
    const marks = await page.evaluate<{ rows: number; sized: number }>('window.__bench');
    await context.close();
    return marks;
  };

  console.log('warm-up load…');
  const warm = await load();
  console.log(`  rows ${ms(warm.rows)}, sizes ${ms(warm.sized)}`);
  const samples: { rows: number; sized: number }[] = [];
  for (let i = 0; i < LOADS; i++) {
    samples.push(await load());
    console.log(`  load ${i + 1}: rows ${ms(samples.at(-1)!.rows)}, sizes ${ms(samples.at(-1)!.sized)}`);
  }
  const rows = median(samples.map((s) => s.rows));
  const sized = median(samples.map((s) => s.sized));
  console.log(`\n${VOLUMES} volumes (40 in use), median of ${LOADS} cold loads (new browser context each):`);
  console.log(`  navigation → every row of the volumes table in the DOM: ${ms(rows)} (target < 2000 ms)`);
  console.log(`  navigation → sizes filled in:                            ${ms(sized)}`);
} finally {
  await browser?.close();
  if (daemon && daemon.exitCode === null) daemon.kill('SIGTERM');
  await sleep(300);
  await engine.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
