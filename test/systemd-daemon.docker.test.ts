/**
 * The daemon under the sandbox `stowage daemon install` writes, on the private engine. There is no systemd
 * as PID 1 here, so the unit's main restrictions are rebuilt with the kernel features systemd itself uses:
 * a mount namespace where every mount is read-only but the data folder (ProtectSystem=strict +
 * ReadWritePaths=), no_new_privs (NoNewPrivileges=) and a capability bounding set read from the unit
 * (CapabilityBoundingSet=). Through the API, a backup then runs, lands in the data folder, and still names
 * a socket inside a folder only another user may read (what CAP_DAC_READ_SEARCH is kept for).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { dockerOk, engineAvailable, fillVolume, SKIP_REASON, TestSession } from './support/engine.ts';
import { ensureCommands } from './support/loopback.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'stowage.cjs');

/** `CAP_DAC_READ_SEARCH CAP_X` from the unit → setpriv's `-all,+dac_read_search,+x`. */
function boundingSet(unit: string): string {
  const line = /^CapabilityBoundingSet=(.*)$/m.exec(unit)?.[1];
  assert.ok(line, 'the unit sets CapabilityBoundingSet=');
  return ['-all', ...line.split(' ').map((cap) => `+${cap.replace(/^CAP_/, '').toLowerCase()}`)].join(',');
}

describe(
  'the daemon in the sandbox of its unit',
  { skip: !engineAvailable() && SKIP_REASON, timeout: 300_000 },
  () => {
    const s = new TestSession();
    const port = 19_000 + Math.floor(Math.random() * 1000);
    const base = `http://127.0.0.1:${port}`;
    const volume = `sandboxed-${s.id}`;
    let daemon: ChildProcess | undefined;
    let command: string[] = [];
    let capabilities = '';
    /** The CLI in the same sandbox: the unit's command up to `daemon`, then `args`. */
    const cli = (bounding: string, args: string[]) => {
      const stowage = command.slice(0, command.indexOf('daemon'));
      return spawnSync('unshare', sandboxed(s.dataDir, bounding, [...stowage, ...args]), {
        encoding: 'utf8',
      });
    };
    let log = '';
    let token = '';
    const api = (path: string, init: RequestInit = {}) =>
      fetch(base + path, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });

    before(async () => {
      ensureCommands({ setpriv: 'util-linux', unshare: 'util-linux', python3: 'python3-minimal' });
      s.volume(volume);
      fillVolume(volume, 'echo kept > /d/file; mkdir /d/private');
      // A socket in a folder only uid 999 may enter, as a database's volume has (the engine runs here).
      const mountpoint = dockerOk('volume', 'inspect', '--format', '{{.Mountpoint}}', volume);
      const made = spawnSync('python3', [
        '-c',
        'import os, socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1] + "/private/db.sock"); os.chown(sys.argv[1] + "/private", 999, 999); os.chmod(sys.argv[1] + "/private", 0o700)',
        mountpoint,
      ]);
      assert.equal(made.status, 0, made.stderr?.toString());

      const printed = spawnSync(
        process.execPath,
        [bin, '--data-dir', s.dataDir, 'daemon', 'install', '--listen', `127.0.0.1:${port}`, '--print'],
        { encoding: 'utf8' },
      );
      assert.equal(printed.status, 0, printed.stderr);
      const unit = printed.stdout;
      assert.match(unit, /^ProtectSystem=strict$/m);
      assert.match(unit, /^NoNewPrivileges=yes$/m);
      const execStart = /^ExecStart=(.*)$/m.exec(unit)?.[1];
      assert.ok(execStart && !execStart.includes('"'), 'this test splits ExecStart on spaces');
      command = execStart.split(' ');
      capabilities = boundingSet(unit);
      daemon = spawn('unshare', sandboxed(s.dataDir, capabilities, command), {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      daemon.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
      for (let i = 0; i < 300 && !log.includes('listening on'); i++) await sleep(100);
      assert.match(log, new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`), log);
      token = readFileSync(join(s.dataDir, 'api-token'), 'utf8').trim();
    });

    after(() => {
      daemon?.kill('SIGKILL');
      s.cleanup();
    });

    test('the sandbox holds: the daemon has only the capabilities of the unit, and no_new_privs', () => {
      const status = readFileSync(`/proc/${daemon?.pid}/status`, 'utf8'); // the daemon: see sandboxed()
      assert.match(status, /^NoNewPrivs:\s+1$/m);
      // CAP_DAC_READ_SEARCH is bit 2: 0x4.
      assert.match(status, /^CapBnd:\s+0000000000000004$/m);
    });

    test('a backup through the API succeeds and lands in the data folder', async () => {
      const started = await api(`/api/volumes/${volume}/backups`, { method: 'POST', body: '{}' });
      assert.equal(started.status, 202, await started.clone().text());
      const { id } = (await started.json()) as { id: string };
      let job: { state: string; result?: { files?: number }; error?: unknown } = { state: 'running' };
      for (let i = 0; i < 600 && job.state === 'running'; i++) {
        await sleep(100);
        job = (await (await api(`/api/jobs/${id}`)).json()) as typeof job;
      }
      assert.equal(job.state, 'succeeded', JSON.stringify(job.error) + log);
      assert.equal(job.result?.files, 1);
      assert.ok(readdirSync(join(s.dataDir, 'backups'), { recursive: true }).length > 0);
    });

    test('CAP_DAC_READ_SEARCH is what lets a backup name a socket in a folder of another user', () => {
      const socketWarning = (bounding: string) => {
        const result = cli(bounding, ['backup', volume, '--json']);
        assert.equal(result.status, 0, result.stderr);
        const [backup] = (JSON.parse(result.stdout) as { backups: { warnings: string[] }[] }).backups;
        return backup?.warnings.some((w) => w.startsWith('./private/db.sock: socket not archived'));
      };
      assert.equal(socketWarning(capabilities), true, 'with the capabilities of the unit');
      assert.equal(socketWarning('-all'), false, 'without any: the folder cannot be read');
    });
  },
);

/**
 * `unshare` arguments running `command` as the unit would: every mount read-only but the data folder
 * (ProtectSystem=strict + ReadWritePaths=), no_new_privs, only the `bounding` capabilities. unshare, sh
 * and setpriv each exec in place, so the spawned PID is the command's.
 */
function sandboxed(dataDir: string, bounding: string, command: string[]): string[] {
  const script = [
    'data=$1; shift',
    `findmnt -rno TARGET | grep -v -e '^/proc' -e '^/sys' -e '^/dev' | while read -r m; do mount -o remount,bind,ro "$m" 2>/dev/null || true; done`,
    'mount --bind "$data" "$data" && mount -o remount,bind,rw "$data"',
    'exec "$@"',
  ].join('\n');
  return [
    '--mount',
    '--propagation',
    'private',
    'sh',
    '-c',
    script,
    'sandbox',
    dataDir,
    'setpriv',
    '--no-new-privs',
    `--bounding-set=${bounding}`,
    '--inh-caps=-all',
    ...command,
  ];
}
