/**
 * bench/backup: Stowage's backup and restore against the seed's method (`tar czf` / `tar xzf` in a busybox
 * container) on a private engine, with a seeded ~420 MB volume (≈ 20,000 text files of 1–20 kB, half of
 * the bytes in 4 random files). Medians of interleaved end-to-end runs, each after one warm-up run; then one
 * monitored run of each Stowage command to say where the CPU goes; with `--big`, Stowage's peak RSS while
 * backing up a ≥ 2 GB volume of ≥ 100,000 files. Targets (printed, never asserted): backup ≥ 5× the seed's
 * speed with zstd, ≥ 1.5× with --gzip; restore of the zstd archive ≥ 2× the seed's; peak RSS ≤ 200 MB.
 *
 * On a shared machine other processes distort the figures: before each timed run the bench waits (up to
 * `--quiet-wait` seconds) until the CPUs are idle, and says how many runs it could not start on a quiet machine.
 *
 *   node bench/backup.ts [--mb 420] [--rounds 5] [--seed 42] [--big] [--big-mb 2200] [--no-verify] [--quiet-wait 60]
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import {
  buildBusyboxImage,
  startPrivateEngine,
  TEST_IMAGE,
  type PrivateEngine,
} from '../scripts/private-engine.ts';
import { generateDataset, type DatasetSummary } from './dataset.ts';
import { ensureBuilt, interleave, median, timeCommand } from './support.ts';

const { values: flags } = parseArgs({
  options: {
    mb: { type: 'string', default: '420' },
    rounds: { type: 'string', default: '5' },
    seed: { type: 'string', default: '42' },
    big: { type: 'boolean', default: false },
    'big-mb': { type: 'string', default: '2200' },
    'no-verify': { type: 'boolean', default: false },
    'quiet-wait': { type: 'string', default: '60' },
  },
});
const MB = Number(flags.mb);
const ROUNDS = Number(flags.rounds);
const SEED = Number(flags.seed);
const root = join(import.meta.dirname, '..');
const BIN = join(root, 'bin/stowage.cjs');
const mb = (bytes: number) => bytes / 1e6;

/** Generates a dataset on the host, copies it into a new volume with `cp -a`, and removes the host copy. */
function loadVolume(
  engine: PrivateEngine,
  work: string,
  volume: string,
  spec: Parameters<typeof generateDataset>[1],
): DatasetSummary {
  const source = mkdtempSync(join(work, 'dataset-'));
  try {
    const started = performance.now();
    const summary = generateDataset(source, spec);
    chmodSync(source, 0o755); // cp -a gives the volume root the mode of the source folder
    docker(
      engine,
      'run',
      '--rm',
      '-v',
      `${volume}:/data`,
      '-v',
      `${source}:/src:ro`,
      TEST_IMAGE,
      'cp',
      '-a',
      '/src/.',
      '/data/',
    );
    console.log(
      `volume ${volume}: ${mb(summary.bytes).toFixed(0)} MB in ${summary.files.toLocaleString('en')} files, ${summary.directories} folders ` +
        `(${mb(summary.textBytes).toFixed(0)} MB text in files of 1–20 kB, ${mb(summary.randomBytes).toFixed(0)} MB random in ${spec.largeFiles} files), ` +
        `seed ${spec.seed}, made in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
    return summary;
  } finally {
    rmSync(source, { recursive: true, force: true });
  }
}

function docker(engine: PrivateEngine, ...args: string[]): string {
  const result = spawnSync('docker', args, {
    env: engine.env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** Every file's type, size, mode, owner, mtime and MD5, sorted; `.` itself is left out (tar's `.` entry differs). */
function listing(engine: PrivateEngine, volume: string): Map<string, string> {
  const script =
    "cd /d && find . -mindepth 1 -exec stat -c '%n|%F|%s|%a|%u:%g|%Y' {} + && find . -type f -exec md5sum {} +";
  const lines = docker(engine, 'run', '--rm', '-v', `${volume}:/d:ro`, TEST_IMAGE, 'sh', '-c', script)
    .split('\n')
    .filter(Boolean);
  const entries = new Map<string, string>();
  for (const line of lines) {
    const md5 = /^([0-9a-f]{32}) {2}(.*)$/.exec(line);
    if (md5) entries.set(md5[2]!, `${entries.get(md5[2]!)}|${md5[1]}`);
    else entries.set(line.slice(0, line.indexOf('|')), line);
  }
  return entries;
}

const FIELDS = ['path', 'type', 'size', 'mode', 'owner', 'mtime', 'MD5'];

/** "identical", or how many entries differ and in which fields (e.g. `mtime: 21`). */
function compare(original: Map<string, string>, restored: Map<string, string>): string {
  const fields = new Map<string, number>();
  let differ = 0;
  for (const [path, line] of original) {
    const other = restored.get(path);
    if (other === line) continue;
    differ += 1;
    const a = line.split('|');
    const b = other?.split('|') ?? [];
    for (const [i, field] of FIELDS.entries())
      if (a[i] !== b[i]) fields.set(field, (fields.get(field) ?? 0) + 1);
  }
  const extra = [...restored.keys()].filter((path) => !original.has(path)).length;
  if (!differ && !extra)
    return `identical (${original.size.toLocaleString('en')} entries: type, size, mode, owner, mtime, MD5)`;
  const which = [...fields].map(([field, count]) => `${field}: ${count}`).join(', ');
  return `${differ} of ${original.size.toLocaleString('en')} entries differ (${which}), ${extra} extra`;
}

interface ProcessUse {
  /** Node names its main thread `MainThread`: the command itself is told by this flag, not its name. */
  root: boolean;
  comm: string;
  cpuSeconds: number;
  peakRssMb: number;
}

const CLK_TCK = 100;

/** comm, ppid and CPU ticks (own; own + reaped children) of a process, if it still exists. */
function readStat(pid: number) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const [ppid, utime, stime, cutime, cstime] = [
      fields[1]!,
      fields[11]!,
      fields[12]!,
      fields[13]!,
      fields[14]!,
    ];
    return { comm, ppid, ticks: utime + stime, ticksWithChildren: utime + stime + cutime + cstime };
  } catch {
    return undefined;
  }
}

/** Peak resident set size so far (VmHWM), in MB; 0 once the process is gone. */
function peakRss(pid: number): number {
  try {
    return (
      (Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024) / 1e6
    );
  } catch {
    return 0;
  }
}

function busyTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1, 9).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: total - cpu[3]! - cpu[4]!, total };
}

const CPUS = availableParallelism();
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Waits until the machine was idle (< 0.3 busy CPUs) for two half-second windows; false if it never was. */
function waitForQuiet(): boolean {
  const deadline = Date.now() + Number(flags['quiet-wait']) * 1000;
  for (let calm = 0; Date.now() < deadline;) {
    const before = busyTicks();
    pause(500);
    const after = busyTicks();
    calm = ((after.busy - before.busy) / (after.total - before.total)) * CPUS < 0.3 ? calm + 1 : 0;
    if (calm === 2) return true;
  }
  return Number(flags['quiet-wait']) === 0;
}

/** Times every contender only once the machine is quiet; `noisy` counts the runs that could not wait for it. */
function quietly<T extends Record<string, () => number>>(contenders: T, noisy: Map<string, number>): T {
  const wrapped = Object.entries(contenders).map(([name, run]) => [
    name,
    () => {
      spawnSync('sync'); // the previous run's writes are flushed now, not during this one
      if (!waitForQuiet()) noisy.set(name, (noisy.get(name) ?? 0) + 1);
      return run();
    },
  ]);
  return Object.fromEntries(wrapped) as T;
}

/**
 * Runs a command while sampling /proc every 50 ms: per process of its tree, CPU seconds and peak RSS (VmHWM,
 * as last seen: at most 50 ms before the process ended); dockerd's CPU including the children it reaped
 * (its `docker-tar`/`docker-untar` helpers); and how busy the whole machine was.
 */
async function monitored(engine: PrivateEngine, command: string, args: string[]) {
  spawnSync('sync');
  const quiet = waitForQuiet();
  const dockerdPid = Number(readFileSync(join(engine.dir, 'pid'), 'utf8'));
  const dockerdBefore = readStat(dockerdPid)!.ticksWithChildren;
  const machineBefore = busyTicks();
  const started = performance.now();
  const child = spawn(command, args, { env: engine.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const seen = new Map<number, ProcessUse>();
  let running = true;
  void exited.then(() => (running = false));
  while (running) {
    const parents = new Map<number, number>();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const stat = readStat(Number(name));
      if (stat) parents.set(Number(name), stat.ppid);
    }
    const tree = new Set([child.pid!]);
    for (let grew = true; grew;) {
      grew = false;
      for (const [pid, ppid] of parents) {
        if (tree.has(ppid) && !tree.has(pid)) {
          tree.add(pid);
          grew = true;
        }
      }
    }
    for (const pid of tree) {
      const stat = readStat(pid);
      const rss = peakRss(pid);
      if (stat && rss)
        seen.set(pid, {
          root: pid === child.pid,
          comm: stat.comm,
          cpuSeconds: stat.ticks / CLK_TCK,
          peakRssMb: rss,
        });
    }
    await sleep(50);
  }
  const code = await exited;
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${code}): ${stderr}`);
  const machine = busyTicks();
  const processes = [...seen.values()];
  const dockerdCpuSeconds = (readStat(dockerdPid)!.ticksWithChildren - dockerdBefore) / CLK_TCK;
  const machineBusyCpus =
    ((machine.busy - machineBefore.busy) / (machine.total - machineBefore.total)) * CPUS;
  const ours = processes.reduce((sum, p) => sum + p.cpuSeconds, dockerdCpuSeconds);
  return {
    quiet,
    seconds,
    processes,
    dockerdCpuSeconds,
    machineBusyCpus,
    otherCpus: Math.max(0, machineBusyCpus - ours / seconds),
  };
}

function describeUse(run: Awaited<ReturnType<typeof monitored>>): string {
  const own = run.processes.map(
    (p) =>
      `${p.root ? 'stowage (node)' : p.comm} ${p.cpuSeconds.toFixed(1)} s CPU / ${p.peakRssMb.toFixed(0)} MB peak`,
  );
  return `${run.seconds.toFixed(1)} s wall; ${own.join(', ')}; dockerd (with its tar helpers) ${run.dockerdCpuSeconds.toFixed(1)} s CPU; machine busy ${run.machineBusyCpus.toFixed(2)} of ${CPUS} CPUs (other processes: ${run.otherCpus.toFixed(2)})${run.quiet ? '' : '; started on a busy machine'}`;
}

ensureBuilt();
const engine = await startPrivateEngine();
const work = mkdtempSync(join(tmpdir(), 'stowage-bench-backup-'));
try {
  buildBusyboxImage(engine.env);
  const dataDir = join(work, 'stowage-data');
  const stowageArgs = (...args: string[]) => [BIN, '--data-dir', dataDir, '--host', engine.host, ...args];
  const ms = (command: string, args: string[]) => timeCommand(command, args, engine.env) / 1000;
  // Every run writes a new file, folder or volume, and nothing is deleted until the end: this ext4 is mounted
  // with `discard`, and after a 420 MB tree is deleted the next extractions ran up to 2× slower.
  let runs = 0;
  const fresh = (name: string) => {
    const dir = join(work, `${name}-${++runs}`);
    mkdirSync(dir);
    return dir;
  };
  const archiveIn = (dir: string) => {
    const file = readdirSync(dir, { recursive: true, encoding: 'utf8' }).find((f) =>
      /\.tar\.(zst|gz)$/.test(f),
    );
    if (!file) throw new Error(`no archive in ${dir}`);
    return join(dir, file);
  };
  const seedBackup = (dir: string) =>
    ms('docker', [
      'run',
      '--rm',
      '-v',
      'bench-data:/data:ro',
      '-v',
      `${dir}:/backup`,
      TEST_IMAGE,
      'tar',
      'czf',
      '/backup/seed.tar.gz',
      '-C',
      '/data',
      '.',
    ]);
  const seedRestore = (dir: string, volume: string) =>
    ms('docker', [
      'run',
      '--rm',
      '-v',
      `${volume}:/data`,
      '-v',
      `${dir}:/backup:ro`,
      TEST_IMAGE,
      'tar',
      'xzf',
      '/backup/seed.tar.gz',
      '-C',
      '/data',
    ]);

  const data = loadVolume(engine, work, 'bench-data', {
    seed: SEED,
    textBytes: (MB * 1e6) / 2,
    randomBytes: (MB * 1e6) / 2,
    largeFiles: 4,
  });
  // Warm-up, once each (caches cannot be dropped); these archives are the ones the restores read and sized.
  console.log('warming up…');
  const kept = { seed: fresh('seed'), zstd: fresh('zstd'), gzip: fresh('gzip') };
  seedBackup(kept.seed);
  ms(process.execPath, stowageArgs('backup', 'bench-data', '--to', kept.zstd));
  ms(process.execPath, stowageArgs('backup', 'bench-data', '--to', kept.gzip, '--gzip'));
  seedRestore(kept.seed, 'bench-check-seed');
  ms(process.execPath, stowageArgs('restore', archiveIn(kept.zstd), '--to', 'bench-check-stowage'));
  if (!flags['no-verify']) {
    const original = listing(engine, 'bench-data');
    console.log(`seed's restore vs the volume: ${compare(original, listing(engine, 'bench-check-seed'))}`);
    console.log(
      `stowage's restore vs the volume: ${compare(original, listing(engine, 'bench-check-stowage'))}`,
    );
  }

  const contenders = {
    backup: {
      'seed: tar czf (busybox)': () => seedBackup(fresh('seed')),
      'stowage backup (zstd)': () =>
        ms(process.execPath, stowageArgs('backup', 'bench-data', '--to', fresh('zstd'))),
      'stowage backup --gzip': () =>
        ms(process.execPath, stowageArgs('backup', 'bench-data', '--to', fresh('gzip'), '--gzip')),
    },
    restore: {
      'seed: tar xzf (busybox)': () => seedRestore(kept.seed, `bench-restore-${++runs}`),
      'stowage restore (zstd)': () =>
        ms(process.execPath, stowageArgs('restore', archiveIn(kept.zstd), '--to', `bench-restore-${++runs}`)),
    },
  };
  console.log(`timing ${ROUNDS} interleaved rounds…`);
  const noisy = new Map<string, number>();
  const samples = {
    ...interleave(ROUNDS, quietly(contenders.backup, noisy)),
    ...interleave(ROUNDS, quietly(contenders.restore, noisy)),
  };
  const medians = Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, median(s)]));
  const commit =
    spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim() ||
    'unknown';
  console.log(
    `\n${mb(data.bytes).toFixed(0)} MB, ${data.files.toLocaleString('en')} files; medians of ${ROUNDS} interleaved end-to-end runs; ` +
      `${CPUS} CPUs, Node ${process.version}, Stowage at ${commit} (plus uncommitted changes, if any)`,
  );
  console.log(`${'contender'.padEnd(26)} ${'median'.padStart(8)} ${'MB/s'.padStart(7)}   all runs (s)`);
  for (const [name, s] of Object.entries(samples)) {
    const all = s.map((v) => v.toFixed(2)).join(' ');
    console.log(
      `${name.padEnd(26)} ${`${medians[name]!.toFixed(2)} s`.padStart(8)} ${(mb(data.bytes) / medians[name]!).toFixed(0).padStart(7)}   ${all}`,
    );
  }
  if (noisy.size) {
    const counts = [...noisy].map(([name, count]) => `${name} ${count}`).join(', ');
    console.log(
      `runs started while other processes kept the CPUs busy (after waiting ${flags['quiet-wait']} s): ${counts}; those figures are pessimistic`,
    );
  }
  const speedUp = (ours: string, theirs: string, target: number) => {
    const ratio = medians[theirs]! / medians[ours]!;
    return `${ratio.toFixed(2)}× (target ≥ ${target}×: ${ratio >= target ? 'met' : 'MISSED'})`;
  };
  console.log(
    `speed-up, stowage backup (zstd) vs seed backup: ${speedUp('stowage backup (zstd)', 'seed: tar czf (busybox)', 5)}`,
  );
  console.log(
    `speed-up, stowage backup --gzip vs seed backup: ${speedUp('stowage backup --gzip', 'seed: tar czf (busybox)', 1.5)}`,
  );
  console.log(
    `speed-up, stowage restore (zstd) vs seed restore: ${speedUp('stowage restore (zstd)', 'seed: tar xzf (busybox)', 2)}`,
  );
  const size = (path: string, of = data.bytes) =>
    `${mb(statSync(path).size).toFixed(1)} MB (${((statSync(path).size / of) * 100).toFixed(1)} % of the data)`;
  console.log(
    `archives: seed .tar.gz ${size(join(kept.seed, 'seed.tar.gz'))}; stowage zstd ${size(archiveIn(kept.zstd))}; stowage gzip ${size(archiveIn(kept.gzip))}`,
  );

  console.log('\nwhere the time goes (one monitored run each, not part of the medians):');
  console.log(
    `  stowage backup (zstd):  ${describeUse(await monitored(engine, process.execPath, stowageArgs('backup', 'bench-data', '--to', fresh('zstd'))))}`,
  );
  console.log(
    `  stowage backup --gzip:  ${describeUse(await monitored(engine, process.execPath, stowageArgs('backup', 'bench-data', '--to', fresh('gzip'), '--gzip')))}`,
  );
  console.log(
    `  stowage restore (zstd): ${describeUse(await monitored(engine, process.execPath, stowageArgs('restore', archiveIn(kept.zstd), '--to', `bench-restore-${++runs}`)))}`,
  );

  if (flags.big) {
    const bigMb = Number(flags['big-mb']);
    console.log('\nmemory: building the big volume…');
    const big = loadVolume(engine, work, 'bench-big', {
      seed: SEED + 1,
      textBytes: (bigMb * 1e6) / 2,
      randomBytes: (bigMb * 1e6) / 2,
      largeFiles: 8,
    });
    const bigDir = fresh('big');
    const run = await monitored(engine, process.execPath, stowageArgs('backup', 'bench-big', '--to', bigDir));
    const node = Math.max(...run.processes.filter((p) => p.root).map((p) => p.peakRssMb));
    const helpers = run.processes.filter((p) => !p.root);
    console.log(
      `stowage backup of ${mb(big.bytes).toFixed(0)} MB / ${big.files.toLocaleString('en')} files: ${run.seconds.toFixed(1)} s (${(mb(big.bytes) / run.seconds).toFixed(0)} MB/s), archive ${size(archiveIn(bigDir), big.bytes)}`,
    );
    console.log(
      `peak RSS of the stowage process: ${node.toFixed(0)} MB (target ≤ 200 MB: ${node <= 200 ? 'met' : 'MISSED'})` +
        (helpers.length
          ? `; its child processes: ${helpers.map((p) => `${p.comm} ${p.peakRssMb.toFixed(0)} MB`).join(', ')}`
          : ''),
    );
    console.log(`  ${describeUse(run)}`);
  }
} finally {
  await engine.stop();
  rmSync(work, { recursive: true, force: true });
}
