/**
 * Stowage's volume plugin with the real engine: `docker volume create -d <driver>` for each backend, a
 * writer and a `:ro` reader sharing one volume, a quota enforced, data across plugin and engine restarts,
 * `docker volume rm` cleaning up (or keeping, for `path`), usage in the inventory, restore and clone into
 * plugin volumes, and backup policy from options. The plugin runs from the sources with a driver name of
 * this run's own (engines discover plugins host-wide); its socket, root and mounts go in `after`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildBusyboxImage, startPrivateEngine, type PrivateEngine } from '../scripts/private-engine.ts';
import { docker, dockerOk, engineAvailable, IMAGE, SKIP_REASON, TestSession } from './support/engine.ts';
import { ensureCommands, waitFor } from './support/loopback.ts';
import { PluginProcess } from '../src/plugin/testing/plugin-process.ts';
import { restartEngine } from './support/restartable-engine.ts';

interface InspectedVolume {
  Driver: string;
  Status: Record<string, unknown> & { mounts: number };
}
const inspectVolume = (name: string, ...host: string[]) =>
  (JSON.parse(dockerOk(...host, 'volume', 'inspect', name)) as InspectedVolume[])[0]!;

const mounted = (path: string) => readFileSync('/proc/self/mountinfo', 'utf8').includes(` ${path} `);

describe(
  'the stowage volume plugin with the real engine',
  { skip: !engineAvailable() && SKIP_REASON, timeout: 600_000 },
  () => {
    const s = new TestSession();
    const plugin = new PluginProcess();
    const d = plugin.driver;
    const hostPath = join(plugin.dir, 'srv', 'kept');
    const create = (name: string, ...opts: string[]) =>
      s.volume(name, '-d', d, ...opts.flatMap((o) => ['--opt', o]));
    const run = (...args: string[]) => docker('run', '--rm', '--label', s.label, ...args);

    before(async () => {
      ensureCommands({ 'mkfs.ext4': 'e2fsprogs', mount: 'mount' });
      plugin.dataDir = s.dataDir;
      await plugin.start();
    });
    after(async () => {
      try {
        s.cleanup();
      } finally {
        await plugin.cleanup();
      }
    });

    test('docker volume create -d makes each backend; bad options fail naming the option', () => {
      create(`plain-${s.id}`);
      create(`quota-${s.id}`, 'size=64M', 'backup=@daily', 'keep=last:7,daily:7');
      create(`kept-${s.id}`, 'type=path', `path=${hostPath}`);
      create(`mem-${s.id}`, 'type=tmpfs', 'size=16M');
      const listed = dockerOk('volume', 'ls', '--filter', `driver=${d}`, '--format', '{{.Name}}')
        .split('\n')
        .sort();
      assert.deepEqual(listed, [`kept-${s.id}`, `mem-${s.id}`, `plain-${s.id}`, `quota-${s.id}`]);

      const bad = docker(
        'volume',
        'create',
        '-d',
        d,
        '--label',
        s.label,
        '--opt',
        'colour=red',
        `bad-${s.id}`,
      );
      assert.notEqual(bad.status, 0);
      assert.match(bad.stderr, /unknown option "colour" for type=dir/);
      const system = docker(
        'volume',
        'create',
        '-d',
        d,
        '--label',
        s.label,
        '--opt',
        'type=path',
        '--opt',
        'path=/etc',
        `sys-${s.id}`,
      );
      assert.notEqual(system.status, 0);
      assert.match(system.stderr, /\/etc is a system path/);
    });

    test('a writer and a :ro reader share one volume', () => {
      s.container(
        `writer-${s.id}`,
        ['-v', `quota-${s.id}:/data`],
        ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo $i > /data/counter; sleep 0.2; done'],
      );
      s.container(`reader-${s.id}`, ['-v', `quota-${s.id}:/data:ro`]);
      const read = () => Number(dockerOk('exec', `reader-${s.id}`, 'cat', '/data/counter'));
      const first = read();
      spawnSync('sleep', ['1']);
      assert.ok(read() > first, 'the reader sees the writer progress');
      const write = docker('exec', `reader-${s.id}`, 'sh', '-c', 'echo x > /data/other');
      assert.notEqual(write.status, 0);
      assert.match(write.stderr, /Read-only file system/);
      const status = inspectVolume(`quota-${s.id}`).Status;
      assert.equal(status.backend, 'dir');
      assert.equal(status.quotaBytes, 64 * 1024 ** 2);
      assert.equal(status.mounts, 2);
      assert.equal(status.backup, '@daily');
      const refused = docker('volume', 'rm', `quota-${s.id}`);
      assert.notEqual(refused.status, 0);
      assert.match(refused.stderr, /in use/);
    });

    test('a container writing past the quota gets "No space left on device"; the volume stays usable', () => {
      const full = run(
        '-v',
        `quota-${s.id}:/data`,
        IMAGE,
        'dd',
        'if=/dev/zero',
        'of=/data/big',
        'bs=1M',
        'count=100',
      );
      assert.notEqual(full.status, 0);
      assert.match(full.stderr, /No space left on device/);
      assert.equal(run('-v', `quota-${s.id}:/data`, IMAGE, 'rm', '/data/big').status, 0);
      const memory = run(
        '-v',
        `mem-${s.id}:/m`,
        IMAGE,
        'sh',
        '-c',
        'dd if=/dev/zero of=/m/big bs=1M count=32; rm /m/big',
      );
      assert.match(memory.stderr, /No space left on device/, 'tmpfs volumes have their size too');
    });

    test('data and mount counts survive a plugin restart; running containers keep working', async () => {
      dockerOk(
        'run',
        '--rm',
        '-v',
        `plain-${s.id}:/d`,
        '-v',
        `mem-${s.id}:/m`,
        IMAGE,
        'sh',
        '-c',
        'echo plain > /d/f && echo mem > /m/f',
      );
      await plugin.stop();
      await plugin.start();
      assert.equal(
        dockerOk(
          'run',
          '--rm',
          '-v',
          `plain-${s.id}:/d`,
          '-v',
          `mem-${s.id}:/m`,
          IMAGE,
          'cat',
          '/d/f',
          '/m/f',
        ),
        'plain\nmem',
      );
      const before = Number(dockerOk('exec', `reader-${s.id}`, 'cat', '/data/counter'));
      spawnSync('sleep', ['1']);
      assert.ok(Number(dockerOk('exec', `reader-${s.id}`, 'cat', '/data/counter')) > before);
      const status = inspectVolume(`quota-${s.id}`).Status;
      assert.equal(status.mounts, 2, 'the two containers still count');
      dockerOk('rm', '-f', `writer-${s.id}`, `reader-${s.id}`);
      assert.equal(
        inspectVolume(`quota-${s.id}`).Status.mounts,
        0,
        'their Unmount calls reached the restarted plugin',
      );
    });

    test('the inventory shows usage of plugin volumes', () => {
      dockerOk(
        'run',
        '--rm',
        '-v',
        `quota-${s.id}:/data`,
        IMAGE,
        'dd',
        'if=/dev/zero',
        'of=/data/five',
        'bs=1M',
        'count=5',
      );
      const volumes = s.json<{ name: string; driver: string; sizeBytes: number | null }[]>([
        'ls',
        '--filter',
        `driver=${d}`,
      ]);
      const quota = volumes.find((v) => v.name === `quota-${s.id}`);
      assert.ok(
        quota?.sizeBytes && quota.sizeBytes >= 5 * 1024 ** 2 && quota.sizeBytes < 8 * 1024 ** 2,
        JSON.stringify(quota),
      );
      const plain = volumes.find((v) => v.name === `plain-${s.id}`);
      assert.equal(plain?.sizeBytes, 6);
      const inspected = s.json<{ driverStatus: Record<string, unknown> }[]>(['inspect', `quota-${s.id}`]);
      assert.equal(inspected[0]?.driverStatus.quotaBytes, 64 * 1024 ** 2);
    });

    test('a plugin volume backs up like any other; its Status shows the last backup', () => {
      assert.equal(inspectVolume(`quota-${s.id}`).Status.lastBackup, null);
      const backup = s.stowage(['backup', `quota-${s.id}`, '--to', join(plugin.dir, 'backups')]);
      assert.equal(backup.status, 0, backup.stderr);
      const last = inspectVolume(`quota-${s.id}`).Status.lastBackup as { at: string; verified: boolean };
      assert.ok(Date.now() - Date.parse(last.at) < 120_000, JSON.stringify(last));
    });

    test('backup=/keep= options make a volume schedule', () => {
      const schedules = s.json<{ name: string; cron: string }[]>(['schedules']);
      const mine = schedules.find((x) => x.name === `volume:quota-${s.id}`);
      assert.equal(mine?.cron, '@daily', JSON.stringify(schedules));
    });

    test('restore --driver and clone --driver fill new plugin volumes', () => {
      s.volume(`src-${s.id}`);
      dockerOk(
        'run',
        '--rm',
        '-v',
        `src-${s.id}:/d`,
        IMAGE,
        'sh',
        '-c',
        'mkdir -p /d/x && echo hello > /d/x/greeting',
      );
      const backup = s.json<{ backups: { archive: string }[] }>([
        'backup',
        `src-${s.id}`,
        '--to',
        join(plugin.dir, 'backups'),
      ]);
      const archive = backup.backups[0]!.archive;
      const restored = s.stowage([
        'restore',
        archive,
        '--to',
        `restored-${s.id}`,
        '--driver',
        d,
        '--opt',
        'size=32M',
      ]);
      assert.equal(restored.status, 0, restored.stderr);
      const clone = s.stowage([
        'clone',
        `src-${s.id}`,
        `cloned-${s.id}`,
        '--driver',
        d,
        '--opt',
        'type=tmpfs',
        '--opt',
        'size=16M',
      ]);
      assert.equal(clone.status, 0, clone.stderr);
      for (const name of [`restored-${s.id}`, `cloned-${s.id}`]) {
        assert.equal(inspectVolume(name).Driver, d);
        assert.equal(dockerOk('run', '--rm', '-v', `${name}:/d`, IMAGE, 'cat', '/d/x/greeting'), 'hello');
        dockerOk('volume', 'rm', name);
      }
      const restoredStatus = readFileSync(join(plugin.root, 'state.json'), 'utf8');
      assert.ok(!restoredStatus.includes(`restored-${s.id}`), 'removed volumes leave the state');
    });

    test('docker volume rm cleans up; a path volume keeps its data', () => {
      const quotaDir = join(plugin.root, 'volumes', `quota-${s.id}`);
      assert.ok(mounted(join(quotaDir, 'fs')));
      dockerOk('run', '--rm', '-v', `kept-${s.id}:/k`, IMAGE, 'sh', '-c', 'echo stays > /k/file');
      dockerOk('volume', 'rm', `quota-${s.id}`, `kept-${s.id}`, `mem-${s.id}`, `plain-${s.id}`);
      assert.ok(!mounted(join(quotaDir, 'fs')), 'the loop mount is gone');
      assert.ok(!existsSync(quotaDir), 'and its disk image');
      assert.equal(readFileSync(join(hostPath, 'file'), 'utf8'), 'stays\n');
      assert.equal(dockerOk('volume', 'ls', '-q', '--filter', `driver=${d}`), '');
    });
  },
);

describe(
  'the plugin across an engine restart',
  { skip: !engineAvailable() && SKIP_REASON, timeout: 600_000 },
  () => {
    const plugin = new PluginProcess();
    let engine: PrivateEngine | undefined;
    const on = (...args: string[]) => dockerOk('-H', engine!.host, ...args);

    before(async () => {
      ensureCommands({ 'mkfs.ext4': 'e2fsprogs', mount: 'mount' });
      await plugin.start();
      engine = await startPrivateEngine();
      buildBusyboxImage(engine.env);
    });
    after(async () => {
      try {
        if (engine) {
          spawnSync('docker', ['-H', engine.host, 'rm', '-f', 'keeper'], { stdio: 'ignore' });
          spawnSync('docker', ['-H', engine.host, 'volume', 'rm', '-f', 'durable'], { stdio: 'ignore' });
          await engine.stop();
        }
      } finally {
        await plugin.cleanup();
      }
    });

    test('a quota volume keeps its data, and its container is mounted again, after the engine restarts', async () => {
      on('volume', 'create', '-d', plugin.driver, '--opt', 'size=32M', 'durable');
      on(
        'run',
        '-d',
        '--name',
        'keeper',
        '--restart',
        'always',
        '-v',
        'durable:/data',
        'stowage-test/busybox',
        'sh',
        '-c',
        'echo before > /data/f; sleep 3600',
      );
      await waitFor(
        'the file',
        () => on('run', '--rm', '-v', 'durable:/d', 'stowage-test/busybox', 'cat', '/d/f') === 'before',
        () => false,
        () => '',
        20_000,
      );
      engine = await restartEngine(engine!);
      await waitFor(
        'keeper running again',
        () => on('inspect', '-f', '{{.State.Running}}', 'keeper') === 'true',
        () => false,
        () => plugin.log,
        60_000,
      );
      assert.equal(on('exec', 'keeper', 'cat', '/data/f'), 'before');
      const status = inspectVolume('durable', '-H', engine.host).Status;
      assert.equal(status.mounts, 1, 'the Unmount at stop and the Mount at start were both counted');
      assert.match(
        on('volume', 'ls', '--filter', `driver=${plugin.driver}`, '--format', '{{.Name}}'),
        /durable/,
      );
    });
  },
);
