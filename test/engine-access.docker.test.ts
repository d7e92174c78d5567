/**
 * Stowage reaches engines the way the docker CLI does, end to end with real servers on loopback: a second
 * private engine on tcp:// with TLS verification, the docker CLI's own contexts pointing at it, and an
 * sshd in front of it for ssh://. Each answer is compared with the docker CLI's, run with the same
 * environment. The environment always also names the main private engine (DOCKER_HOST from the runner),
 * so an address Stowage ignored would show as the wrong engine's volumes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildBusyboxImage, TEST_IMAGE } from '../scripts/private-engine.ts';
import { engineAvailable, SKIP_REASON, TestSession, type Result } from './support/engine.ts';
import { startSshServer, type SshServer } from './support/ssh-server.ts';
import { makeCertificates, type TestCertificates } from './support/tls-certs.ts';
import { startTlsEngine, type TlsEngine } from './support/tls-engine.ts';

type Env = Record<string, string | undefined>;

/** The variables that choose an engine, cleared: each test names the ones it means. */
const UNSET: Env = {
  DOCKER_HOST: undefined,
  DOCKER_CONTEXT: undefined,
  DOCKER_TLS_VERIFY: undefined,
  DOCKER_TLS: undefined,
  DOCKER_CERT_PATH: undefined,
};

