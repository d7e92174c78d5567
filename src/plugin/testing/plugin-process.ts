/**
 * For tests: `stowage plugin serve` from the sources as a child process, with a driver name of its own
 * (engines discover plugins host-wide, and other test runs share the host), restartable, and a clean-up
 * that unmounts everything below its folder and removes its socket and spec file even after a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const repo = join(import.meta.dirname, '..', '..', '..');

export class PluginProcess {
  readonly driver = `stowage-t${randomBytes(4).toString('hex')}`;
  readonly dir = mkdtempSync(join(tmpdir(), 'stwg-plugin-'));
  readonly root = join(this.dir, 'root');
  readonly socket: string;
  /** Stowage's data folder the plugin reads last backups from (a test session's, to see them). */
  dataDir = join(this.dir, 'data');
  /** Everything it wrote to stderr so far, across restarts. */
  log = '';
  #child: ChildProcess | undefined;

  /** `socketDir` outside /run/docker/plugins makes the plugin announce itself with a spec file. */
  constructor(socketDir = '/run/docker/plugins') {
    this.socket = join(socketDir === 'own' ? this.dir : socketDir, `${this.driver}.sock`);
  }

  async start(): Promise<void> {
    const child = spawn(
      process.execPath,
      [
        join(repo, 'src/cli/bin.ts'),
        '--data-dir',
        this.dataDir,
        'plugin',
        'serve',
        '--socket',
        this.socket,
        '--root',
        this.root,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    this.#child = child;
    const seen = this.log.split('listening on').length;
    const deadline = Date.now() + 30_000;
    while (this.log.split('listening on').length === seen) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`stowage plugin did not start:\n${this.log}`);
      await sleep(50);
    }
  }

  /** SIGTERM to its pid only, as systemd would stop it; waits for the exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }

  async cleanup(): Promise<void> {
    await this.stop();
    spawnSync('sh', ['-c', `grep -o " ${this.dir}/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l`]);
    rmSync(this.socket, { force: true });
    rmSync(`/etc/docker/plugins/${this.driver}.spec`, { force: true });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
