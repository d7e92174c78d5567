/**
 * `npm run demo`: the seeds' situations on a private engine (or on yours with `--host URL`), then what
 * Stowage sees: `stowage ls`, `stowage mounts`, `mounts --shared`, `inspect` of an anonymous volume and
 * the prune plan. Everything it creates carries the label stowage.demo=true and is removed at the end
 * (`--keep` leaves the engine running so you can try commands yourself).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildBusyboxImage, startPrivateEngine, type PrivateEngine } from './private-engine.ts';

const { values: flags } = parseArgs({ options: { host: { type: 'string' }, keep: { type: 'boolean' } } });
const root = join(import.meta.dirname, '..');
const IMAGE = 'stowage-demo/busybox';
const LABEL = 'stowage.demo=true';

let engine: PrivateEngine | undefined;
let env: NodeJS.ProcessEnv;
if (flags.host) {
  env = { ...process.env, DOCKER_HOST: flags.host };
  console.log(`Using your engine at ${flags.host}; the demo's containers and volumes are labelled ${LABEL}.`);
} else {
  console.log('Starting a private Docker engine (your own engine is not touched)…');
  engine = await startPrivateEngine();
  env = engine.env;
}
const dataDir = mkdtempSync(join(tmpdir(), 'stowage-demo-data-'));
const bindSource = mkdtempSync(join(tmpdir(), 'stowage-demo-app-'));

function docker(...args: string[]): string {
  const result = spawnSync('docker', args, { env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`docker ${args.join(' ')}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

function firstVolume(container: string): string {
  return (JSON.parse(docker('inspect', container)) as { Mounts: { Name: string }[] }[])[0]!.Mounts[0]!.Name;
}

function stowage(...args: string[]): void {
  console.log(`\n$ stowage ${args.join(' ')}`);
  spawnSync(process.execPath, [join(root, 'bin/stowage.cjs'), '--data-dir', dataDir, ...args], {
    env,
    stdio: 'inherit',
  });
}

function cleanup(): void {
  const containers = docker('ps', '-aq', '--filter', `label=${LABEL}`).split('\n').filter(Boolean);
  if (containers.length) docker('rm', '-f', '-v', ...containers);
  const volumes = docker('volume', 'ls', '-q', '--filter', `label=${LABEL}`).split('\n').filter(Boolean);
  if (volumes.length) docker('volume', 'rm', '-f', ...volumes);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(bindSource, { recursive: true, force: true });
}

try {
  if (!docker('images', '-q', IMAGE)) buildBusyboxImage(env, IMAGE);
  const run = (name: string, ...args: string[]) =>
    docker('run', '-d', '--name', name, '--label', LABEL, ...args);
  console.log(
    'Recreating the course labs: a sidecar pair, a database volume, anonymous volumes, a bind mount, tmpfs, orphans…',
  );
  // The sidecar lab: app-server writes logs, log-shipper reads them read-only.
  docker('volume', 'create', '--label', LABEL, 'shared-logs');
  run(
    'app-server',
    '-v',
    'shared-logs:/var/log/app',
    IMAGE,
    'sh',
    '-c',
    'while true; do echo "$(date) : User logged in" >> /var/log/app/access.log; sleep 2; done',
  );
  run('log-shipper', '-v', 'shared-logs:/logs:ro', IMAGE, 'tail', '-F', '/logs/access.log');
  // A database-like named volume with some data.
  docker('volume', 'create', '--label', LABEL, '--label', 'com.docker.compose.project=shop', 'pg-data');
  run(
    'db',
    '-v',
    'pg-data:/var/lib/postgresql/data',
    '--tmpfs',
    '/tmp:size=64m',
    IMAGE,
    'sh',
    '-c',
    'for t in users orders items; do head -c 2000000 /dev/urandom > /var/lib/postgresql/data/$t.dat; done; sleep 3600',
  );
  // docker run -v /var/lib/postgresql/data postgres: an anonymous volume.
  run('postgres-test', '-v', '/var/lib/postgresql/data', IMAGE, 'sleep', '3600');
  // A bind mount of a host folder, as in `-v /home/user/flask-app:/app`.
  writeFileSync(join(bindSource, 'app.py'), 'print("hello")\n');
  run('flask-app', '-v', `${bindSource}:/app:ro`, IMAGE, 'sleep', '3600');
  // Orphans: a forgotten named volume and anonymous volumes of containers removed without -v.
  docker('volume', 'create', '--label', LABEL, 'old-cache');
  for (const name of ['ci-job-1', 'ci-job-2']) {
    docker('create', '--name', name, '--label', LABEL, '-v', '/build', IMAGE, 'true');
    const volume = firstVolume(name);
    docker(
      'run',
      '--rm',
      '-v',
      `${volume}:/build`,
      IMAGE,
      'sh',
      '-c',
      'head -c 3000000 /dev/urandom > /build/artifact.bin',
    );
    docker('rm', name);
  }
  spawnSync('sleep', ['1']);

  stowage('ls');
  stowage('mounts');
  stowage('mounts', '--shared');
  const anonymous = firstVolume('postgres-test');
  stowage('inspect', anonymous);
  stowage('prune');
  if (flags.keep && engine) {
    console.log(
      `\nThe private engine keeps running. Try:\n  export DOCKER_HOST=${engine.host}\n  node bin/stowage.cjs --data-dir ${dataDir} ls\nPress Ctrl-C to stop it.`,
    );
    await new Promise((resolve) => process.once('SIGINT', resolve));
  }
} finally {
  if (!engine) cleanup();
  else {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(bindSource, { recursive: true, force: true });
    await engine.stop();
    console.log('\nPrivate engine stopped.');
  }
}
