/**
 * Socket activation with systemd's own `systemd-socket-activate`, standing in for stowage-plugin.socket:
 * it binds the plugin's socket, starts `stowage plugin serve` at the first connection and passes the socket
 * as fd 3 (LISTEN_FDS / LISTEN_PID). A shell loop around the plugin plays systemd's Restart=always, while
 * the socket stays open in the loop the way systemd keeps it open in PID 1. So a plugin that is killed,
 * or stops, leaves a socket that still takes connections, and the next plugin answers them.
 *
 * The socket lives in a temporary folder, never in /run/docker/plugins (no engine must find it), and an
 * inherited socket writes no spec file into /etc/docker/plugins. No engine needed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureCommands } from './support/loopback.ts';

const dir = mkdtempSync(join(tmpdir(), 'stwg-socket-activation-'));
const socket = join(dir, 'stowage-sa.sock');
const pidsFile = join(dir, 'plugin-pids');
const bin = resolve(import.meta.dirname, '..', 'bin', 'stowage.cjs');
let activator: ChildProcess | undefined;
let output = '';

/**
 * One protocol call on a new connection (no keep-alive: a connection the killed plugin had accepted dies
 * with it; what must hold is that new ones are taken). Rejects on a refused connection.
 */
function call(endpoint: string, body: unknown): Promise<Record<string, unknown>> {
  return new Promise((done, fail) => {
    const req = request({ socketPath: socket, path: endpoint, method: 'POST', agent: false }, (res) => {
      let data = '';
      res.on('data', (chunk: Buffer) => (data += chunk.toString()));
      res.on('end', () => done(JSON.parse(data) as Record<string, unknown>));
    });
    req.on('error', fail);
    req.end(JSON.stringify(body));
  });
}

const pluginPids = () =>
  existsSync(pidsFile) ? readFileSync(pidsFile, 'utf8').trim().split('\n').map(Number) : [];
const alive = (pid: number) => existsSync(`/proc/${pid}`);

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await sleep(50);
  }
  assert.fail(`${what} did not happen; output:\n${output}`);
}

// A plugin that cannot take the socket never answers: the calls would wait forever, so the suite has a limit.
describe('plugin under socket activation (systemd-socket-activate)', { timeout: 60_000 }, () => {
  before(async () => {
    ensureCommands({ 'systemd-socket-activate': 'systemd', unshare: 'util-linux' });
    mkdirSync('/etc/docker/plugins', { recursive: true, mode: 0o755 });
    // Each plugin process records its PID, then becomes the plugin with LISTEN_PID naming itself
    // (exec keeps the PID), as systemd does for the service it starts.
    const plugin = `echo $$ >> "$0"; export LISTEN_PID=$$; exec "$@"`;
    const restartAlways = `pids=$1; shift; while :; do sh -c '${plugin}' "$pids" "$@"; sleep 0.2; done`;
    // A private /etc/docker/plugins (own mount namespace, tmpfs over it): whatever the plugin under test
    // does, no engine on this host can be told about its socket.
    const isolated = `mount -t tmpfs stwg-test /etc/docker/plugins && exec "$@"`;
    activator = spawn(
      'unshare',
      [
        '--mount',
        '--propagation',
        'private',
        'sh',
        '-c',
        isolated,
        'isolated',
        'systemd-socket-activate',
        '-l',
        socket,
        'sh',
        '-c',
        restartAlways,
        'restart-always',
        pidsFile,
        process.execPath,
        bin,
        '--data-dir',
        join(dir, 'data'),
        'plugin',
        'serve',
        '--socket',
        socket,
        '--root',
        join(dir, 'root'),
      ],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    activator.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    activator.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await until('the socket appearing', () => existsSync(socket));
  });

  after(() => {
    if (activator?.pid) process.kill(-activator.pid, 'SIGKILL'); // the activator's group: loop and plugin
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds the socket with no plugin running; the first request starts the plugin on it and is answered', async () => {
    const socketFile = statSync(socket);
    assert.ok(socketFile.isSocket());
    assert.deepEqual(pluginPids(), [], 'nothing runs before the first connection');
    assert.deepEqual(await call('/Plugin.Activate', null), { Err: '', Implements: ['VolumeDriver'] });
    assert.equal(pluginPids().length, 1);
    assert.match(output, /socket .*stowage-sa\.sock passed by systemd \(fd 3\)/);
    assert.equal(statSync(socket).ino, socketFile.ino, 'the plugin served the socket it was given');
    assert.deepEqual(await call('/VolumeDriver.Create', { Name: 'kept', Opts: {} }), { Err: '' });
  });

  it('a killed plugin refuses no connection: the request waits for the next plugin, which answers it', async () => {
    const [first] = pluginPids();
    assert.ok(first && alive(first));
    process.kill(first, 'SIGKILL');
    const reply = await call('/VolumeDriver.List', null);
    assert.equal(reply.Err, '');
    assert.deepEqual(
      (reply.Volumes as { Name: string }[]).map((volume) => volume.Name),
      ['kept'],
    );
    const pids = pluginPids();
    assert.equal(pids.length, 2, 'a second plugin answered');
    assert.notEqual(pids[1], first);
  });

  it('a plugin that stops (SIGTERM) leaves the socket in place; the next one answers', async () => {
    const second = pluginPids()[1];
    assert.ok(second && alive(second));
    const socketFile = statSync(socket);
    process.kill(second, 'SIGTERM');
    await until('the plugin stopping', () => !alive(second));
    assert.equal(statSync(socket).ino, socketFile.ino, 'the socket file is systemd’s: the plugin keeps it');
    assert.match(output, /SIGTERM: stopping/);
    assert.equal((await call('/VolumeDriver.Get', { Name: 'kept' })).Err, '');
    assert.equal(pluginPids().length, 3);
  });

  it('writes no spec file for an inherited socket (the socket unit announces it)', () => {
    const running = pluginPids().at(-1);
    assert.ok(running && alive(running));
    // The plugin's own view of /etc/docker/plugins (its mount namespace).
    assert.deepEqual(readdirSync(`/proc/${running}/root/etc/docker/plugins`), []);
  });
});
