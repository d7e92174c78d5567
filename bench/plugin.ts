/**
 * bench/plugin: throughput inside a container on a `stowage` dir volume with a quota (ext4 in a sparse
 * file on a loop device) against a `local` volume, a bind mount and a tmpfs, on a private engine with the
 * plugin from the sources. Per round and contender: write N MB with fsync (`dd conv=fsync`), drop the
 * host's page cache, read it back; contenders alternate each round; medians. Then `docker run --rm … true`
 * start time with the quota volume against a `local` volume, interleaved. Targets (printed, never
 * asserted): quota volume within 10% of `local` for write and read; start time within 100 ms of `local`.
 * Dropping caches is host-wide (it slows other work on the machine for a moment, it breaks nothing).
 *
 *   node bench/plugin.ts [--mb 256] [--rounds 5] [--starts 15]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildBusyboxImage, startPrivateEngine, TEST_IMAGE } from '../scripts/private-engine.ts';
import { PluginProcess } from '../src/plugin/testing/plugin-process.ts';
import { interleave, median, ms, timeCommand } from './support.ts';

const { values: flags } = parseArgs({
  options: {
    mb: { type: 'string', default: '256' },
    rounds: { type: 'string', default: '5' },
    starts: { type: 'string', default: '15' },
  },
});
const MB = Number(flags.mb);
const ROUNDS = Number(flags.rounds);
const STARTS = Number(flags.starts);

const engine = await startPrivateEngine();
const plugin = new PluginProcess();
const env = engine.env;
const docker = (...args: string[]) => {
  const result = spawnSync('docker', args, { env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`docker ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
};
const dropCaches = () => {
  spawnSync('sync');
  writeFileSync('/proc/sys/vm/drop_caches', '3');
};

try {
  buildBusyboxImage(env);
  await plugin.start();
  const quotaSize = `${Math.max(1024, MB * 3)}M`;
  docker('volume', 'create', '-d', plugin.driver, '--opt', `size=${quotaSize}`, 'bench-quota');
  docker('volume', 'create', 'bench-local');
  docker('volume', 'create', 'bench-start-local');
  docker('volume', 'create', '-d', plugin.driver, '--opt', 'size=64M', 'bench-start-quota');
  const bind = join(plugin.dir, 'bind');
  mkdirSync(bind);
  const mounts: Record<string, string[]> = {
    'stowage quota': ['-v', 'bench-quota:/data'],
    local: ['-v', 'bench-local:/data'],
    bind: ['-v', `${bind}:/data`],
    tmpfs: ['--tmpfs', `/data:size=${MB * 2}m`],
  };
  for (const [name, flags] of Object.entries(mounts))
    docker('run', '-d', '--name', `bench-${name.replace(' ', '-')}`, ...flags, TEST_IMAGE, 'sleep', '86400');
  const container = (name: string) => `bench-${name.replace(' ', '-')}`;

  console.log(
    `${MB} MB per run, ${ROUNDS} rounds, contenders alternating (quota: ${quotaSize} ext4 on loop)`,
  );
  const write = (name: string) => () => {
    docker('exec', container(name), 'rm', '-f', '/data/f');
    dropCaches();
    return timeCommand(
      'docker',
      ['exec', container(name), 'dd', 'if=/dev/zero', 'of=/data/f', 'bs=1M', `count=${MB}`, 'conv=fsync'],
      env,
    );
  };
  const read = (name: string) => () => {
    dropCaches();
    return timeCommand('docker', ['exec', container(name), 'dd', 'if=/data/f', 'of=/dev/null', 'bs=1M'], env);
  };
  const writes: Record<string, number[]> = {};
  const reads: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    const names = round % 2 ? Object.keys(mounts).reverse() : Object.keys(mounts);
    for (const name of names) {
      (writes[name] ??= []).push(write(name)());
      (reads[name] ??= []).push(read(name)());
    }
  }
  const rate = (samples: number[]) => MB / (median(samples) / 1000);
  const rows = Object.keys(mounts).map((name) => {
    const w = rate(writes[name]!);
    const r = rate(reads[name]!);
    return { name, w, r };
  });
  const local = rows.find((row) => row.name === 'local')!;
  console.log('\ncontender        write MB/s (fsync)   vs local   read MB/s (cold)   vs local');
  for (const row of rows)
    console.log(
      `${row.name.padEnd(16)} ${row.w.toFixed(0).padStart(18)}   ${`${((row.w / local.w) * 100).toFixed(0)}%`.padStart(8)}   ${row.r.toFixed(0).padStart(16)}   ${`${((row.r / local.r) * 100).toFixed(0)}%`.padStart(8)}`,
    );

  // Warm-up, then interleaved starts.
  docker('run', '--rm', '-v', 'bench-start-local:/data', TEST_IMAGE, 'true');
  docker('run', '--rm', '-v', 'bench-start-quota:/data', TEST_IMAGE, 'true');
  const starts = interleave(STARTS, {
    local: () =>
      timeCommand('docker', ['run', '--rm', '-v', 'bench-start-local:/data', TEST_IMAGE, 'true'], env),
    quota: () =>
      timeCommand('docker', ['run', '--rm', '-v', 'bench-start-quota:/data', TEST_IMAGE, 'true'], env),
  });
  const startLocal = median(starts.local!);
  const startQuota = median(starts.quota!);
  console.log(
    `\ndocker run --rm true, median of ${STARTS}: local ${ms(startLocal)}, stowage quota ${ms(startQuota)}`,
  );

  const quota = rows.find((row) => row.name === 'stowage quota')!;
  const within = (a: number, b: number) => (a >= b * 0.9 ? 'met' : 'MISSED');
  console.log('\ntarget                                        figure                    result');
  console.log(
    `quota write within 10% of local               ${((quota.w / local.w) * 100).toFixed(0)}% of local`.padEnd(
      72,
    ) + within(quota.w, local.w),
  );
  console.log(
    `quota read within 10% of local                ${((quota.r / local.r) * 100).toFixed(0)}% of local`.padEnd(
      72,
    ) + within(quota.r, local.r),
  );
  console.log(
    `start within 100 ms of local                  ${(startQuota - startLocal >= 0 ? '+' : '') + ms(startQuota - startLocal)}`.padEnd(
      72,
    ) + (startQuota - startLocal <= 100 ? 'met' : 'MISSED'),
  );
} finally {
  spawnSync('docker', ['rm', '-f', 'bench-stowage-quota', 'bench-local', 'bench-bind', 'bench-tmpfs'], {
    env,
    stdio: 'ignore',
  });
  spawnSync('docker', ['volume', 'rm', '-f', 'bench-quota', 'bench-start-quota'], { env, stdio: 'ignore' });
  await engine.stop();
  await plugin.cleanup();
}
