/**
 * Backup, verify, restore, clone, rename and transfer against the private engine, judged as a user would:
 * by reading the restored files back through a container.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  docker,
  dockerOk,
  engineAvailable,
  fillVolume,
  IMAGE,
  SKIP_REASON,
  TestSession,
} from './support/engine.ts';

/**
 * Every entry of a volume as `ls -l`-like lines plus file checksums: what a user would compare. Busybox's
 * own `tar x` sets no times on folders and symlinks; `busyboxTimes` drops those for that comparison.
 */
function snapshot(volume: string, busyboxTimes = false): string[] {
  const script = [
    'cd /d',
    // name | mode | uid | gid | size | mtime | type | links
    `find . -mindepth 1 -exec stat -c '%n|%a|%u|%g|%s|%Y|%F|%h' {} \\;`,
    'find . -type l -exec sh -c \'echo "$0 -> $(readlink "$0")"\' {} \\;',
    'find . -type f -exec md5sum {} \\;',
    "stat -c 'root|%a|%u|%g|%Y' .",
  ].join('; ');
  const lines = dockerOk('run', '--rm', '-v', `${volume}:/d:ro`, IMAGE, 'sh', '-c', script).split('\n');
  const lenient = (line: string) =>
    line
      .replace(/\|\d+\|(directory|symbolic link)\|(\d+)$/, '|-|$1|$2')
      .replace(/^(root\|\d+\|\d+\|\d+)\|\d+$/, '$1|-');
  return (busyboxTimes ? lines.map(lenient) : lines).sort();
}

interface BackupJson {
  backups: {
    id: number;
    volume: string;
    archive: string;
    files: number;
    warnings: string[];
    held: { name: string }[];
  }[];
}

