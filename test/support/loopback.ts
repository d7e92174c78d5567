/**
 * What tests that start their own servers share: free loopback ports, waiting for readiness, stopping a
 * process by its pid (never by name), and installing a missing tool from Debian.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Polls `ready` until it holds. Fails with `describe()` (a log tail, say) when `gaveUp()` says the
 * process died or the deadline passes.
 */
export async function waitFor(
  what: string,
  ready: () => boolean | Promise<boolean>,
  gaveUp: () => boolean,
  describe: () => string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (gaveUp() || Date.now() > deadline) throw new Error(`${what} did not start:\n${describe()}`);
    await sleep(100);
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; a pid that is already gone is fine. */
export async function stopPid(pid: number | undefined, graceMs = 10_000): Promise<void> {
  if (!pid || pid <= 0 || !alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(50);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

export function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '')
    .split(':')
    .concat(['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'])) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

/**
 * Installs the Debian packages whose commands are missing (`{ sshd: 'openssh-server' }`). Needs root;
 * without it the test fails with the command to run, it never skips. Services the packages bring are not
 * started: a policy-rc.d that forbids it is put in place for the install when the machine has none.
 */
export function ensureCommands(needed: Record<string, string>): void {
  const packages = [
    ...new Set(
      Object.entries(needed)
        .filter(([command]) => !which(command))
        .map(([, pkg]) => pkg),
    ),
  ];
  if (packages.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `this test needs ${packages.join(', ')}: install with \`sudo apt-get install -y ${packages.join(' ')}\``,
    );
  }
  console.error(`installing ${packages.join(', ')} from Debian…`);
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  if (ownPolicy)
    writeFileSync(policy, '#!/bin/sh\n# put here by a Stowage test while it installs packages\nexit 101\n', {
      mode: 0o755,
    });
  try {
    const apt = (args: string[]) =>
      execFileSync('apt-get', args, {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    try {
      apt(['install', '-y', '--no-install-recommends', ...packages]);
    } catch {
      apt(['update']); // the package lists may be missing or stale
      apt(['install', '-y', '--no-install-recommends', ...packages]);
    }
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
}
