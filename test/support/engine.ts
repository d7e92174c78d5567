/**
 * What integration tests share: the private engine's environment (set by scripts/run-tests.ts), the
 * `docker` and `stowage` commands against it, and clean-up by a per-file session label.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const root = join(import.meta.dirname, '..', '..');

export const IMAGE = process.env.STOWAGE_TEST_IMAGE ?? 'stowage-test/busybox';

/** Integration tests need the private engine; in CI its absence is a failure, never a silent skip. */
export function engineAvailable(): boolean {
  if (process.env.DOCKER_HOST?.startsWith('unix://') && process.env.STOWAGE_TEST_ENGINE_DIR) return true;
  if (process.env.CI) throw new Error('integration tests need the private engine: run them with `npm test`');
  return false;
}

export const SKIP_REASON = 'no private engine: run with `npm test` (scripts/run-tests.ts starts one)';

export interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

export function docker(...args: string[]): Result {
  const result = spawnSync('docker', args, { encoding: 'utf8', env: process.env });
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** `docker …` that must succeed; returns trimmed stdout. */
export function dockerOk(...args: string[]): string {
  const result = docker(...args);
  if (result.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** Runs `script` with `sh -c` in a throwaway container of the test image that mounts `volume` at /d. */
export function fillVolume(volume: string, script: string): string {
  return dockerOk('run', '--rm', '-v', `${volume}:/d`, IMAGE, 'sh', '-c', script);
}

interface InspectedMount {
  Name?: string;
  Source: string;
  Destination: string;
}

/** `docker inspect` of one container: its ID and mounts, typed for tests. */
export function inspectContainer(name: string): { Id: string; Mounts: InspectedMount[] } {
  return (JSON.parse(dockerOk('inspect', name)) as { Id: string; Mounts: InspectedMount[] }[])[0]!;
}

/** The volume a container mounts at `destination`. */
export function volumeAt(container: string, destination: string): string {
  const mount = inspectContainer(container).Mounts.find((m) => m.Destination === destination);
  if (!mount?.Name) throw new Error(`${container} mounts no volume at ${destination}`);
  return mount.Name;
}

/**
 * The CLI from the sources without blocking this process, for tests whose own servers (a webhook receiver, an
 * SMTP server) must answer the CLI meanwhile.
 */
export function stowageIn(dataDir: string, args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'src/cli/bin.ts'), '--data-dir', dataDir, ...args],
      { encoding: 'utf8' },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A call to a daemon's API on loopback with its token: GET without a body, POST with one. */
export function daemonApi(port: number, token: string) {
  return async <T = Record<string, unknown>>(
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
}

/** A test session: a label for everything it creates, a data folder of its own, and clean-up. */
export class TestSession {
  readonly id = randomBytes(4).toString('hex');
  readonly label = `stowage.test-session=${this.id}`;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'stowage-data-'));

  /** Runs the CLI from the sources, as a user would run the bin. */
  stowage(args: string[], env: NodeJS.ProcessEnv = {}): Result {
    const result = spawnSync(
      process.execPath,
      [join(root, 'src/cli/bin.ts'), '--data-dir', this.dataDir, ...args],
      {
        encoding: 'utf8',
        env: { ...process.env, ...env },
      },
    );
    return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
  }

  /** Runs the CLI and parses its JSON output; fails on a non-zero exit. */
  json<T>(args: string[]): T {
    const result = this.stowage([...args, '--json']);
    if (result.status !== 0)
      throw new Error(`stowage ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  }

  volume(name: string, ...flags: string[]): string {
    return dockerOk('volume', 'create', '--label', this.label, ...flags, name);
  }

  /** `docker run -d` (or `create` with detach false) of the test image, labelled for clean-up. */
  container(name: string, flags: string[], command: string[] = ['sleep', '3600'], start = true): string {
    return dockerOk(
      start ? 'run' : 'create',
      ...(start ? ['-d'] : []),
      '--name',
      name,
      '--label',
      this.label,
      ...flags,
      IMAGE,
      ...command,
    );
  }

  /**
   * `stowage daemon` on 127.0.0.1:`port` with this session's data folder, from the sources; resolves once
   * it listens. `log` is everything it has written to stderr so far.
   */
  async daemon(port: number): Promise<{ child: ChildProcess; readonly log: string }> {
    const child = spawn(
      process.execPath,
      [join(root, 'src/cli/bin.ts'), '--data-dir', this.dataDir, 'daemon', '--listen', `127.0.0.1:${port}`],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    for (let i = 0; i < 200 && !log.includes('listening on'); i++) await sleep(100);
    if (!log.includes(`listening on http://127.0.0.1:${port}`))
      throw new Error(`the daemon did not start:\n${log}`);
    return {
      child,
      get log() {
        return log;
      },
    };
  }

  cleanup(): void {
    const containers = dockerOk('ps', '-aq', '--filter', `label=${this.label}`).split('\n').filter(Boolean);
    if (containers.length) dockerOk('rm', '-f', '-v', ...containers);
    const volumes = dockerOk('volume', 'ls', '-q', '--filter', `label=${this.label}`)
      .split('\n')
      .filter(Boolean);
    if (volumes.length) dockerOk('volume', 'rm', '-f', ...volumes);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
