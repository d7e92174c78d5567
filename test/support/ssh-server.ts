/**
 * A private sshd on 127.0.0.1 and an ssh-agent holding the only key it accepts, so `ssh://` engines can be
 * tested end to end: the client side runs `docker system dial-stdio` over ssh, and that command reaches the
 * engine named by DOCKER_HOST on the server side, which sshd sets for every session.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCommands, freePort, listening, stopPid, waitFor, which } from './loopback.ts';

export interface SshServer {
  port: number;
  /** For SSH_AUTH_SOCK: an agent holding the key sshd accepts for root. */
  agentSocket: string;
  /** A known_hosts file listing this server's host key, for STOWAGE_SSH_KNOWN_HOSTS. */
  knownHosts: string;
  /** The private key sshd accepts (the one the agent holds), for identity-file logins. */
  clientKey: string;
  /** A folder of the server's (on this machine) that tests may fill. */
  dir: string;
  stop(): Promise<void>;
}

export interface SshServerOptions {
  /** Serve SFTP (OpenSSH's internal-sftp), for sftp:// targets. */
  sftp?: boolean;
}

export function ensureSshInstalled(): void {
  ensureCommands({
    sshd: 'openssh-server',
    ssh: 'openssh-client',
    'ssh-keygen': 'openssh-client',
    'ssh-agent': 'openssh-client',
    'ssh-add': 'openssh-client',
  });
}

/**
 * Starts sshd and ssh-agent; `dockerHost` is the DOCKER_HOST that remote commands see (none: sshd sets
 * none).
 */
export async function startSshServer(
  dockerHost: string | undefined,
  options: SshServerOptions = {},
): Promise<SshServer> {
  ensureSshInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'stwg-ssh-'));
  const pids: (number | undefined)[] = [];
  const stop = async () => {
    for (const pid of pids.reverse()) await stopPid(pid);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const keygen = (file: string, comment: string) =>
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', join(dir, file)], {
        stdio: 'ignore',
      });
    keygen('host_key', 'stowage-test-host');
    keygen('client_key', 'stowage-test-client');
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
    // sshd refuses to start without its privilege separation folder, which the package's service creates.
    if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
    const port = await freePort();
    const config = join(dir, 'sshd_config');
    writeFileSync(
      config,
      [
        'ListenAddress 127.0.0.1',
        `Port ${port}`,
        `HostKey ${join(dir, 'host_key')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PermitRootLogin prohibit-password',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'AllowAgentForwarding no',
        'AllowTcpForwarding no',
        'X11Forwarding no',
        // What `docker system dial-stdio` on "the remote host" connects to.
        ...(dockerHost === undefined ? [] : [`SetEnv DOCKER_HOST=${dockerHost}`]),
        ...(options.sftp ? ['Subsystem sftp internal-sftp'] : []),
        '',
      ].join('\n'),
    );
    const logFile = join(dir, 'sshd.log');
    // sshd re-executes itself, so it must be started by its absolute path.
    const sshd = spawn(which('sshd')!, ['-D', '-e', '-f', config], {
      detached: true,
      stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')],
    });
    sshd.unref();
    pids.push(sshd.pid);
    await waitFor(
      'sshd',
      () => listening(port),
      () => sshd.exitCode !== null,
      () => readFileSync(logFile, 'utf8'),
    );

    const agentSocket = join(dir, 'agent.sock');
    const agentLog = join(dir, 'agent.log');
    const agent = spawn(which('ssh-agent')!, ['-D', '-a', agentSocket], {
      detached: true,
      stdio: ['ignore', openSync(agentLog, 'a'), openSync(agentLog, 'a')],
    });
    agent.unref();
    pids.push(agent.pid);
    await waitFor(
      'ssh-agent',
      () => existsSync(agentSocket),
      () => agent.exitCode !== null,
      () => readFileSync(agentLog, 'utf8'),
    );
    execFileSync('ssh-add', ['-q', join(dir, 'client_key')], {
      env: { ...process.env, SSH_AUTH_SOCK: agentSocket },
      stdio: 'ignore',
    });
    const knownHosts = join(dir, 'known_hosts');
    const [type, key] = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim().split(/\s+/);
    writeFileSync(knownHosts, `[127.0.0.1]:${port} ${type} ${key}\n`);
    return { port, agentSocket, knownHosts, clientKey: join(dir, 'client_key'), dir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
