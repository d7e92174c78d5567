/**
 * The volume plugin protocol, spoken raw over a temporary unix socket as the engine speaks it: every
 * endpoint, error payloads, reference counting, restarts. Real mounts (loop + ext4, tmpfs) in a folder of
 * this run, unmounted in `after` even on failure. No engine needed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlugin, type RunningPlugin } from '../src/plugin/run-plugin.ts';
import { reconcile } from '../src/plugin/reconcile.ts';
import { VolumeStore } from '../src/plugin/volume-store.ts';
import { ensureCommands } from './support/loopback.ts';

const dir = mkdtempSync(join(tmpdir(), 'stwg-plugin-proto-'));
const root = join(dir, 'root');
const socket = join(dir, 'run', 'stowage-proto.sock');
const specDir = join(dir, 'spec');
const logs: string[] = [];
let plugin: RunningPlugin | undefined;

interface Reply {
  status: number;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

function call(endpoint: string, body: unknown, method = 'POST'): Promise<Reply> {
  const text = body === undefined ? '' : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath: socket,
        path: endpoint,
        method,
        headers: { 'Content-Type': 'application/vnd.docker.plugins.v1.2+json' },
      },
      (res) => {
        let data = '';
        res.on('data', (chunk: Buffer) => (data += chunk.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'],
            body: JSON.parse(data) as Record<string, unknown>,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

const start = async () => {
  plugin = await startPlugin({ socket, root, specDir, log: (line) => logs.push(line) });
};
const ok = async (endpoint: string, body: unknown) => {
  const reply = await call(endpoint, body);
  assert.equal(reply.body.Err, '', `${endpoint} ${JSON.stringify(body)}: ${String(reply.body.Err)}`);
  return reply.body;
};
const err = async (endpoint: string, body: unknown) => {
  const reply = await call(endpoint, body);
  assert.equal(reply.status, 200);
  assert.equal(typeof reply.body.Err, 'string');
  assert.notEqual(reply.body.Err, '', `${endpoint} should fail`);
  return reply.body.Err as string;
};
const mounted = (path: string) => readFileSync('/proc/self/mountinfo', 'utf8').includes(` ${path} `);

describe('volume plugin protocol', () => {
  before(async () => {
    ensureCommands({ 'mkfs.ext4': 'e2fsprogs', mount: 'mount' });
    await start();
  });
  after(async () => {
    await plugin?.stop();
    // Unmount whatever the run left mounted below its folder, deepest first, then delete it.
    spawnSync('sh', ['-c', `grep -o " ${dir}/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l`]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('activates as a VolumeDriver, with the engine content type, and reports local scope', async () => {
    const reply = await call('/Plugin.Activate', null);
    assert.equal(reply.status, 200);
    assert.equal(reply.contentType, 'application/vnd.docker.plugins.v1.2+json');
    assert.deepEqual(reply.body, { Err: '', Implements: ['VolumeDriver'] });
    assert.deepEqual(await ok('/VolumeDriver.Capabilities', null), {
      Err: '',
      Capabilities: { Scope: 'local' },
    });
  });

  it('announces a socket outside /run/docker/plugins with a spec file', () => {
    assert.equal(plugin?.driverName, 'stowage-proto');
    assert.equal(readFileSync(join(specDir, 'stowage-proto.spec'), 'utf8').trim(), `unix://${socket}`);
  });

  it('answers unknown endpoints with 404 and bad bodies with 400, each with Err', async () => {
    const unknown = await call('/VolumeDriver.Explode', {});
    assert.equal(unknown.status, 404);
    assert.match(String(unknown.body.Err), /no such endpoint/);
    const notJson = await new Promise<Reply>((resolve, reject) => {
      const req = request({ socketPath: socket, path: '/VolumeDriver.Create', method: 'POST' }, (res) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: undefined,
            body: JSON.parse(data) as Record<string, unknown>,
          }),
        );
      });
      req.on('error', reject);
      req.end('{not json');
    });
    assert.equal(notJson.status, 400);
    assert.match(String(notJson.body.Err), /bad request/);
    assert.match(await err('/VolumeDriver.Create', { Opts: {} }), /Name is missing/);
  });

  it('refuses bad options at Create, naming the option', async () => {
    assert.match(
      await err('/VolumeDriver.Create', { Name: 'v', Opts: { colour: 'red' } }),
      /unknown option "colour" for type=dir/,
    );
    assert.match(
      await err('/VolumeDriver.Create', { Name: 'v', Opts: { type: 'nfs' } }),
      /option type: unknown backend "nfs"/,
    );
    assert.match(
      await err('/VolumeDriver.Create', { Name: 'v', Opts: { size: 'lots' } }),
      /invalid option size of volume v "lots"/,
    );
    assert.match(
      await err('/VolumeDriver.Create', { Name: 'v', Opts: { type: 'tmpfs' } }),
      /option size is required for type=tmpfs/,
    );
    assert.match(
      await err('/VolumeDriver.Create', { Name: 'v', Opts: { type: 'path', path: '/etc/app' } }),
      /\/etc\/app is a system path/,
    );
    assert.match(
      await err('/VolumeDriver.Create', { Name: 'v', Opts: { type: 'path', path: join(root, 'x') } }),
      /overlaps/,
    );
    assert.match(
      await err('/VolumeDriver.Create', {
        Name: 'v',
        Opts: { type: 'sshfs', host: 'h', path: '/d', password: 'hunter2' },
      }),
      /option password: passwords are never accepted/,
    );
    assert.match(
      await err('/VolumeDriver.Create', { Name: 'v', Opts: { backup: 'sometimes' } }),
      /option backup: invalid cron expression/,
    );
    assert.match(
      await err('/VolumeDriver.Create', { Name: 'v', Opts: { backup: '@daily', keep: 'forever' } }),
      /option keep/,
    );
    assert.match(await err('/VolumeDriver.Create', { Name: '../evil', Opts: {} }), /invalid volume name/);
    const list = await ok('/VolumeDriver.List', null);
    assert.deepEqual(list.Volumes, [], 'nothing is left of refused creates');
    assert.ok(!logs.join('\n').includes('hunter2'), 'a refused password is never logged');
  });

  it('creates a quota volume whose writes stop at the quota with ENOSPC', async () => {
    await ok('/VolumeDriver.Create', {
      Name: 'quota',
      Opts: { size: '32M', backup: '@daily', keep: 'last:7' },
    });
    const { Mountpoint } = (await ok('/VolumeDriver.Mount', { Name: 'quota', ID: 'm1' })) as {
      Mountpoint: string;
    };
    assert.ok(mounted(join(root, 'volumes', 'quota', 'fs')));
    writeFileSync(join(Mountpoint, 'small'), 'kept');
    assert.throws(() => writeFileSync(join(Mountpoint, 'big'), Buffer.alloc(40 * 1024 ** 2)), /ENOSPC/);
    const { Volume } = (await ok('/VolumeDriver.Get', { Name: 'quota' })) as {
      Volume: Record<string, unknown>;
    };
    assert.equal(Volume.Mountpoint, Mountpoint);
    const status = Volume.Status as Record<string, unknown>;
    assert.equal(status.backend, 'dir');
    assert.equal(status.quotaBytes, 32 * 1024 ** 2);
    assert.equal(status.mounts, 1);
    assert.equal(status.backup, '@daily');
    assert.equal(status.keep, 'last:7');
    assert.equal(typeof status.usedBytes, 'number');
    assert.equal(
      ((await ok('/VolumeDriver.Path', { Name: 'quota' })) as { Mountpoint: string }).Mountpoint,
      Mountpoint,
    );
  });

  it('counts mounts by caller ID and refuses Remove while any remain', async () => {
    await ok('/VolumeDriver.Mount', { Name: 'quota', ID: 'm2' });
    await ok('/VolumeDriver.Mount', { Name: 'quota', ID: 'm2' }); // a repeated Mount counts once
    await ok('/VolumeDriver.Unmount', { Name: 'quota', ID: 'm1' });
    assert.match(
      await err('/VolumeDriver.Remove', { Name: 'quota' }),
      /remove quota: volume is in use - 1 mount \[m2\]/,
    );
    const { Volume } = (await ok('/VolumeDriver.Get', { Name: 'quota' })) as {
      Volume: { Status: { mounts: number } };
    };
    assert.equal(Volume.Status.mounts, 1);
  });

  it('keeps state, data and callers across a plugin restart', async () => {
    await plugin!.stop();
    assert.ok(!existsSync(join(specDir, 'stowage-proto.spec')), 'the spec file goes with the plugin');
    await start();
    const { Volume } = (await ok('/VolumeDriver.Get', { Name: 'quota' })) as {
      Volume: { Mountpoint: string; Status: { mounts: number } };
    };
    assert.equal(Volume.Status.mounts, 1);
    assert.equal(readFileSync(join(Volume.Mountpoint, 'small'), 'utf8'), 'kept');
    await ok('/VolumeDriver.Unmount', { Name: 'quota', ID: 'm2' });
    await ok('/VolumeDriver.Remove', { Name: 'quota' });
    assert.ok(!mounted(join(root, 'volumes', 'quota', 'fs')), 'the loop mount is gone');
    assert.ok(!existsSync(join(root, 'volumes', 'quota')), 'and so is the disk image');
    assert.match(await err('/VolumeDriver.Get', { Name: 'quota' }), /get quota: no such volume/);
  });

  it('tmpfs: memory-backed with a size, mounted again empty after a reboot', async () => {
    await ok('/VolumeDriver.Create', { Name: 'mem', Opts: { type: 'tmpfs', size: '16M', mode: '1777' } });
    const { Mountpoint } = (await ok('/VolumeDriver.Mount', { Name: 'mem', ID: 'a' })) as {
      Mountpoint: string;
    };
    assert.throws(() => writeFileSync(join(Mountpoint, 'big'), Buffer.alloc(20 * 1024 ** 2)), /ENOSPC/);
    await ok('/VolumeDriver.Unmount', { Name: 'mem', ID: 'a' });
    assert.ok(mounted(Mountpoint), 'contents outlive the last container');
    await ok('/VolumeDriver.Mount', { Name: 'mem', ID: 'stale' });
    // A reboot, simulated: the mount disappears and the boot ID changes.
    await plugin!.stop();
    spawnSync('umount', [Mountpoint]);
    const store = new VolumeStore(root);
    await reconcile(root, store, () => undefined, 'another-boot');
    assert.ok(mounted(Mountpoint), 'mounted again at start');
    assert.deepEqual(store.get('mem')?.callers, [], 'callers of the old boot are forgotten');
    await start(); // a real boot ID again: counts stay empty
    await ok('/VolumeDriver.Remove', { Name: 'mem' });
    assert.ok(!mounted(Mountpoint));
  });

  it('path: data at a host path, kept on Remove unless purge=true', async () => {
    const kept = join(dir, 'srv', 'kept');
    const purged = join(dir, 'srv', 'purged');
    await ok('/VolumeDriver.Create', { Name: 'kept', Opts: { type: 'path', path: kept } });
    await ok('/VolumeDriver.Create', { Name: 'purged', Opts: { type: 'path', path: purged, purge: 'true' } });
    for (const [name, path] of [
      ['kept', kept],
      ['purged', purged],
    ] as const) {
      const { Mountpoint } = (await ok('/VolumeDriver.Mount', { Name: name, ID: 'x' })) as {
        Mountpoint: string;
      };
      assert.equal(Mountpoint, path);
      writeFileSync(join(path, 'file'), name);
      await ok('/VolumeDriver.Unmount', { Name: name, ID: 'x' });
      await ok('/VolumeDriver.Remove', { Name: name });
    }
    assert.equal(readFileSync(join(kept, 'file'), 'utf8'), 'kept');
    assert.ok(!existsSync(purged));
  });

  it('refuses a second plugin on a served socket and cleans up after an unfinished create', async () => {
    await assert.rejects(
      startPlugin({ socket, root: join(dir, 'other'), specDir, log: () => undefined }),
      /served by another process/,
    );
    await plugin!.stop();
    mkdirSync(join(root, 'volumes', 'half-made', 'data'), { recursive: true });
    await start();
    assert.ok(!existsSync(join(root, 'volumes', 'half-made')));
    assert.deepEqual((await ok('/VolumeDriver.List', {})).Volumes, []);
  });

  it('`stowage plugin install` writes a unit ordered before dockerd; `plugin ls` reads the state', async () => {
    await ok('/VolumeDriver.Create', { Name: 'listed', Opts: { backup: '@hourly' } });
    await ok('/VolumeDriver.Mount', { Name: 'listed', ID: 'c1' });
    const cli = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [join(import.meta.dirname, '../src/cli/bin.ts'), '--data-dir', join(dir, 'data'), ...args],
        {
          encoding: 'utf8',
        },
      );
    const units = join(dir, 'units');
    const install = cli('plugin', 'install', '--unit-dir', units, '--root', root);
    assert.equal(install.status, 0, install.stderr);
    const unit = readFileSync(join(units, 'stowage-plugin.service'), 'utf8');
    assert.match(unit, /^Before=docker\.service$/m);
    assert.match(
      unit,
      new RegExp(`plugin serve --socket /run/docker/plugins/stowage\\.sock --root ${root}$`, 'm'),
    );
    assert.match(install.stderr, /systemctl enable --now stowage-plugin\.socket/);
    const again = cli('plugin', 'install', '--unit-dir', units);
    assert.equal(again.status, 4, 'an existing unit is a conflict without --force');
    const listed = cli('plugin', 'ls', '--root', root, '--json');
    assert.equal(listed.status, 0, listed.stderr);
    const volumes = JSON.parse(listed.stdout) as {
      name: string;
      callers: string[];
      policy: { backup: string };
    }[];
    assert.deepEqual(
      volumes.map((v) => [v.name, v.callers, v.policy.backup]),
      [['listed', ['c1'], '@hourly']],
    );
    await ok('/VolumeDriver.Unmount', { Name: 'listed', ID: 'c1' });
    await ok('/VolumeDriver.Remove', { Name: 'listed' });
  });
});
