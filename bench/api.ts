/**
 * bench/api: 1,000 volumes (40 of them mounted by 10 running containers) on a private engine; the daemon
 * (the built bundle, its own data folder, a free loopback port) answers 1,000 sequential
 * `GET /api/volumes?sizes=false` with the bearer token, alternating one for one with the engine's own
 * `GET /v1.41/volumes` on its unix socket, both over keep-alive connections, so both see the same machine
 * state. Prints p50 and p99 of each, the ratio of the p99s and the daemon's peak RSS (VmHWM).
 * Targets (printed, never asserted): p99 ≤ 1.5× the engine's p99; peak RSS under 150 MB.
 *
 *   node bench/api.ts [--volumes 1000] [--requests 1000] [--warmup 50] [--cpu-prof DIR]
 *
 * `--cpu-prof DIR` runs the daemon with Node's `--cpu-prof` and prints its hottest functions (self time).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request, type RequestOptions } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { buildBusyboxImage, startPrivateEngine } from '../scripts/private-engine.ts';
import { ensureBuilt, ms, populateVolumes, startDaemon } from './support.ts';

const { values: flags } = parseArgs({
  options: {
    volumes: { type: 'string', default: '1000' },
    requests: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '50' },
    'cpu-prof': { type: 'string' },
  },
});
const VOLUMES = Number(flags.volumes);
const REQUESTS = Number(flags.requests);
const WARMUP = Number(flags.warmup);
const root = join(import.meta.dirname, '..');

/** Nearest-rank percentile. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A loopback port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One GET over the given keep-alive agent; resolves with the elapsed milliseconds and the body. */
function timedGet(options: RequestOptions): Promise<{ elapsed: number; body: string }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request({ method: 'GET', ...options }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const elapsed = performance.now() - start;
        const body = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200) reject(new Error(`GET ${options.path}: ${res.statusCode} ${body}`));
        else resolve({ elapsed, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Peak and current resident set size of a process, in MB, from /proc. */
function memoryOf(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 };
}

/** The hottest functions of a .cpuprofile by self time. */
function topFrames(file: string, count: number): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!;
    const delta = profile.timeDeltas[i] ?? 0;
    const where = frame.url ? `${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + delta);
    total += delta;
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(
      ([key, us]) =>
        `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`,
    );
}

const kB = (body: string) => `${(Buffer.byteLength(body) / 1000).toFixed(0)} kB`;

ensureBuilt();

const engine = await startPrivateEngine();
const dataDir = mkdtempSync(join(tmpdir(), 'stowage-bench-api-'));
let daemon: ChildProcess | undefined;
try {
  buildBusyboxImage(engine.env);
  await populateVolumes(engine, VOLUMES, 'api');

  const port = await freePort();
  const profileDir = flags['cpu-prof'];
  daemon = await startDaemon(
    engine,
    dataDir,
    port,
    profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
  );
  const token = spawnSync(process.execPath, [join(root, 'bin/stowage.cjs'), '--data-dir', dataDir, 'token'], {
    env: engine.env,
    encoding: 'utf8',
  }).stdout.trim();
  if (!token) throw new Error('`stowage token` printed nothing');

  // One connection each, kept alive: the figures are request handling, not TCP or socket set-up.
  const daemonAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  const engineAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  const contenders = {
    daemon: () =>
      timedGet({
        host: '127.0.0.1',
        port,
        path: '/api/volumes?sizes=false',
        headers: { authorization: `Bearer ${token}` },
        agent: daemonAgent,
      }),
    engine: () => timedGet({ socketPath: engine.socket, path: '/v1.41/volumes', agent: engineAgent }),
  };

  // Warm-up (JIT, connections, the daemon's start-up reconciliation) and a check that both list everything.
  for (let i = 0; i < WARMUP; i++) for (const run of Object.values(contenders)) await run();
  const daemonBody = (await contenders.daemon()).body;
  const engineBody = (await contenders.engine()).body;
  const listed = JSON.parse(daemonBody) as { name: string }[];
  const engineListed = JSON.parse(engineBody) as { Volumes: unknown[] };
  if (listed.length < VOLUMES || engineListed.Volumes.length < VOLUMES)
    throw new Error(
      `expected ${VOLUMES} volumes, got ${listed.length} (daemon), ${engineListed.Volumes.length} (engine)`,
    );

  console.log(`${REQUESTS} sequential requests each, alternating (one of each per round)…`);
  const samples: Record<keyof typeof contenders, number[]> = { daemon: [], engine: [] };
  const order = Object.keys(contenders) as (keyof typeof contenders)[];
  for (let round = 0; round < REQUESTS; round++)
    for (const name of round % 2 ? [...order].reverse() : order)
      samples[name].push((await contenders[name]()).elapsed);
  const memory = memoryOf(daemon.pid!);
  daemonAgent.destroy();
  engineAgent.destroy();

  const line = (label: string, values: number[]) =>
    console.log(
      `${label.padEnd(40)} p50 ${ms(percentile(values, 50)).padStart(9)}   p99 ${ms(percentile(values, 99)).padStart(9)}`,
    );
  console.log(
    `\n${VOLUMES} volumes (40 in use), ${REQUESTS} requests each, keep-alive; response bodies: daemon ${kB(daemonBody)}, engine ${kB(engineBody)}`,
  );
  line('daemon GET /api/volumes?sizes=false', samples.daemon);
  line('engine GET /v1.41/volumes (unix socket)', samples.engine);
  const ratio = percentile(samples.daemon, 99) / percentile(samples.engine, 99);
  console.log(`p99 ratio daemon/engine: ${ratio.toFixed(2)} (target ≤ 1.5)`);
  console.log(
    `daemon peak RSS (VmHWM): ${memory.peak.toFixed(1)} MB (target < 150 MB); RSS now ${memory.now.toFixed(1)} MB`,
  );

  const exited = new Promise<void>((resolve) => daemon!.on('exit', () => resolve()));
  daemon.kill('SIGTERM');
  await Promise.race([exited, sleep(30_000)]);
  if (daemon.exitCode !== 0)
    console.log(`the daemon did not exit cleanly on SIGTERM (exit ${daemon.exitCode})`);
  if (profileDir) {
    const newest = readdirSync(profileDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .sort()
      .at(-1);
    if (newest) {
      console.log(`\ndaemon CPU profile ${join(profileDir, newest)}, top functions by self time:`);
      for (const frame of topFrames(join(profileDir, newest), 25)) console.log(frame);
    }
  }
} finally {
  if (daemon && daemon.exitCode === null && daemon.signalCode === null) daemon.kill('SIGKILL');
  await engine.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
