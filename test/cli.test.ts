/** The `stowage` program as a user meets it first: the bin, help, version, usage errors. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin/stowage.cjs');
const run = (node: string, ...args: string[]) =>
  spawnSync(node, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' },
  });

describe('the stowage bin', () => {
  test(
    'on a Node older than 22.15 it says what it needs instead of crashing',
    { skip: !existsSync('/usr/bin/node') && 'no system Node to try' },
    (t) => {
      const version = spawnSync('/usr/bin/node', ['--version'], { encoding: 'utf8' }).stdout.trim();
      const [major, minor] = version.slice(1).split('.').map(Number) as [number, number];
      if (major > 22 || (major === 22 && minor >= 15))
        return t.skip(`the system Node (${version}) is new enough`);
      const result = run('/usr/bin/node', 'ls');
      assert.equal(result.status, 1);
      assert.match(
        result.stderr,
        new RegExp(`^stowage: Node.js ${version.slice(1)} is too old; Stowage needs Node.js 22.15 or newer`),
      );
      assert.match(result.stderr, /hint: install Node 24/);
    },
  );

  test('--version prints the package version', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const result = run(process.execPath, '--version');
    assert.equal(result.status, 0);
    assert.equal(result.stdout.trim(), pkg.version);
  });

  test('--help lists every command', () => {
    const result = run(process.execPath, '--help');
    assert.equal(result.status, 0);
    for (const command of [
      'ls',
      'inspect',
      'mounts',
      'create',
      'rm',
      'prune',
      'protect',
      'backup',
      'restore',
      'verify',
      'backups',
      'clone',
      'rename',
      'transfer',
      'mount-spec',
    ]) {
      assert.match(result.stdout, new RegExp(`^  ${command}\\b`, 'm'), command);
    }
  });

  test('an unknown command or option is a usage error (exit 2)', () => {
    const unknown = run(process.execPath, 'frobnicate');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
    const option = run(process.execPath, 'ls', '--colour');
    assert.equal(option.status, 2);
    assert.match(option.stderr, /unknown option '--colour'/);
  });

  test('a broken config file lists every problem, exit 2', () => {
    const dir = spawnSync('mktemp', ['-d'], { encoding: 'utf8' }).stdout.trim();
    spawnSync('sh', [
      '-c',
      `printf 'engine:\\n  hots: x\\ninventory:\\n  sizeConcurrency: 0\\n' > ${dir}/config.yaml`,
    ]);
    const result = run(process.execPath, '--data-dir', dir, 'ls');
    assert.equal(result.status, 2);
    assert.match(
      result.stderr,
      /invalid config \(2 problems\):\n {2}.*config\.yaml:2: engine\.hots: unknown key\n {2}.*config\.yaml:4: inventory\.sizeConcurrency: Too small/,
    );
  });

  test('plugin serve on a socket folder that cannot exist fails at once, naming it, creating nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stowage-cli-'));
    const dataDir = join(dir, 'data');
    try {
      for (const [socket, message] of [
        [
          '/proc/nope/x.sock',
          /^stowage: cannot create the folder \/proc\/nope: \/proc does not take new folders\n {2}hint: /,
        ],
        [join(bin, 'x.sock'), /is a file, not a folder\n {2}hint: /],
      ] as const) {
        // Before, Node's recursive mkdir spun here forever: a hang must fail the test, not stall it.
        const result = spawnSync(
          process.execPath,
          [bin, '--data-dir', dataDir, 'plugin', 'serve', '--socket', socket],
          {
            encoding: 'utf8',
            timeout: 60_000,
            killSignal: 'SIGKILL',
          },
        );
        assert.equal(result.signal, null, `plugin serve --socket ${socket} did not end`);
        assert.notEqual(result.status, 0);
        assert.match(result.stderr, message);
        assert.doesNotMatch(result.stderr, /\n\s+at |unexpected error/);
      }
      assert.equal(existsSync(dataDir), false, 'nothing was created');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('daemon, token and daemon install on a data folder under /proc fail at once, naming it', () => {
    for (const args of [['daemon'], ['token', '--rotate'], ['daemon', 'install', '--unit-dir', tmpdir()]]) {
      const result = spawnSync(process.execPath, [bin, '--data-dir', '/proc/nope/data', ...args], {
        encoding: 'utf8',
        timeout: 60_000,
        killSignal: 'SIGKILL',
        env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' },
      });
      assert.equal(result.signal, null, `${args.join(' ')} did not end`);
      assert.equal(result.status, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /cannot create the folder \/proc\/nope: \/proc does not take new folders/);
      assert.doesNotMatch(result.stderr, /\n\s+at |unexpected error/);
    }
  });

  test("a volume name outside Docker's rule is refused before any engine is looked for (exit 2)", () => {
    // DOCKER_HOST points nowhere: without the check while parsing, these would be "no engine" (exit 5).
    for (const args of [
      ['inspect', '..'],
      ['rm', '/etc/passwd'],
      ['backup', '../x'],
    ]) {
      const result = run(process.execPath, ...args);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^stowage: volume name ".*": .*\n {2}hint: volume names are/);
    }
  });

  test('what the user typed is escaped when a usage error quotes it', () => {
    const result = run(process.execPath, 'ls', '--\x1b]0;owned\x07');
    assert.equal(result.status, 2);
    assert.ok(!result.stderr.includes('\x1b'), result.stderr);
    assert.match(result.stderr, /unknown option '--\\x1b\]0;owned\\x07'/);
  });

  test('a config file that is a folder is named, exit 2, no stack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stowage-cli-'));
    try {
      mkdirSync(join(dir, 'config.yaml'));
      const result = run(process.execPath, '--data-dir', dir, 'ls');
      assert.equal(result.status, 2, result.stderr);
      assert.match(
        result.stderr,
        /^stowage: cannot read the config file .*config\.yaml: .*config\.yaml is a folder, not a file\n/,
      );
      assert.doesNotMatch(result.stderr, /\n\s+at |unexpected error/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('plugin ls and --help create nothing on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stowage-cli-'));
    try {
      for (const args of [['plugin', 'ls'], ['--help'], ['backup', '--help']]) {
        const result = run(process.execPath, '--data-dir', join(dir, 'data'), ...args);
        assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`);
        assert.deepEqual(readdirSync(dir), [], `${args.join(' ')} created something`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
