/**
 * Validation of `docker volume create --opt` for Stowage's driver: pure, no I/O. Every option a backend
 * does not know is refused by name, and a password is refused outright (sshfs takes a key file path).
 */
import { isAbsolute, normalize } from 'node:path';
import { invalid } from '../core/errors.ts';
import { parseSize } from '../core/units.ts';
import { cronProblem } from '../policy/cron-expression.ts';
import { parseRetentionPolicy } from '../policy/retention-policy.ts';
import type { BackendType, VolumePolicy, VolumeSpec } from './contract.ts';

const COMMON = ['type', 'backup', 'keep'];
const KNOWN: Record<BackendType, string[]> = {
  dir: ['size'],
  path: ['path', 'purge'],
  tmpfs: ['size', 'mode'],
  sshfs: ['host', 'path', 'user', 'port', 'identity', 'known_hosts', 'readonly', 'sftp_server'],
};
const SECRET = /^(password|passwd|pass|password_stdin|ssh_password|secret)$/i;

/** Docker's own rule for volume names; the name becomes a folder, so nothing else may pass. */
export function checkVolumeName(name: string): void {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name) || name.length > 255)
    throw invalid(
      `invalid volume name "${name}"`,
      'use letters, digits, "_", "." and "-", starting with a letter or digit',
    );
}

/**
 * Parses the options of a new volume. @throws StowageError('invalid') naming the first bad option:
 * unknown for the backend, missing, malformed, or a password.
 */
export function parseVolumeOptions(
  name: string,
  options: Record<string, string>,
): { spec: VolumeSpec; policy: VolumePolicy } {
  const type = options.type ?? 'dir';
  if (!(type in KNOWN))
    throw invalid(
      `volume ${name}: option type: unknown backend "${type}"`,
      'use type=dir, path, tmpfs or sshfs',
    );
  const backend = type as BackendType;
  for (const key of Object.keys(options)) {
    if (SECRET.test(key))
      throw invalid(
        `volume ${name}: option ${key}: passwords are never accepted (they would show in docker volume inspect)`,
        'give a private key file instead: --opt identity=/root/.ssh/id_ed25519',
      );
    if (!COMMON.includes(key) && !KNOWN[backend].includes(key))
      throw invalid(
        `volume ${name}: unknown option "${key}" for type=${backend}`,
        `options of type=${backend}: ${[...COMMON, ...KNOWN[backend]].join(', ')}`,
      );
  }
  return { spec: parseSpec(name, backend, options), policy: parsePolicy(name, options) };
}

function parseSpec(name: string, type: BackendType, o: Record<string, string>): VolumeSpec {
  switch (type) {
    case 'dir':
      return { type, sizeBytes: o.size === undefined ? undefined : size(name, o.size) };
    case 'path':
      return {
        type,
        path: hostPath(name, 'path', required(name, o, 'path')),
        purge: bool(name, 'purge', o.purge),
      };
    case 'tmpfs':
      if (o.mode !== undefined && !/^[0-7]{3,4}$/.test(o.mode))
        throw invalid(
          `volume ${name}: option mode: "${o.mode}" is not an octal mode`,
          'for example mode=1777',
        );
      return { type, sizeBytes: size(name, required(name, o, 'size')), mode: o.mode };
    case 'sshfs': {
      const host = required(name, o, 'host');
      if (!/^[a-zA-Z0-9._:[\]-]+$/.test(host))
        throw invalid(`volume ${name}: option host: "${host}" is not a host name or address`);
      const user = o.user;
      if (user !== undefined && !/^[a-zA-Z0-9._-]+$/.test(user))
        throw invalid(`volume ${name}: option user: "${user}" is not a user name`);
      const remote = required(name, o, 'path');
      if (/[\n\r,]/.test(remote))
        throw invalid(`volume ${name}: option path: "${remote}" is not a usable path`);
      const port = o.port === undefined ? undefined : Number(o.port);
      if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))
        throw invalid(`volume ${name}: option port: "${o.port}" is not a TCP port`);
      return {
        type,
        host,
        path: remote,
        user,
        port,
        identity: o.identity === undefined ? undefined : filePath(name, 'identity', o.identity),
        knownHosts: o.known_hosts === undefined ? undefined : filePath(name, 'known_hosts', o.known_hosts),
        readOnly: bool(name, 'readonly', o.readonly),
        sftpServer: o.sftp_server === undefined ? undefined : filePath(name, 'sftp_server', o.sftp_server),
      };
    }
  }
}

