/**
 * A user's mistakes, as the CLI answers them on a real engine: one clear message naming what was wrong, a
 * hint, the documented exit code, never a stack trace, and nothing left behind. Also Ctrl-C (exit 130,
 * cleaned up) and what reaches the terminal (escaped, plural, fitted to 120 columns).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import {
  docker,
  dockerOk,
  engineAvailable,
  fillVolume,
  SKIP_REASON,
  TestSession,
  type Result,
} from './support/engine.ts';

const root = join(import.meta.dirname, '..');

/** The CLI with a guard: before the fix these commands spun forever; a hang must fail the test, not stall it. */
function stowageGuarded(s: TestSession, args: string[]): Result {
  const result = spawnSync(
    process.execPath,
    [join(root, 'src/cli/bin.ts'), '--data-dir', s.dataDir, ...args],
    {
      encoding: 'utf8',
      timeout: 120_000,
      killSignal: 'SIGKILL',
    },
  );
  assert.equal(result.signal, null, `stowage ${args.join(' ')} did not end: ${result.stderr}`);
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** No Node stack, no "unexpected error": what a user's mistake must never show. */
function assertNoStack(result: Result): void {
  assert.doesNotMatch(result.stderr, /\n\s+at |unexpected error|this is a bug/, result.stderr);
}

describe('a user mistake gets a message, not a stack', { skip: !engineAvailable() && SKIP_REASON }, () => {
  const s = new TestSession();
  const volume = `err-data-${s.id}`;
  before(() => {
    s.volume(volume);
    dockerOk('run', '--rm', '-v', `${volume}:/v`, 'stowage-test/busybox', 'sh', '-c', 'echo hi > /v/one.txt');
  });
  after(() => s.cleanup());

  test('backup --to a file: exit 2, the file is named, no archive and no catalog entry', () => {
    const file = join(s.dataDir, 'not-a-folder');
    writeFileSync(file, 'x');
    for (const to of [file, join(file, 'sub')]) {
      const result = s.stowage(['backup', volume, '--to', to]);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`^stowage: .*${file} is a file, not a folder\\n {2}hint: `));
      assertNoStack(result);
    }
    assert.deepEqual(s.json<unknown[]>(['backups']), []);
  });

  test('backup --to a folder under /proc fails at once (no endless loop), naming the folder', () => {
    const result = stowageGuarded(s, ['backup', volume, '--to', '/proc/nope/backups']);
    assert.equal(result.status, 1, result.stderr);
    assert.match(
      result.stderr,
      /^stowage: cannot create the folder \/proc\/nope: \/proc does not take new folders\n {2}hint: /,
    );
    assertNoStack(result);
  });

  test('a data folder under /proc fails at once too', () => {
    const result = stowageGuarded(s, ['--data-dir', '/proc/nope', 'backup', volume]);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /cannot create the folder \/proc\/nope/);
    assertNoStack(result);
  });

  test('backups --scan a folder that does not exist: not found, exit 3', () => {
    const missing = join(s.dataDir, 'no-such-folder');
    const result = s.stowage(['backups', '--scan', missing]);
    assert.equal(result.status, 3, result.stderr);
    assert.match(result.stderr, new RegExp(`^stowage: folder ${missing} does not exist\\n`));
    assertNoStack(result);
  });

  test('a folder given as an archive is called a folder, not "does not exist"', () => {
    const folder = join(s.dataDir, 'a-folder');
    mkdirSync(folder);
    for (const command of [
      ['restore', folder, '--to', `restored-${s.id}`],
      ['verify', folder],
      ['ls-archive', folder],
    ]) {
      const result = s.stowage(command);
      assert.equal(result.status, 2, `${command[0]}: ${result.stderr}`);
      assert.match(result.stderr, /is a folder, not an archive file/, command[0]);
      assert.doesNotMatch(result.stderr, /does not exist/);
      assertNoStack(result);
    }
    assert.equal(docker('volume', 'inspect', `restored-${s.id}`).status, 1, 'no volume was created');
  });

  test("every command refuses a volume name outside Docker's rule before the engine sees it (exit 2)", () => {
    const before = dockerOk('volume', 'ls', '-q');
    const attempts: string[][] = [
      ['inspect', '..'],
      ['rm', '../../etc'],
      ['protect', '..'],
      ['unprotect', 'a/b'],
      ['backup', '../x'],
      ['history', '.'],
      ['clone', volume, '../x'],
      ['clone', '..', 'fine-name'],
      ['rename', volume, 'x/y'],
      ['transfer', '..', '--to-host', 'tcp://127.0.0.1:9'],
      ['transfer', volume, '--to-host', 'tcp://127.0.0.1:9', '--name', '../x'],
      ['restore', join(s.dataDir, 'x.tar.zst'), '--to', '..'],
      ['backups', '../x'],
      ['forget', '..', '--keep', 'last:1'],
      ['runs', '--volume', '..'],
    ];
    for (const args of attempts) {
      const result = s.stowage(args);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /volume name ".*": /, args.join(' '));
      assert.match(result.stderr, /hint: volume names are two or more letters/);
      assertNoStack(result);
    }
    // create says it in the words of `docker volume create`.
    for (const [name, message] of [
      [
        '/etc/passwd',
        /^stowage: create \/etc\/passwd: "\/etc\/passwd" includes invalid characters for a local volume name/,
      ],
      ['x', /^stowage: create x: volume name is too short/],
    ] as const) {
      const result = s.stowage(['create', name]);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, message);
      assertNoStack(result);
    }
    assert.equal(dockerOk('volume', 'ls', '-q'), before, 'the engine saw nothing');
  });

  test('a volume name read from a manifest is checked too: restore without --to refuses "../../etc"', () => {
    const target = join(s.dataDir, 'manifest-names');
    const made = s.json<{ backups: { archive: string; manifest: string }[] }>([
      'backup',
      volume,
      '--to',
      target,
    ]);
    const { archive, manifest } = made.backups[0]!;
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { volume: { name: string } };
    for (const name of ['../../etc', '..', '/etc/passwd']) {
      parsed.volume.name = name;
      writeFileSync(manifest, JSON.stringify(parsed));
      const before = dockerOk('volume', 'ls', '-q');
      const result = s.stowage(['restore', archive]);
      assert.equal(result.status, 2, `${name}: ${result.stderr}`);
      assert.match(result.stderr, /^stowage: archived volume name ".*": /);
      assertNoStack(result);
      assert.equal(dockerOk('volume', 'ls', '-q'), before, 'the engine saw nothing');
    }
  });

  test('Ctrl-C during a backup cleans up and exits 130', async () => {
    const big = `err-big-${s.id}`;
    s.volume(big);
    // Enough data that the backup is still running when the interrupt arrives.
    dockerOk(
      'run',
      '--rm',
      '-v',
      `${big}:/v`,
      'stowage-test/busybox',
      'sh',
      '-c',
      'for i in 1 2 3 4 5 6 7 8; do head -c 50000000 /dev/urandom > /v/f$i; done',
    );
    const target = join(s.dataDir, 'interrupted');
    const child = spawn(
      process.execPath,
      [join(root, 'src/cli/bin.ts'), '--data-dir', s.dataDir, 'backup', big, '--to', target],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    // Wait until the archive is being written, then press Ctrl-C.
    const pending = () =>
      existsSync(join(target, big)) && readdirSync(join(target, big)).some((f) => f.includes('.pending-'));
    while (!pending() && child.exitCode === null) await sleep(50);
    assert.equal(child.exitCode, null, `the backup ended before it could be interrupted: ${stderr}`);
    child.kill('SIGINT');
    assert.equal(await exited, 130, stderr);
    assert.match(stderr, /stowage: interrupted by SIGINT; cleaned up/);
    assertNoStack({ status: 130, stdout: '', stderr });
    assert.deepEqual(
      readdirSync(join(target, big)).filter((f) => f.includes('.pending-')),
      [],
      'no partial archive',
    );
    assert.equal(dockerOk('ps', '-aq', '--filter', 'label=stowage.helper'), '', 'no helper container left');
    assert.deepEqual(s.json<unknown[]>(['backups', big]), []);
  });

  test('Ctrl-C during a restore ends the upload, removes the volume it created and exits 130', async () => {
    const big = `err-restore-src-${s.id}`;
    const copy = `err-restore-copy-${s.id}`;
    s.volume(big);
    // Enough data that the restore is still uploading when the interrupt arrives.
    fillVolume(big, 'for i in 1 2 3 4 5 6 7 8; do head -c 50000000 /dev/urandom > /d/f$i; done');
    const archive = s.json<{ backups: { archive: string }[] }>([
      'backup',
      big,
      '--to',
      join(s.dataDir, 'src'),
    ]).backups[0]!.archive;
    const child = spawn(
      process.execPath,
      [join(root, 'src/cli/bin.ts'), '--data-dir', s.dataDir, 'restore', archive, '--to', copy],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    // The volume is created once the whole archive was checked, just before the upload: press Ctrl-C then.
    while (docker('volume', 'inspect', copy).status !== 0 && child.exitCode === null) await sleep(20);
    assert.equal(child.exitCode, null, `the restore ended before it could be interrupted: ${stderr}`);
    child.kill('SIGINT');
    assert.equal(await exited, 130, stderr);
    assert.match(stderr, /stowage: interrupted by SIGINT; cleaned up/);
    assertNoStack({ status: 130, stdout: '', stderr });
    assert.notEqual(docker('volume', 'inspect', copy).status, 0, 'the volume the restore created is gone');
    assert.equal(dockerOk('ps', '-aq', '--filter', 'label=stowage.helper'), '', 'no helper container left');
  });
});

