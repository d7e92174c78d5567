/**
 * `type=sshfs`: a remote folder over SSH through FUSE. Authentication is by key file only, in batch mode
 * (ssh never prompts, so no password can be asked for or stored); the host key is checked strictly against
 * `known_hosts=` or the system's files. Mounted at the first caller's Mount and unmounted after the last
 * Unmount; Create tries a mount once so a wrong host, key or path fails at `docker volume create`.
 */
import { execFile } from 'node:child_process';
import { access, rm } from 'node:fs/promises';
import { constants } from 'node:fs';
import { StowageError, invalid } from '../core/errors.ts';
import { mountAt, run, unmountIfMounted } from './host-commands.ts';
import type { Backend, VolumeRecord, VolumePaths } from './contract.ts';
import { makeFolder } from '../core/make-folder.ts';

/** The sshfs command line for a volume (pure, for tests): never a secret in it, only file paths. */
export function sshfsArgs(record: VolumeRecord, mountpoint: string): string[] {
  if (record.spec.type !== 'sshfs') throw new Error(`${record.name} is not an sshfs volume`);
  const spec = record.spec;
  const options = [
    'BatchMode=yes',
    'StrictHostKeyChecking=yes',
    'PasswordAuthentication=no',
    'KbdInteractiveAuthentication=no',
    'ServerAliveInterval=15',
    'ServerAliveCountMax=3',
    'ConnectTimeout=15',
    'reconnect',
    'allow_other',
    ...(spec.identity ? [`IdentityFile=${spec.identity}`, 'IdentitiesOnly=yes'] : []),
    ...(spec.knownHosts ? [`UserKnownHostsFile=${spec.knownHosts}`] : []),
    ...(spec.port ? [`port=${spec.port}`] : []),
    ...(spec.readOnly ? ['ro'] : []),
    ...(spec.sftpServer ? [`sftp_server=${spec.sftpServer}`] : []),
    `fsname=sshfs#${spec.user ? `${spec.user}@` : ''}${spec.host}:${spec.path}`,
  ];
  const remote = `${spec.user ? `${spec.user}@` : ''}${spec.host.includes(':') ? `[${spec.host}]` : spec.host}:${spec.path}`;
  return [remote, mountpoint, '-o', options.join(',')];
}

/** The ssh options of a volume (pure): the same checks sshfs makes, for `diagnose`. */
function sshArgs(record: VolumeRecord): string[] {
  if (record.spec.type !== 'sshfs') return [];
  const spec = record.spec;
  return [
    ...[
      'BatchMode=yes',
      'StrictHostKeyChecking=yes',
      'PasswordAuthentication=no',
      'ConnectTimeout=15',
    ].flatMap((o) => ['-o', o]),
    ...(spec.identity ? ['-o', `IdentityFile=${spec.identity}`, '-o', 'IdentitiesOnly=yes'] : []),
    ...(spec.knownHosts ? ['-o', `UserKnownHostsFile=${spec.knownHosts}`] : []),
    ...(spec.port ? ['-p', String(spec.port)] : []),
    '-T',
    `${spec.user ? `${spec.user}@` : ''}${spec.host}`,
    'exit',
  ];
}

const SSH_FAILURES =
  /Host key verification failed|host key|Permission denied|Could not resolve|Connection refused|timed out|No route to host/i;

/**
 * sshfs reports most ssh failures as "read: Connection reset by peer"; ssh itself says what went wrong
 * (unknown host key, key refused, ...). Only its recognised failure lines are kept.
 */
function diagnose(record: VolumeRecord): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('ssh', sshArgs(record), { timeout: 20_000, encoding: 'utf8' }, (_error, _stdout, stderr) => {
      const lines = stderr.split(/\r?\n/).filter((line) => SSH_FAILURES.test(line));
      resolve(lines.length ? lines.join(' ') : undefined);
    });
  });
}

async function readable(record: VolumeRecord, file: string | undefined, option: string): Promise<void> {
  if (!file) return;
  await access(file, constants.R_OK).catch(() => {
    throw invalid(`volume ${record.name}: option ${option}: ${file} cannot be read by the plugin`);
  });
}

export const sshfsBackend: Backend = {
  attach: 'on-use',
  async create(record, paths) {
    if (record.spec.type !== 'sshfs') return;
    await readable(record, record.spec.identity, 'identity');
    await readable(record, record.spec.knownHosts, 'known_hosts');
    await this.mount(record, paths);
    await this.unmount(record, paths);
  },
  async mount(record, paths) {
    if (await mountAt(paths.mountpoint)) return;
    await makeFolder(paths.mountpoint, 0o755);
    try {
      await run(
        'sshfs',
        sshfsArgs(record, paths.mountpoint),
        `mount volume ${record.name} over sshfs`,
        60_000,
      );
    } catch (error) {
      const reason = await diagnose(record);
      if (!reason) throw error;
      throw new StowageError('failed', `mount volume ${record.name} over sshfs: ${reason}`, {
        hint: /host key/i.test(reason)
          ? 'add the server to the file known_hosts= names (ssh-keyscan -p PORT HOST >> FILE, then check it)'
          : 'check host=, port=, user= and identity=',
        cause: error,
      });
    }
  },
  async unmount(record, paths) {
    await unmountIfMounted(paths.mountpoint, `unmount volume ${record.name}`);
  },
  async mounted(_record, paths) {
    return (await mountAt(paths.mountpoint)) !== undefined;
  },
  async destroy(_record, paths: VolumePaths) {
    await rm(paths.dir, { recursive: true, force: true });
  },
  async status(record, paths) {
    if (record.spec.type !== 'sshfs') return {};
    const { host, path, user, port, identity, readOnly } = record.spec;
    return {
      remote: `${user ? `${user}@` : ''}${host}:${path}`,
      ...(port ? { port } : {}),
      ...(identity ? { identity } : {}),
      readOnly,
      connected: (await mountAt(paths.mountpoint)) !== undefined,
    };
  },
};