function parsePolicy(name: string, o: Record<string, string>): VolumePolicy {
  if (o.backup !== undefined) {
    const problem = cronProblem(o.backup);
    if (problem) throw invalid(`volume ${name}: option backup: ${problem}`);
  }
  if (o.keep !== undefined) {
    if (o.backup === undefined)
      throw invalid(
        `volume ${name}: option keep needs option backup`,
        'for example --opt backup=@daily --opt keep=last:7',
      );
    try {
      parseRetentionPolicy(o.keep);
    } catch (error) {
      throw invalid(`volume ${name}: option keep: ${(error as Error).message}`);
    }
  }
  return { backup: o.backup, keep: o.keep };
}

function required(name: string, o: Record<string, string>, key: string): string {
  const value = o[key];
  if (value === undefined || value === '')
    throw invalid(`volume ${name}: option ${key} is required for type=${o.type ?? 'dir'}`);
  return value;
}

function size(name: string, text: string): number {
  const bytes = parseSize(text, `option size of volume ${name}`);
  if (bytes < 16 * 1024 ** 2)
    throw invalid(`volume ${name}: option size: ${text} is too small`, 'the smallest size is 16M');
  return bytes;
}

function bool(name: string, key: string, text: string | undefined): boolean {
  if (text === undefined) return false;
  if (/^(true|1|yes)$/i.test(text)) return true;
  if (/^(false|0|no)$/i.test(text)) return false;
  throw invalid(`volume ${name}: option ${key}: "${text}" is not true or false`);
}

function filePath(name: string, key: string, text: string): string {
  if (!isAbsolute(text)) throw invalid(`volume ${name}: option ${key}: "${text}" is not an absolute path`);
  // Paths end up in mount option lists, where a comma or a line break would start another option.
  if (/[,\n\r]/.test(text))
    throw invalid(`volume ${name}: option ${key}: "${text}" contains a comma or a line break`);
  return normalize(text);
}

/** Host folders a `path` volume may never be (nor be inside, for the first group). */
const SYSTEM_TREES = [
  '/etc',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/boot',
  '/dev',
  '/proc',
  '/sys',
  '/run',
  '/var/lib/docker',
];
const SYSTEM_FOLDERS = ['/', '/var', '/var/lib', '/home', '/root', '/srv', '/opt', '/mnt', '/media', '/tmp'];

function hostPath(name: string, key: string, text: string): string {
  const path = filePath(name, key, text).replace(/(.)\/+$/, '$1');
  if (path.split('/').includes('..')) throw invalid(`volume ${name}: option ${key}: "${text}" contains ".."`);
  if (
    SYSTEM_FOLDERS.includes(path) ||
    SYSTEM_TREES.some((tree) => path === tree || path.startsWith(`${tree}/`))
  )
    throw invalid(
      `volume ${name}: option ${key}: ${path} is a system path`,
      'name a folder of its own, such as /srv/NAME',
    );
  return path;
}

/**
 * Checks host paths against the folders of this host the plugin must never hand out: the engine's data
 * roots and the plugin's own root. Separate from `parseVolumeOptions` because they are known at start.
 */
export function checkNotInside(name: string, path: string, forbidden: readonly string[]): void {
  for (const root of forbidden) {
    const clean = normalize(root).replace(/(.)\/+$/, '$1');
    if (path === clean || path.startsWith(`${clean}/`) || clean.startsWith(`${path}/`))
      throw invalid(
        `volume ${name}: option path: ${path} overlaps ${clean}, which the engine or the plugin owns`,
        'name a folder of its own, such as /srv/NAME',
      );
  }
}