describe('what reaches the terminal', { skip: !engineAvailable() && SKIP_REASON }, () => {
  const s = new TestSession();
  after(() => s.cleanup());

  test('control characters in a label are escaped in tables and messages, kept exact in --json', () => {
    const project = 'shop\x1b]0;owned\x07\x1b[2J';
    const name = `esc-${s.id}`;
    s.volume(
      name,
      '--label',
      `com.docker.compose.project=${project}`,
      '--label',
      'note=line one\nforged line',
    );
    const ls = s.stowage(['ls', '--no-size', '-f', `name=${name}`]);
    assert.equal(ls.status, 0, ls.stderr);
    assert.ok(!ls.stdout.includes('\x1b') && !ls.stdout.includes('\x07'), ls.stdout);
    assert.match(ls.stdout, /shop\\x1b\]0;owned\\x07\\x1b\[2J/);
    const inspect = s.stowage(['inspect', name]);
    assert.ok(!inspect.stdout.includes('\x1b'), inspect.stdout);
    assert.match(inspect.stdout, /note=line one\\x0aforged line/);
    assert.doesNotMatch(inspect.stdout, /^forged line/m);
    const json = s.json<{ labels: Record<string, string> }[]>(['inspect', name]);
    assert.equal(json[0]!.labels['com.docker.compose.project'], project);
  });

  test('backup and backups tables fit 120 columns with long names and paths; --no-trunc shows them whole', () => {
    const name = `myproject-with-a-long-name_postgres-data-volume-${s.id}`;
    s.volume(name);
    const folder = join(s.dataDir, 'a-rather-long-folder-name-for-the-backups-of-staging', 'nightly');
    const env = { COLUMNS: '' };
    const made = s.stowage(['backup', name, '--to', folder], env);
    assert.equal(made.status, 0, made.stderr);
    const listed = s.stowage(['backups'], env);
    for (const [what, text] of [
      ['backup', made.stdout],
      ['backups', listed.stdout],
    ] as const) {
      for (const line of text.trimEnd().split('\n'))
        assert.ok([...line].length <= 120, `${what}: ${[...line].length} columns: ${line}`);
    }
    assert.match(made.stdout, /…[^\s]*\.tar\.zst$/m, 'the archive path keeps its end');
    const full = s.stowage(['backup', name, '--to', folder, '--no-trunc'], env);
    assert.ok(full.stdout.includes(join(folder, name)), full.stdout);
  });

  test('one file is "1 file"', () => {
    const source = `one-file-${s.id}`;
    s.volume(source);
    dockerOk(
      'run',
      '--rm',
      '-v',
      `${source}:/v`,
      'stowage-test/busybox',
      'sh',
      '-c',
      'echo hi > /v/only.txt',
    );
    const clone = s.stowage(['clone', source, `one-file-copy-${s.id}`]);
    try {
      assert.equal(clone.status, 0, clone.stderr);
      assert.match(clone.stdout, /: 1 file, /);
      assert.doesNotMatch(clone.stdout, /1 files/);
    } finally {
      docker('volume', 'rm', '-f', `one-file-copy-${s.id}`);
    }
  });
});
