/**
 * The SFTP target against OpenSSH's real sshd on loopback (internal-sftp, a generated key in an
 * ssh-agent, a known_hosts file): the shared contract, and what only SFTP has: logins by identity file,
 * host keys checked as OpenSSH does, refused connections retried and counted.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { isStowageError } from '../src/core/errors.ts';
import { openTarget } from '../src/targets/registry.ts';
import { targetContract } from '../src/targets/testing/target-contract.ts';
import { freePort } from './support/loopback.ts';
import { startSshServer } from './support/ssh-server.ts';

targetContract(
  'SFTP (OpenSSH sshd)',
  async () => {
    const server = await startSshServer(undefined, { sftp: true });
    const env = { SSH_AUTH_SOCK: server.agentSocket, STOWAGE_SSH_KNOWN_HOSTS: server.knownHosts };
    Object.assign(process.env, env); // the killed writer (a child process) logs in the same way
    const root = join(server.dir, 'sftp');
    const base = `sftp://root@127.0.0.1:${server.port}`;
    const scratch = mkdtempSync(join(tmpdir(), 'stwg-sftp-client-'));
    const keygen = (file: string) =>
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(scratch, file)], {
        stdio: 'ignore',
      });
    // A known_hosts that lists another key for this server: what a man in the middle looks like.
    keygen('other_host_key');
    const otherKey = readFileSync(join(scratch, 'other_host_key.pub'), 'utf8').trim().split(/\s+/);
    const changedHosts = join(scratch, 'known_hosts_changed');
    writeFileSync(changedHosts, `[127.0.0.1]:${server.port} ${otherKey[0]} ${otherKey[1]}\n`);
    const emptyHosts = join(scratch, 'known_hosts_empty');
    writeFileSync(emptyHosts, '');
    keygen('stranger_key');
    const emptyHome = join(scratch, 'home');
    mkdirSync(emptyHome);
    let n = 0;
    return {
      server,
      root,
      base,
      scratch,
      emptyHome,
      stop: async () => {
        rmSync(scratch, { recursive: true, force: true });
        await server.stop();
      },
      subject: {
        async fresh() {
          const folder = join(root, `place-${++n}`);
          const url = `${base}${folder}`;
          const stored = () => {
            try {
              return readdirSync(folder, { recursive: true, withFileTypes: true })
                .filter((entry) => entry.isFile())
                .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
                .sort();
            } catch {
              return [];
            }
          };
          return { url, target: await openTarget(url), stored: () => Promise.resolve(stored()) };
        },
        refusals: [
          {
            mistake: 'the server\u2019s host key has changed',
            kind: 'unreachable' as const,
            open: () =>
              openTarget(`${base}${root}/x`, { env: { ...env, STOWAGE_SSH_KNOWN_HOSTS: changedHosts } }),
          },
          {
            mistake: 'the server\u2019s host key is not in known_hosts',
            kind: 'unreachable' as const,
            open: () =>
              openTarget(`${base}${root}/x`, { env: { ...env, STOWAGE_SSH_KNOWN_HOSTS: emptyHosts } }),
          },
          {
            mistake: 'a key the server does not accept',
            kind: 'unreachable' as const,
            open: () =>
              openTarget(`${base}${root}/x`, {
                env: { STOWAGE_SSH_KNOWN_HOSTS: server.knownHosts, HOME: emptyHome },
                sftp: { identityFile: join(scratch, 'stranger_key') },
              }),
          },
        ],
      },
    };
  },
  ({ server, root, base, emptyHome }) => {
    test('SFTP: logs in with an identity file, without an agent', async () => {
      const target = await openTarget(`${base}${root}/identity`, {
        env: { STOWAGE_SSH_KNOWN_HOSTS: server.knownHosts, HOME: emptyHome },
        sftp: { identityFile: server.clientKey },
      });
      try {
        const pending = await target.create('a');
        pending.stream.end('hello');
        await pending.commit();
        assert.equal(readFileSync(join(root, 'identity', 'a'), 'utf8'), 'hello');
      } finally {
        await target.close();
      }
    });

    test('SFTP: the CHANGED host key message says what to run', async () => {
      const scratch = mkdtempSync(join(tmpdir(), 'stwg-sftp-hosts-'));
      try {
        const hosts = join(scratch, 'known_hosts');
        const [type, key] = readFileSync(server.knownHosts, 'utf8').trim().split(/\s+/).slice(1);
        // Same host, another key of the same type: flip one base64 character of the real one.
        const flipped = key!.slice(0, -4) + (key!.at(-4) === 'A' ? 'B' : 'A') + key!.slice(-3);
        writeFileSync(hosts, `[127.0.0.1]:${server.port} ${type} ${flipped}\n`);
        const target = await openTarget(`${base}${root}/y`, {
          env: { SSH_AUTH_SOCK: server.agentSocket, STOWAGE_SSH_KNOWN_HOSTS: hosts },
        });
        await assert.rejects(target.list(), (error) => {
          assert.ok(isStowageError(error, 'unreachable'));
          assert.match(error.message, /CHANGED/);
          assert.match(error.message, new RegExp(`sftp://root@127\\.0\\.0\\.1:${server.port}/`));
          assert.match(error.hint ?? '', /ssh-keygen -R '\[127\.0\.0\.1\]:\d+'/);
          return true;
        });
        await target.close();
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });

    test('SFTP: a refused connection is retried with backoff, counted, then named without its password', async () => {
      const port = await freePort(); // nothing listens there
      const target = await openTarget(`sftp://root:hunter2@127.0.0.1:${port}/srv/backups`, {
        sftp: { maxAttempts: 3 },
      });
      await assert.rejects(target.list(), (error) => {
        assert.ok(isStowageError(error, 'unreachable'));
        assert.match(error.message, new RegExp(`sftp://root@127\\.0\\.0\\.1:${port}/srv/backups`));
        assert.ok(!`${error.message} ${error.hint}`.includes('hunter2'), error.message);
        return true;
      });
      assert.equal(target.retries, 2);
      await target.close();
    });
  },
);
