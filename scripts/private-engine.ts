/**
 * A private Docker engine for tests, benchmarks and the demo: its own data root, exec root and socket in
 * a temporary folder, so nothing touches the user's engine. Installs Debian's docker.io and busybox-static
 * only when no dockerd is on the machine. Images are built locally with `docker import` (no registry).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  mkdirSync,
  symlinkSync,
  copyFileSync,
  chmodSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const TEST_IMAGE = 'stowage-test/busybox';

export interface PrivateEngine {
  dir: string;
  socket: string;
  /** `unix://…/docker.sock`, for DOCKER_HOST or `--host`. */
  host: string;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin'])) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

function isStaticBusybox(): boolean {
  if (!existsSync('/bin/busybox')) return false;
  // A dynamically linked busybox would not run inside an image that has no libc.
  return spawnSync('ldd', ['/bin/busybox'], { encoding: 'utf8' }).status !== 0;
}

/** Installs dockerd, the docker CLI and a static busybox from Debian when they are missing. */
export function ensureEngineInstalled(): void {
  const missing = !which('dockerd') || !which('docker') || !isStaticBusybox();
  if (!missing) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      'a Docker engine is needed for this: install it with `sudo apt-get install -y docker.io busybox-static`',
    );
  }
  console.error('private engine: installing docker.io and busybox-static from Debian…');
  const apt = (args: string[]) =>
    execFileSync('apt-get', args, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  apt(['update']);
  apt(['install', '-y', '--no-install-recommends', 'docker.io', 'busybox-static']);
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export interface PrivateEngineOptions {
  dir?: string;
  /** More dockerd flags, e.g. a TLS listener (`-H tcp://… --tlsverify …`). */
  extraArgs?: string[];
}

/** Starts a dockerd of our own and waits until it answers on its socket. */
export async function startPrivateEngine(options: PrivateEngineOptions = {}): Promise<PrivateEngine> {
  ensureEngineInstalled();
  // Short path: a unix socket path must stay under 108 bytes.
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'stwg-'));
  mkdirSync(dir, { recursive: true });
  const socket = join(dir, 'docker.sock');
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  const child = spawn(
    which('dockerd')!,
    [
      '--data-root',
      join(dir, 'root'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'pid'),
      '-H',
      `unix://${socket}`,
      '--iptables=false',
      '--bridge=none',
      ...(options.extraArgs ?? []),
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  child.unref();
  const deadline = Date.now() + 60_000;
  while (!(await ping(socket))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const tail = readFileSync(join(dir, 'dockerd.log'), 'utf8').split('\n').slice(-15).join('\n');
      throw new Error(`private engine did not start (see ${dir}/dockerd.log):\n${tail}`);
    }
    await sleep(100);
  }
  const host = `unix://${socket}`;
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: host };
  delete env.DOCKER_CONTEXT;
  return { dir, socket, host, env, stop: () => stopPrivateEngine(dir) };
}

/** Stops the engine by the pid in its pidfile (never by name) and removes its folder. */
export async function stopPrivateEngine(dir: string): Promise<void> {
  const pidFile = join(dir, 'pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    if (pid > 0 && alive()) {
      process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + 30_000;
      while (alive() && Date.now() < deadline) await sleep(100);
      if (alive()) process.kill(pid, 'SIGKILL');
    }
  }
  // dockerd unmounts its layers on shutdown; anything still mounted below dir is unmounted lazily first.
  spawnSync('sh', ['-c', `grep -o " ${dir}/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l`], {
    stdio: 'ignore',
  });
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** A busybox image built from the host's static busybox: one symlink per applet, imported, no registry. */
export function buildBusyboxImage(env: NodeJS.ProcessEnv, name = TEST_IMAGE): void {
  const rootfs = mkdtempSync(join(tmpdir(), 'stwg-rootfs-'));
  try {
    mkdirSync(join(rootfs, 'bin'));
    mkdirSync(join(rootfs, 'tmp'));
    chmodSync(join(rootfs, 'tmp'), 0o1777);
    mkdirSync(join(rootfs, 'etc'));
    copyFileSync('/bin/busybox', join(rootfs, 'bin', 'busybox'));
    chmodSync(join(rootfs, 'bin', 'busybox'), 0o755);
    const applets = execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    for (const applet of applets)
      if (applet !== 'busybox') symlinkSync('busybox', join(rootfs, 'bin', applet));
    const tar = spawnSync(
      'sh',
      ['-c', `tar -C "${rootfs}" -c . | docker import -c 'ENV PATH=/bin' - ${name}`],
      {
        env,
        encoding: 'utf8',
      },
    );
    if (tar.status !== 0) throw new Error(`building ${name} failed: ${tar.stderr}`);
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
}