function run(command: string, args: string[], env: Env): Result {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

const lines = (text: string) => text.split('\n').filter(Boolean).sort();

/** A user error is one `stowage:` line, perhaps a hint, and never a stack trace. */
function assertOneLineError(result: Result, pattern: RegExp): void {
  const [first, ...rest] = result.stderr.trimEnd().split('\n');
  assert.match(first ?? '', /^stowage: /, result.stderr);
  assert.match(first ?? '', pattern, result.stderr);
  assert.ok(
    rest.every((line) => line.startsWith('  hint: ')),
    `only a hint may follow the error:\n${result.stderr}`,
  );
}

describe(
  'reaching engines as the docker CLI does',
  { skip: !engineAvailable() && SKIP_REASON, timeout: 900_000 },
  () => {
    const s = new TestSession();
    const work = mkdtempSync(join(tmpdir(), 'stwg-access-'));
    const dockerConfig = join(work, 'docker-config');
    let certs: TestCertificates;
    let remote: TlsEngine;
    /** The engine behind tcp://, its context and ssh://, reached without TLS through its socket. */
    const onRemote = (...args: string[]) =>
      run('docker', args, { ...UNSET, DOCKER_HOST: remote.unixHost, DOCKER_CONFIG: dockerConfig });
    const remoteOk = (...args: string[]) => {
      const result = onRemote(...args);
      assert.equal(result.status, 0, `docker ${args.join(' ')}: ${result.stderr}`);
      return result.stdout.trim();
    };
    /** The environment a user of a TLS engine sets, on top of the runner's DOCKER_HOST. */
    const tlsEnv = (certPath: string): Env => ({
      DOCKER_HOST: `tcp://127.0.0.1:${remote.port}`,
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: certPath,
      DOCKER_CONFIG: dockerConfig,
    });
    const volumes = () => [`remote-a-${s.id}`, `remote-b-${s.id}`];

    before(async () => {
      certs = makeCertificates(join(work, 'certs'));
      remote = await startTlsEngine(certs);
      for (const name of volumes()) remoteOk('volume', 'create', '--label', s.label, name);
      s.volume(`main-${s.id}`);
    });
    after(async () => {
      s.cleanup();
      await remote?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    describe('tcp:// with TLS (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)', () => {
      test('info reports the TLS engine, the one the docker CLI reaches with the same environment', () => {
        const env = tlsEnv(certs.clientDir);
        const result = s.stowage(['info', '--json'], env);
        assert.equal(result.status, 0, result.stderr);
        const report = JSON.parse(result.stdout) as {
          endpoint: string;
          local: boolean;
          engine: { reportedId: string; dockerRootDir: string };
        };
        assert.equal(report.endpoint, `tcp://127.0.0.1:${remote.port}`);
        assert.equal(report.local, false);
        // Engines on one host share their ID (dockerd 20.10 derives it from /etc/docker/key.json): the data
        // root tells them apart.
        const theirs = run('docker', ['info', '--format', '{{.ID}} {{.DockerRootDir}}'], env);
        assert.equal(theirs.status, 0, theirs.stderr);
        assert.equal(`${report.engine.reportedId} ${report.engine.dockerRootDir}`, theirs.stdout.trim());
        assert.equal(report.engine.dockerRootDir, join(remote.dir, 'root'));
      });

      test('ls -q lists what docker volume ls -q lists, with DOCKER_HOST and with --host', () => {
        const env = tlsEnv(certs.clientDir);
        const theirs = run('docker', ['volume', 'ls', '-q'], env);
        assert.equal(theirs.status, 0, theirs.stderr);
        const expected = lines(theirs.stdout);
        assert.deepEqual(expected, volumes());
        assert.deepEqual(lines(s.stowage(['ls', '-q'], env).stdout), expected);
        // -H with the TLS variables, as `docker -H tcp://… volume ls` uses them; DOCKER_HOST names the main engine.
        const viaFlag = s.stowage(['--host', `tcp://127.0.0.1:${remote.port}`, 'ls', '-q'], {
          DOCKER_TLS_VERIFY: '1',
          DOCKER_CERT_PATH: certs.clientDir,
        });
        assert.equal(viaFlag.status, 0, viaFlag.stderr);
        assert.deepEqual(lines(viaFlag.stdout), expected);
      });

      test('an engine certificate that ca.pem did not sign fails TLS verification, in one line, exit 5', () => {
        const env = tlsEnv(certs.wrongCaDir);
        assert.notEqual(
          run('docker', ['volume', 'ls', '-q'], env).status,
          0,
          'the docker CLI refuses it too',
        );
        const result = s.stowage(['ls', '-q'], env);
        assert.equal(result.status, 5, result.stderr);
        assert.equal(result.stdout, '');
        assertOneLineError(
          result,
          new RegExp(`TLS verification failed.*tcp://127\\.0\\.0\\.1:${remote.port}`),
        );
        assert.match(result.stderr, /ca\.pem/, 'the hint names the file to check');
      });

      test('a TLS engine reached without TLS settings fails clearly, exit 5', () => {
        const result = s.stowage(['--host', `tcp://127.0.0.1:${remote.port}`, 'ls', '-q'], {
          ...UNSET,
          DOCKER_CONFIG: dockerConfig,
        });
        assert.equal(result.status, 5, result.stderr);
        assertOneLineError(result, new RegExp(`tcp://127\\.0\\.0\\.1:${remote.port}.*(TLS|HTTPS)`));
        assert.match(result.stderr, /DOCKER_TLS_VERIFY/, 'the hint says how to turn TLS on');
      });

      test('an engine that requires a client certificate, reached without one, fails clearly, exit 5', () => {
        const result = s.stowage(['ls', '-q'], tlsEnv(certs.noClientCertDir));
        assert.equal(result.status, 5, result.stderr);
        assertOneLineError(result, /client certificate/);
      });
    });

    describe('docker CLI contexts', () => {
      const context = `remote-${s.id}`;
      before(() => {
        const created = run(
          'docker',
          [
            'context',
            'create',
            context,
            '--docker',
            `host=tcp://127.0.0.1:${remote.port},ca=${certs.server.ca},cert=${join(certs.clientDir, 'cert.pem')},key=${join(certs.clientDir, 'key.pem')}`,
          ],
          { ...UNSET, DOCKER_CONFIG: dockerConfig },
        );
        assert.equal(created.status, 0, created.stderr);
      });

      /** Stowage and the docker CLI, same environment, same arguments before the command. */
      const both = (globals: string[], env: Env) => {
        const theirs = run('docker', [...globals, 'volume', 'ls', '-q'], {
          DOCKER_CONFIG: dockerConfig,
          ...env,
        });
        assert.equal(theirs.status, 0, theirs.stderr);
        const ours = s.stowage([...globals, 'ls', '-q'], { DOCKER_CONFIG: dockerConfig, ...env });
        assert.equal(ours.status, 0, ours.stderr);
        return { ours: lines(ours.stdout), theirs: lines(theirs.stdout) };
      };

      test("--context NAME reaches the context's engine, even with DOCKER_HOST set", () => {
        const { ours, theirs } = both(['--context', context], {});
        assert.deepEqual(theirs, volumes());
        assert.deepEqual(ours, theirs);
      });

      test('DOCKER_CONTEXT=NAME reaches it; DOCKER_HOST wins over DOCKER_CONTEXT, as in the docker CLI', () => {
        const alone = both([], { ...UNSET, DOCKER_CONTEXT: context });
        assert.deepEqual(alone.theirs, volumes());
        assert.deepEqual(alone.ours, alone.theirs);
        const withHost = both([], { DOCKER_CONTEXT: context });
        assert.ok(withHost.theirs.includes(`main-${s.id}`), 'the docker CLI chose DOCKER_HOST');
        assert.deepEqual(withHost.ours, withHost.theirs);
      });

      test('the current context of `docker context use` is used when nothing else names an engine', () => {
        const used = run('docker', ['context', 'use', context], { ...UNSET, DOCKER_CONFIG: dockerConfig });
        assert.equal(used.status, 0, used.stderr);
        try {
          const { ours, theirs } = both([], UNSET);
          assert.deepEqual(theirs, volumes());
          assert.deepEqual(ours, theirs);
        } finally {
          run('docker', ['context', 'use', 'default'], { ...UNSET, DOCKER_CONFIG: dockerConfig });
        }
      });

      test('an unknown context is refused, listing the known ones, exit 3', () => {
        const result = s.stowage(['--context', 'nope', 'ls', '-q'], { DOCKER_CONFIG: dockerConfig });
        assert.equal(result.status, 3, result.stderr);
        assertOneLineError(result, /context "nope" does not exist/);
        assert.match(result.stderr, new RegExp(`known contexts: .*${context}`));
      });
    });

    describe('ssh:// through a private sshd', () => {
      let sshd: SshServer;
      const sshHost = () => `ssh://root@127.0.0.1:${sshd.port}`;
      const sshEnv = (): Env => ({
        SSH_AUTH_SOCK: sshd.agentSocket,
        DOCKER_CONFIG: dockerConfig,
        STOWAGE_SSH_KNOWN_HOSTS: sshd.knownHosts,
      });

      before(async () => {
        sshd = await startSshServer(remote.unixHost);
      });
      after(async () => {
        await sshd?.stop();
      });

      test("ls -q over ssh lists the remote engine's volumes, with --host and with DOCKER_HOST", () => {
        const expected = lines(remoteOk('volume', 'ls', '-q'));
        const viaFlag = s.stowage(['--host', sshHost(), 'ls', '-q'], sshEnv());
        assert.equal(viaFlag.status, 0, viaFlag.stderr);
        assert.deepEqual(lines(viaFlag.stdout), expected);
        assert.equal(viaFlag.stderr, '', 'no warning from the ssh transport');
        const viaEnv = s.stowage(['ls', '-q'], { ...UNSET, ...sshEnv(), DOCKER_HOST: sshHost() });
        assert.equal(viaEnv.status, 0, viaEnv.stderr);
        assert.deepEqual(lines(viaEnv.stdout), expected);
      });

      test('without a user in the address, the current user logs in, as with ssh', () => {
        const result = s.stowage(['--host', `ssh://127.0.0.1:${sshd.port}`, 'info', '--json'], sshEnv());
        assert.equal(result.status, 0, result.stderr);
        const report = JSON.parse(result.stdout) as { endpoint: string; engine: { dockerRootDir: string } };
        assert.equal(report.endpoint, `ssh://127.0.0.1:${sshd.port}`);
        assert.equal(report.engine.dockerRootDir, join(remote.dir, 'root'));
      });

      test('without an ssh agent the login is refused, saying how Stowage logs in, exit 5', () => {
        const result = s.stowage(['--host', sshHost(), 'ls', '-q'], {
          ...sshEnv(),
          SSH_AUTH_SOCK: undefined,
        });
        assert.equal(result.status, 5, result.stderr);
        assertOneLineError(
          result,
          new RegExp(`ssh login as root refused at ssh://root@127\\.0\\.0\\.1:${sshd.port}`),
        );
        assert.match(result.stderr, /ssh-agent/);
      });

      test('an ssh host whose key is not in known_hosts is refused, as ssh refuses it, exit 5', () => {
        const empty = join(dockerConfig, 'empty_known_hosts');
        writeFileSync(empty, '');
        const unknown = s.stowage(['--host', sshHost(), 'ls', '-q'], {
          ...sshEnv(),
          STOWAGE_SSH_KNOWN_HOSTS: empty,
        });
        assert.equal(unknown.status, 5, unknown.stderr);
        assert.match(
          unknown.stderr,
          new RegExp(`the ssh host key of \\[127\\.0\\.0\\.1\\]:${sshd.port} is not in`),
        );
        assert.match(unknown.stderr, /hint: check the key and accept it as ssh would/);
        const other = join(dockerConfig, 'other_known_hosts');
        writeFileSync(
          other,
          `[127.0.0.1]:${sshd.port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n`,
        );
        const changed = s.stowage(['--host', sshHost(), 'ls', '-q'], {
          ...sshEnv(),
          STOWAGE_SSH_KNOWN_HOSTS: other,
        });
        assert.equal(changed.status, 5, changed.stderr);
        assert.match(changed.stderr, /has CHANGED: someone may be intercepting the connection/);
      });

      test('a volume backed up over ssh restores over ssh, and a container reads it back', () => {
        buildBusyboxImage({ ...process.env, ...UNSET, DOCKER_HOST: remote.unixHost });
        const source = `ssh-src-${s.id}`;
        remoteOk('volume', 'create', '--label', s.label, source);
        remoteOk(
          'run',
          '--rm',
          '-v',
          `${source}:/d`,
          TEST_IMAGE,
          'sh',
          '-c',
          'mkdir -p /d/sub && echo "over ssh" > /d/sub/note.txt && head -c 3000000 /dev/urandom > /d/blob',
        );
        const archives = join(work, 'archives');
        const backup = s.stowage(
          ['--host', sshHost(), 'backup', source, '--to', archives, '--json'],
          sshEnv(),
        );
        assert.equal(backup.status, 0, backup.stderr);
        const archive = (JSON.parse(backup.stdout) as { backups: { archive: string }[] }).backups[0]!.archive;
        assert.ok(archive.startsWith(archives), archive);

        const copy = `ssh-copy-${s.id}`;
        const restore = s.stowage(['--host', sshHost(), 'restore', archive, '--to', copy], sshEnv());
        assert.equal(restore.status, 0, restore.stderr);
        const read = (volume: string) =>
          remoteOk(
            'run',
            '--rm',
            '-v',
            `${volume}:/d:ro`,
            TEST_IMAGE,
            'sh',
            '-c',
            'cat /d/sub/note.txt && md5sum /d/blob',
          );
        assert.match(read(copy), /^over ssh\n/);
        assert.equal(read(copy), read(source));
        assert.equal(onRemote('volume', 'inspect', copy).status, 0, 'the copy is on the remote engine');
        assert.notEqual(run('docker', ['volume', 'inspect', copy], {}).status, 0, 'and not on the main one');
        assert.equal(
          remoteOk('ps', '-aq', '--filter', 'label=stowage.helper'),
          '',
          'no helper container is left',
        );
      });
    });
  },
);
