/**
 * Shared by the benchmarks: a fresh build, a populated engine, the daemon, timing whole commands, medians,
 * and printing figures.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_IMAGE, type PrivateEngine } from '../scripts/private-engine.ts';
import { mapLimited } from '../src/core/concurrency.ts';
import { connectEngine } from '../src/engine/docker-engine.ts';

const root = join(import.meta.dirname, '..');

/** Newest modification time of the files below `dir` (0 when it does not exist). */
function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((max, e) => Math.max(max, statSync(join(e.parentPath, e.name)).mtimeMs), 0);
}

/**
 * bin/stowage.cjs prefers dist/bundle and the daemon serves dist/web: both are rebuilt when missing or
 * older than their sources, so that a bench never measures old code.
 */
export function ensureBuilt(): void {
  const built = (file: string) => (existsSync(file) ? statSync(file).mtimeMs : 0);
  const bundle = built(join(root, 'dist/bundle/stowage.cjs'));
  const web = built(join(root, 'dist/web/index.html'));
  if (bundle >= newest(join(root, 'src')) && web >= newest(join(root, 'web'))) return;
  console.log(bundle && web ? 'dist/ is older than the sources: rebuilding…' : 'building dist/…');
  const build = spawnSync(process.execPath, [join(root, 'scripts/build.ts')], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('scripts/build.ts failed');
}

/**
 * Creates `count` volumes labelled `bench=<label>` (`bench-0000`…) and mounts 40 of them in 10 running
 * containers, so that listings have users to join. Returns the names.
 */
export async function populateVolumes(
  engine: PrivateEngine,
  count: number,
  label: string,
): Promise<string[]> {
  console.log(`creating ${count} volumes…`);
  const client = connectEngine({ host: engine.host });
  const names = Array.from({ length: count }, (_, i) => `bench-${String(i).padStart(4, '0')}`);
  await mapLimited(names, 16, (name) => client.volumes.create({ name, labels: { bench: label } }));
  client.close();
  for (let c = 0; c < 10; c++) {
    const vols = names.slice(500 + c * 4, 500 + c * 4 + 4);
    const run = spawnSync(
      'docker',
      ['run', '-d', ...vols.flatMap((v) => ['-v', `${v}:/${v}`]), TEST_IMAGE, 'sleep', '3600'],
      { env: engine.env, encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(run.stderr);
  }
  return names;
}

/** Starts the built daemon on `port` and resolves once it listens; throws with its output if it does not. */
export async function startDaemon(
  engine: PrivateEngine,
  dataDir: string,
  port: number,
  nodeArgs: string[] = [],
): Promise<ChildProcess> {
  const daemon = spawn(
    process.execPath,
    [
      ...nodeArgs,
      join(root, 'bin/stowage.cjs'),
      '--data-dir',
      dataDir,
      'daemon',
      '--listen',
      `127.0.0.1:${port}`,
    ],
    { env: engine.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  daemon.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  daemon.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  for (let i = 0; i < 200 && !log.includes('listening on') && daemon.exitCode === null; i++) await sleep(100);
  if (!log.includes('listening on')) throw new Error(`the daemon did not start:\n${log}`);
  return daemon;
}

export function timeCommand(command: string, args: string[], env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.toString()}`);
  return elapsed;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs each contender once per round, alternating which goes first, and returns every sample. */
export function interleave(
  rounds: number,
  contenders: Record<string, () => number>,
): Record<string, number[]> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  const names = Object.keys(contenders);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...names].reverse() : names;
    for (const name of order) samples[name]!.push(contenders[name]!());
  }
  return samples;
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;