describe(
  'backup and restore on a real engine',
  { skip: !engineAvailable() && SKIP_REASON, timeout: 600_000 },
  () => {
    const s = new TestSession();
    const folder = mkdtempSync(join(tmpdir(), 'stowage-archives-'));
    const source = `tree-${s.id}`;
    let archive = '';
    let id = 0;

    before(() => {
      s.volume(source, '--label', 'tier=gold');
      const longName = `${'d'.repeat(120)}/${'f'.repeat(150)}.txt`;
      const setup = [
        'cd /d',
        'mkdir -p a/b empty "déjà vu/日本"',
        'echo hello > a/b/f.txt',
        'ln a/b/f.txt hard',
        'ln -s a/b/f.txt relative-link',
        'ln -s /etc/passwd absolute-link',
        'head -c 3000000 /dev/urandom > big.bin',
        'chmod 4755 big.bin',
        'chmod 0640 a/b/f.txt',
        'chown 1234:5678 a/b/f.txt',
        'echo bonjour > "déjà vu/日本/ファイル.txt"',
        `mkdir -p ${longName.split('/')[0]} && echo long > ${longName}`,
        'mkfifo pipe',
        'touch -h -d "2020-01-02 03:04:05" a/b/f.txt relative-link',
        'touch -d "2019-05-06 07:08:09" empty a',
        // The volume root's own owner and mode matter too: PostgreSQL refuses a data folder it does not own.
        'chown 100:102 . && chmod 0750 .',
      ].join(' && ');
      fillVolume(source, setup);
    });
    after(() => {
      s.cleanup();
      rmSync(folder, { recursive: true, force: true });
    });

    test('a backup round-trips every kind of entry', () => {
      const result = s.json<BackupJson>(['backup', source, '--to', folder]);
      assert.equal(result.backups.length, 1);
      ({ archive, id } = result.backups[0]!);
      assert.match(archive, new RegExp(`${folder}/${source}/${source}-\\d{8}T\\d{6}Z\\.tar\\.zst$`));
      assert.ok(existsSync(`${archive}.manifest.json`) && existsSync(`${archive}.files.ndjson.gz`));
      const restored = s.stowage(['restore', archive, '--to', `copy-${s.id}`]);
      assert.equal(restored.status, 0, restored.stderr);
      assert.deepEqual(snapshot(`copy-${s.id}`), snapshot(source));
      const [volume] = JSON.parse(dockerOk('volume', 'inspect', `copy-${s.id}`)) as {
        Labels: Record<string, string>;
      }[];
      assert.equal(volume!.Labels.tier, 'gold', 'archived labels are restored');
    });

    test('verify re-reads every checksum and records the result; --restore-test compares a real restore', () => {
      const verified = s.stowage(['verify', String(id), '--restore-test']);
      assert.equal(verified.status, 0, verified.stdout + verified.stderr);
      assert.match(verified.stdout, /OK — 4 files, 15 entries/);
      assert.match(verified.stdout, /restore test: OK/);
      const [record] = s.json<{ id: number; verifyStatus: string }[]>(['backups', source]);
      assert.equal(record!.verifyStatus, 'ok');
      assert.deepEqual(
        dockerOk('volume', 'ls', '-q', '--filter', 'label=stowage.scratch').split('\n').filter(Boolean),
        [],
        'the scratch volume is gone',
      );
    });

    test('a damaged archive fails verification and is refused by restore, naming the problem', () => {
      const damaged = join(folder, 'damaged.tar.zst');
      const bytes = readFileSync(archive);
      const middle = Math.floor(bytes.length / 2);
      bytes[middle] = bytes[middle]! ^ 0xff;
      writeFileSync(damaged, bytes);
      for (const suffix of ['.manifest.json', '.files.ndjson.gz'])
        writeFileSync(damaged + suffix, readFileSync(archive + suffix));
      const verdict = s.stowage(['verify', damaged]);
      assert.equal(verdict.status, 1);
      assert.match(verdict.stdout, /DAMAGED/);
      const refused = s.stowage(['restore', damaged, '--to', `never-${s.id}`]);
      assert.notEqual(refused.status, 0);
      assert.equal(docker('volume', 'inspect', `never-${s.id}`).status, 1, 'nothing was created');
    });

    test("the seeds' tar czf archive restores, and a --gzip archive untars with busybox tar xzf", () => {
      const seedDir = mkdtempSync(join(tmpdir(), 'seed-'));
      dockerOk(
        'run',
        '--rm',
        '-v',
        `${source}:/data:ro`,
        '-v',
        `${seedDir}:/backup`,
        IMAGE,
        'tar',
        'czf',
        '/backup/backup.tar.gz',
        '-C',
        '/data',
        '.',
      );
      const restored = s.stowage(['restore', join(seedDir, 'backup.tar.gz'), '--to', `from-seed-${s.id}`]);
      assert.equal(restored.status, 0, restored.stderr);
      assert.deepEqual(snapshot(`from-seed-${s.id}`), snapshot(source));

      const gz = s.json<BackupJson>(['backup', source, '--to', folder, '--gzip']).backups[0]!.archive;
      assert.match(gz, /\.tar\.gz$/);
      s.volume(`untarred-${s.id}`);
      dockerOk(
        'run',
        '--rm',
        '-v',
        `untarred-${s.id}:/data`,
        '-v',
        `${folder}:/backup:ro`,
        IMAGE,
        'tar',
        'xzf',
        `/backup/${gz.slice(folder.length + 1)}`,
        '-C',
        '/data',
      );
      assert.deepEqual(snapshot(`untarred-${s.id}`, true), snapshot(source, true));
      rmSync(seedDir, { recursive: true, force: true });
    });

    test('restore refuses a non-empty volume unless --force, which keeps a safety backup', () => {
      const target = `busy-${s.id}`;
      s.volume(target);
      fillVolume(target, 'echo old > /d/old.txt');
      const refused = s.stowage(['restore', archive, '--to', target]);
      assert.equal(refused.status, 4);
      assert.match(refused.stderr, /volume is not empty/);
      const forced = s.stowage(['restore', archive, '--to', target, '--force']);
      assert.equal(forced.status, 0, forced.stderr);
      assert.deepEqual(snapshot(target), snapshot(source));
      assert.match(forced.stderr, /previous contents were saved as backup #\d+/);
    });

    test('restore --path restores only part of the archive', () => {
      const result = s.stowage(['restore', archive, '--to', `part-${s.id}`, '--path', 'a/b']);
      assert.equal(result.status, 0, result.stderr);
      const files = dockerOk('run', '--rm', '-v', `part-${s.id}:/d:ro`, IMAGE, 'find', '/d', '-type', 'f')
        .split('\n')
        .sort();
      assert.deepEqual(files, ['/d/a/b/f.txt']);
    });

    test('clone copies and verifies; rename refuses while a container references the volume', () => {
      const cloned = s.stowage(['clone', source, `clone-${s.id}`]);
      assert.equal(cloned.status, 0, cloned.stderr);
      assert.match(cloned.stdout, /every file verified/);
      assert.deepEqual(snapshot(`clone-${s.id}`), snapshot(source));
      s.container(`holder-${s.id}`, ['-v', `clone-${s.id}:/x`], ['true'], false);
      const refused = s.stowage(['rename', `clone-${s.id}`, `renamed-${s.id}`]);
      assert.equal(refused.status, 4);
      assert.match(
        refused.stderr,
        new RegExp(`rename clone-${s.id}: volume is in use by holder-${s.id} \\(stopped\\)`),
      );
      dockerOk('rm', `holder-${s.id}`);
      assert.equal(s.stowage(['rename', `clone-${s.id}`, `renamed-${s.id}`]).status, 0);
      assert.equal(docker('volume', 'inspect', `clone-${s.id}`).status, 1);
      assert.deepEqual(snapshot(`renamed-${s.id}`), snapshot(source));
      s.stowage(['rm', `renamed-${s.id}`]);
    });

    test('--stop stops the users during the backup and restarts them; so does a Ctrl-C', async () => {
      const user = `writer-${s.id}`;
      s.container(user, ['-v', `${source}:/d:ro`]);
      const result = s.json<BackupJson>(['backup', source, '--to', folder, '--stop']);
      assert.deepEqual(
        result.backups[0]!.held.map((h) => h.name),
        [user],
      );
      assert.equal(dockerOk('inspect', '-f', '{{.State.Running}}', user), 'true');

      // A slow backup interrupted while the container is stopped: it must come back, and no archive stays.
      const big = `big-${s.id}`;
      s.volume(big);
      fillVolume(big, 'head -c 400000000 /dev/urandom > /d/blob');
      s.container(`bigwriter-${s.id}`, ['-v', `${big}:/d`]);
      const interrupted = mkdtempSync(join(tmpdir(), 'interrupted-'));
      const child = spawn(
        process.execPath,
        [
          join(import.meta.dirname, '..', 'src/cli/bin.ts'),
          '--data-dir',
          s.dataDir,
          'backup',
          big,
          '--to',
          interrupted,
          '--stop',
          '--gzip',
        ],
        { stdio: 'ignore' },
      );
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      for (
        let i = 0;
        i < 100 && dockerOk('inspect', '-f', '{{.State.Running}}', `bigwriter-${s.id}`) === 'true';
        i++
      )
        await sleep(100);
      child.kill('SIGINT');
      assert.notEqual(await exited, 0);
      assert.equal(dockerOk('inspect', '-f', '{{.State.Running}}', `bigwriter-${s.id}`), 'true');
      assert.deepEqual(
        readdirSync(join(interrupted, big)).filter((f) => !f.startsWith('.')),
        [],
        'no archive, manifest or file list stays',
      );
      assert.deepEqual(
        dockerOk('ps', '-aq', '--filter', 'label=stowage.helper').split('\n').filter(Boolean),
        [],
        'no helper stays',
      );
      rmSync(interrupted, { recursive: true, force: true });
    });

    test('kill -9 mid-backup: no valid-looking archive, and the next run restarts what it stopped', async () => {
      const big = `big-${s.id}`;
      const killed = mkdtempSync(join(tmpdir(), 'killed-'));
      const child = spawn(
        process.execPath,
        [
          join(import.meta.dirname, '..', 'src/cli/bin.ts'),
          '--data-dir',
          s.dataDir,
          'backup',
          big,
          '--to',
          killed,
          '--stop',
          '--gzip',
        ],
        { stdio: 'ignore' },
      );
      const exited = new Promise((resolve) => child.on('exit', resolve));
      for (
        let i = 0;
        i < 100 && dockerOk('inspect', '-f', '{{.State.Running}}', `bigwriter-${s.id}`) === 'true';
        i++
      )
        await sleep(100);
      await sleep(300);
      child.kill('SIGKILL');
      await exited;
      assert.equal(
        dockerOk('inspect', '-f', '{{.State.Running}}', `bigwriter-${s.id}`),
        'false',
        'killed while the container was stopped',
      );
      const scan = s.json<{ archiveKey: string }[]>(['backups', '--scan', killed]);
      assert.ok(!scan.some((b) => b.archiveKey.includes(killed)), 'nothing registers as a backup');
      assert.deepEqual(readdirSync(join(killed, big)), [], "the scan swept the dead run's pending files");
      // The next data-moving command puts right what the killed run left.
      const next = s.stowage(['backup', source, '--to', folder]);
      assert.equal(next.status, 0, next.stderr);
      assert.match(next.stderr, /1 container restarted/);
      assert.equal(dockerOk('inspect', '-f', '{{.State.Running}}', `bigwriter-${s.id}`), 'true');
      assert.deepEqual(
        dockerOk('ps', '-aq', '--filter', 'label=stowage.helper').split('\n').filter(Boolean),
        [],
      );
      rmSync(killed, { recursive: true, force: true });
    });

    test('a pre hook that fails stops the backup and leaves nothing behind', () => {
      const user = `hooked-${s.id}`;
      s.container(user, ['-v', `${source}:/d:ro`, '--label', 'stowage.backup.pre=exit 3']);
      const failed = mkdtempSync(join(tmpdir(), 'hook-'));
      const result = s.stowage(['backup', source, '--to', failed]);
      assert.notEqual(result.status, 0);
      assert.match(result.stderr, new RegExp(`hook "exit 3" in ${user} exited 3`));
      assert.deepEqual(
        readdirSync(join(failed, source)).filter((f) => !f.startsWith('.')),
        [],
      );
      dockerOk('rm', '-f', user);
      rmSync(failed, { recursive: true, force: true });
    });

    test('devices are recorded at backup and refused at restore unless --allow-devices', () => {
      const devices = `dev-${s.id}`;
      s.volume(devices);
      fillVolume(devices, 'mknod /d/null c 1 3 && echo ok > /d/f');
      // A socket too (busybox cannot make one): bound from this host in the volume's folder, the engine being local.
      const Mountpoint = dockerOk('volume', 'inspect', '-f', '{{.Mountpoint}}', devices);
      const bound = spawnSync('python3', [
        '-c',
        `import socket; socket.socket(socket.AF_UNIX).bind('${Mountpoint}/app.sock')`,
      ]);
      assert.equal(bound.status, 0, String(bound.stderr));
      const result = s.json<BackupJson>(['backup', devices, '--to', folder]);
      assert.match(result.backups[0]!.warnings.join('\n'), /null: char-device 1:3/);
      assert.match(result.backups[0]!.warnings.join('\n'), /\.\/app\.sock: socket not archived/);
      const refused = s.stowage(['restore', result.backups[0]!.archive, '--to', `nodev-${s.id}`]);
      assert.equal(refused.status, 2);
      assert.match(refused.stderr, /device/);
      assert.equal(
        s.stowage(['restore', result.backups[0]!.archive, '--to', `withdev-${s.id}`, '--allow-devices'])
          .status,
        0,
      );
    });
  },
);
