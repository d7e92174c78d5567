/**
 * The single executable (`dist/stowage-linux-x64`, built by `npm run build`) as a user without Node 24 runs
 * it: PATH holds only the system's folders, whose `node` (if any) is too old for Stowage. The CLI smoke tests
 * of a first use — version, help, a usage error, ls, a backup, a verify, a restore read back through a
 * container, and the daemon serving its API and the embedded dashboard — all go through the executable.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerOk, engineAvailable, fillVolume, IMAGE, SKIP_REASON, TestSession } from './support/engine.ts';
import { freePort, waitFor } from './support/loopback.ts';

const root = join(import.meta.dirname, '..');
const executable = join(root, 'dist', 'stowage-linux-x64');
const SYSTEM_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

describe('the single executable', { skip: !engineAvailable() && SKIP_REASON, timeout: 300_000 }, () => {
  const s = new TestSession();
  const home = mkdtempSync(join(tmpdir(), 'stowage-sea-home-'));
  const folder = mkdtempSync(join(tmpdir(), 'stowage-sea-backups-'));
  // Only what a machine without Node 24 has: the engine's address, a home, the system's PATH.
  const env = { PATH: SYSTEM_PATH, HOME: home, DOCKER_HOST: process.env.DOCKER_HOST! };
  const run = (...args: string[]) => {
    const result = spawnSync(executable, ['--data-dir', s.dataDir, ...args], { encoding: 'utf8', env });
    return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
  };
  const source = `sea-src-${s.id}`;

  before(() => {
    assert.ok(existsSync(executable), `${executable} is missing: run \`npm run build\` first`);
    s.volume(source);
    fillVolume(source, 'echo hello > /d/greeting && mkdir /d/sub && echo x > /d/sub/f');
  });
  after(() => {
    s.cleanup();
    rmSync(home, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
  });

  test('the PATH it runs with has no Node that could run Stowage', () => {
    const node = spawnSync('node', ['--version'], { encoding: 'utf8', env });
    if (node.error) return; // no node at all: even better
    const [major, minor] = node.stdout.trim().slice(1).split('.').map(Number) as [number, number];
    assert.ok(
      major < 22 || (major === 22 && minor < 15),
      `system node ${node.stdout.trim()} is too new to prove anything`,
    );
  });

  test('--version, --help and a usage error', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    assert.equal(run('--version').stdout.trim(), pkg.version);
    const help = run('--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: stowage/);
    const bad = run('ls', '--no-such-flag');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown option '--no-such-flag'/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
  });

  test('ls lists the volume as `docker volume ls` does', () => {
    const result = run('ls', '--json');
    assert.equal(result.status, 0, result.stderr);
    const names = (JSON.parse(result.stdout) as { name: string }[]).map((v) => v.name);
    assert.ok(names.includes(source));
    assert.deepEqual(names.sort(), dockerOk('volume', 'ls', '-q').split('\n').filter(Boolean).sort());
  });

  test('backup, verify and restore; the restored files are read back through a container', () => {
    const backup = run('backup', source, '--to', folder, '--json');
    assert.equal(backup.status, 0, backup.stderr);
    const { archive } = (JSON.parse(backup.stdout) as { backups: { archive: string }[] }).backups[0]!;
    const verify = run('verify', archive);
    assert.equal(verify.status, 0, verify.stderr);
    const restored = run('restore', archive, '--to', `sea-copy-${s.id}`);
    assert.equal(restored.status, 0, restored.stderr);
    const read = dockerOk(
      'run',
      '--rm',
      '-v',
      `sea-copy-${s.id}:/d`,
      IMAGE,
      'cat',
      '/d/greeting',
      '/d/sub/f',
    );
    assert.equal(read, 'hello\nx');
    dockerOk('volume', 'rm', `sea-copy-${s.id}`);
  });

  test('the daemon serves the API and the dashboard embedded in the executable', async () => {
    const port = await freePort();
    const daemon = spawn(executable, ['--data-dir', s.dataDir, 'daemon', '--listen', `127.0.0.1:${port}`], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    daemon.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    try {
      await waitFor(
        'the daemon',
        () => log.includes('listening on'),
        () => daemon.exitCode !== null,
        () => log,
      );
      const token = run('token').stdout.trim();
      const page = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(page.status, 200);
      // The built page (its scripts under /assets/), from the executable: not the sources' web/index.html.
      assert.match(await page.text(), /<script type="module" crossorigin src="\/assets\//);
      const engine = await fetch(`http://127.0.0.1:${port}/api/engine`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(engine.status, 200, log);
      assert.ok(((await engine.json()) as { serverVersion: string }).serverVersion);
    } finally {
      daemon.kill('SIGTERM');
      await new Promise((resolve) => daemon.once('exit', resolve));
    }
  });
});
