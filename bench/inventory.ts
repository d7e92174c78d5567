/**
 * bench/inventory: 1,000 volumes (some in use, some with data) on a private engine; medians of interleaved
 * end-to-end runs of `stowage ls --no-size` vs `docker volume ls` and `stowage ls` vs `docker system df -v`,
 * plus Stowage's in-process listing time. Target: both end-to-end ratios ≤ 1.5.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mapLimited } from '../src/core/concurrency.ts';
import { connectEngine } from '../src/engine/docker-engine.ts';
import { InventoryService } from '../src/inventory/inventory-service.ts';
import { parseVolumeQuery } from '../src/inventory/volume-query.ts';
import { buildBusyboxImage, startPrivateEngine, TEST_IMAGE } from '../scripts/private-engine.ts';
import { interleave, median, ms, timeCommand } from './support.ts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const { values: flags } = parseArgs({
  options: { volumes: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '15' } },
});
const VOLUMES = Number(flags.volumes);
const ROUNDS = Number(flags.rounds);
const root = join(import.meta.dirname, '..');

const engine = await startPrivateEngine();
try {
  buildBusyboxImage(engine.env);
  const client = connectEngine({ host: engine.host });
  console.log(`creating ${VOLUMES} volumes…`);
  const names = Array.from({ length: VOLUMES }, (_, i) => `bench-${String(i).padStart(4, '0')}`);
  await mapLimited(names, 16, (name) => client.volumes.create({ name, labels: { bench: 'inventory' } }));
  // 100 volumes get data, 40 are mounted by 10 running containers.
  const docker = (...args: string[]) => {
    const result = spawnSync('docker', args, { env: engine.env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(result.stderr);
  };
  for (let batch = 0; batch < 10; batch++) {
    const vols = names.slice(batch * 10, batch * 10 + 10);
    docker(
      'run',
      '--rm',
      ...vols.flatMap((v) => ['-v', `${v}:/${v}`]),
      TEST_IMAGE,
      'sh',
      '-c',
      vols.map((v) => `for i in 1 2 3 4 5; do head -c 20000 /dev/urandom > /${v}/f$i; done`).join('; '),
    );
  }
  for (let c = 0; c < 10; c++) {
    const vols = names.slice(500 + c * 4, 500 + c * 4 + 4);
    docker('run', '-d', ...vols.flatMap((v) => ['-v', `${v}:/${v}`]), TEST_IMAGE, 'sleep', '3600');
  }

  const dataDir = mkdtempSync(join(tmpdir(), 'stowage-bench-'));
  const stowage =
    (...args: string[]) =>
    () =>
      timeCommand(
        process.execPath,
        [join(root, 'bin/stowage.cjs'), '--data-dir', dataDir, ...args],
        engine.env,
      );
  const dockerCli =
    (...args: string[]) =>
    () =>
      timeCommand('docker', args, engine.env);
  // Warm-up: page cache, compile cache, the engine's own caches.
  for (const run of [
    stowage('ls', '--no-size'),
    stowage('ls'),
    dockerCli('volume', 'ls'),
    dockerCli('system', 'df', '-v'),
  ])
    run();

  const listing = interleave(ROUNDS, {
    stowage: stowage('ls', '--no-size'),
    docker: dockerCli('volume', 'ls'),
  });
  const sized = interleave(ROUNDS, { stowage: stowage('ls'), docker: dockerCli('system', 'df', '-v') });

  const inventory = new InventoryService(client, { protectedNames: () => Promise.resolve(new Set()) });
  const inProcess = async (sizes: boolean) => {
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const start = performance.now();
      await inventory.list(parseVolumeQuery({ sizes }));
      times.push(performance.now() - start);
    }
    return median(times);
  };
  const inProcessNoSize = await inProcess(false);
  const inProcessSized = await inProcess(true);

  const report = (title: string, samples: Record<string, number[]>, baseline: string) => {
    const ours = median(samples.stowage!);
    const theirs = median(samples.docker!);
    console.log(
      `${title}: stowage ${ms(ours)}  vs  ${baseline} ${ms(theirs)}  → ratio ${(ours / theirs).toFixed(2)} (target ≤ 1.5)`,
    );
  };
  console.log(`\n${VOLUMES} volumes, medians of ${ROUNDS} interleaved runs, end to end:`);
  report('ls --no-size', listing, 'docker volume ls');
  report('ls (with sizes)', sized, 'docker system df -v');
  console.log(`in-process listing: ${ms(inProcessNoSize)} without sizes, ${ms(inProcessSized)} with sizes`);
  client.close();
} finally {
  await engine.stop();
}
