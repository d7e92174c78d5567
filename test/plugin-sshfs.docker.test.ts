/**
 * The plugin's sshfs backend with the real engine, against a private OpenSSH server on loopback (Debian's
 * package, key authentication only). The plugin announces itself with a spec file here (its socket is in
 * its own folder), so both discovery paths are covered between the two plugin test files.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { docker, dockerOk, engineAvailable, IMAGE, SKIP_REASON, TestSession } from './support/engine.ts';
import { ensureCommands } from './support/loopback.ts';
import { startSshServer, type SshServer } from './support/ssh-server.ts';
import { PluginProcess } from '../src/plugin/testing/plugin-process.ts';

const SFTP_SERVER = '/usr/lib/openssh/sftp-server'; // the test's sshd has no sftp subsystem configured

describe(
  'sshfs volumes of the stowage plugin',
  { skip: !engineAvailable() && SKIP_REASON, timeout: 300_000 },
  () => {
    const s = new TestSession();
    const plugin = new PluginProcess('own');
    const remote = mkdtempSync(join(tmpdir(), 'stwg-sshfs-remote-'));
    let ssh: SshServer | undefined;
    let options: string[] = [];
    const name = `remote-${s.id}`;
    const mountsOf = () =>
      readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .filter((l) => l.includes(plugin.dir) && l.includes('fuse.sshfs'));

    before(async () => {
      ensureCommands({ sshfs: 'sshfs', fusermount3: 'fuse3' });
      ssh = await startSshServer(process.env.DOCKER_HOST ?? '');
      mkdirSync(join(remote, 'shared'));
      writeFileSync(join(remote, 'shared', 'hello.txt'), 'from the ssh server\n');
      await plugin.start();
      const keyDir = dirname(ssh.knownHosts); // the helper keeps the client key beside known_hosts
      options = [
        'type=sshfs',
        'host=127.0.0.1',
        `port=${ssh.port}`,
        'user=root',
        `path=${join(remote, 'shared')}`,
        `identity=${join(keyDir, 'client_key')}`,
        `known_hosts=${ssh.knownHosts}`,
        `sftp_server=${SFTP_SERVER}`,
      ];
    });
    after(async () => {
      try {
        s.cleanup();
      } finally {
        await plugin.cleanup();
        await ssh?.stop();
        rmSync(remote, { recursive: true, force: true });
      }
    });

    const create = (volume: string, opts: string[]) =>
      docker(
        'volume',
        'create',
        '-d',
        plugin.driver,
        '--label',
        s.label,
        ...opts.flatMap((o) => ['--opt', o]),
        volume,
      );

    test('the plugin is found through its spec file', () => {
      assert.equal(
        readFileSync(`/etc/docker/plugins/${plugin.driver}.spec`, 'utf8').trim(),
        `unix://${plugin.socket}`,
      );
    });

    test('a password is refused, naming the option; a wrong host key fails at create', () => {
      const password = create(`pw-${s.id}`, [...options, 'password=hunter2']);
      assert.notEqual(password.status, 0);
      assert.match(password.stderr, /option password: passwords are never accepted/);
      const strangers = join(plugin.dir, 'empty_known_hosts');
      writeFileSync(strangers, '');
      const unknown = create(`hk-${s.id}`, [
        ...options.filter((o) => !o.startsWith('known_hosts=')),
        `known_hosts=${strangers}`,
      ]);
      assert.notEqual(unknown.status, 0);
      assert.match(unknown.stderr, /Host key verification failed|host key/i);
      assert.ok(!plugin.log.includes('hunter2'), 'the password is in no log');
      assert.equal(dockerOk('volume', 'ls', '-q', '--filter', `driver=${plugin.driver}`), '');
    });

    test('containers read files that exist on the server and write back to it', () => {
      const created = create(name, options);
      assert.equal(created.status, 0, created.stderr);
      assert.equal(mountsOf().length, 0, 'not mounted until a container needs it');
      assert.equal(
        dockerOk('run', '--rm', '-v', `${name}:/remote`, IMAGE, 'cat', '/remote/hello.txt'),
        'from the ssh server',
      );
      dockerOk(
        'run',
        '--rm',
        '-v',
        `${name}:/remote`,
        IMAGE,
        'sh',
        '-c',
        'echo from a container > /remote/back.txt',
      );
      assert.equal(readFileSync(join(remote, 'shared', 'back.txt'), 'utf8'), 'from a container\n');
      assert.equal(mountsOf().length, 0, 'unmounted after the last container');
    });

    test('inspect shows the remote and the key path, never a secret', () => {
      const [volume] = JSON.parse(dockerOk('volume', 'inspect', name)) as {
        Status: Record<string, unknown>;
        Options: Record<string, string>;
      }[];
      assert.equal(volume?.Status.backend, 'sshfs');
      assert.equal(volume?.Status.remote, `root@127.0.0.1:${join(remote, 'shared')}`);
      assert.match(String(volume?.Status.identity), /client_key$/);
      assert.ok(!JSON.stringify(volume).match(/password|BEGIN OPENSSH/i));
    });

    test('a running container keeps its remote files across a plugin restart; rm cleans up', async () => {
      s.container(`user-${s.id}`, ['-v', `${name}:/remote`]);
      assert.equal(mountsOf().length, 1);
      await plugin.stop();
      await plugin.start();
      assert.equal(dockerOk('exec', `user-${s.id}`, 'cat', '/remote/hello.txt'), 'from the ssh server');
      dockerOk('rm', '-f', `user-${s.id}`);
      assert.equal(mountsOf().length, 0, "the container's Unmount reached the restarted plugin");
      dockerOk('volume', 'rm', name);
      assert.equal(
        readFileSync(join(remote, 'shared', 'hello.txt'), 'utf8'),
        'from the ssh server\n',
        'remote data stays',
      );
    });
  },
);
