/**
 * Host paths a container should not see: the Docker socket (root on the host, even read-only), the root
 * filesystem, /etc and /root, and their sensitive subpaths. Bind mounts are checked, and so are volumes of
 * the local driver that bind a host folder (`-o type=none,o=bind,device=/etc`), which expose the same.
 */
import { posix } from 'node:path';
import type { MountRow } from '../inventory/mount-listing.ts';
import type { Check, Finding, Severity } from './contract.ts';
import { findingFor } from './finding.ts';

export interface HostPathRisk {
  severity: Severity;
  /** What the path is, for the message (`the Docker socket`). */
  what: string;
  /** remove: nothing makes it safe (`:ro` does not limit API calls); narrow: a smaller path; read-only: `:ro` is enough. */
  remedy: 'remove' | 'narrow' | 'read-only';
}

// Reading these leaks credentials: password hashes, host and TLS keys, registry logins.
const SECRETS = [
  '/etc/shadow',
  '/etc/gshadow',
  '/etc/ssh',
  '/etc/ssl/private',
  '/etc/docker',
  '/root/.ssh',
  '/root/.docker',
];
// Writing these makes any user root: accounts, sudo, cron, services.
const ROOT_ON_WRITE = [
  '/etc/passwd',
  '/etc/group',
  '/etc/sudoers',
  '/etc/sudoers.d',
  '/etc/crontab',
  '/etc/cron.d',
  '/etc/systemd',
];
// Mounted read-only by many images for time and naming; nothing secret in them.
const HARMLESS_READ_ONLY = [
  '/etc/localtime',
  '/etc/timezone',
  '/etc/hostname',
  '/etc/hosts',
  '/etc/resolv.conf',
  '/etc/machine-id',
  '/etc/os-release',
];

const SOCKET = 'the Docker socket, which hands out root on the host (:ro does not limit what it allows)';

/** How dangerous it is to hand a container the host path `path`; undefined when it is not on the list. Pure. */
export function hostPathRisk(path: string, readOnly: boolean): HostPathRisk | undefined {
  if (!path.startsWith('/')) return undefined; // a Windows engine's C:\… paths are not judged here
  const clean = posix.normalize(path).replace(/(.)\/+$/, '$1');
  const high: Severity = readOnly ? 'warning' : 'critical';
  const low: Severity = readOnly ? 'info' : 'warning';
  if (posix.basename(clean) === 'docker.sock') {
    return { severity: 'critical', what: SOCKET, remedy: 'remove' };
  }
  if (clean === '/run' || clean === '/var/run') {
    return { severity: 'critical', what: `a folder with ${SOCKET}`, remedy: 'remove' };
  }
  if (clean === '/') return { severity: 'critical', what: "the host's whole filesystem", remedy: 'narrow' };
  if (clean === '/etc') {
    return { severity: high, what: "the host's configuration, with password hashes", remedy: 'narrow' };
  }
  if (clean === '/root') {
    return { severity: high, what: "root's home folder, with its keys", remedy: 'narrow' };
  }
  if (within(clean, SECRETS)) return { severity: high, what: 'host credentials', remedy: 'narrow' };
  if (within(clean, ROOT_ON_WRITE)) {
    return {
      severity: readOnly ? 'info' : 'critical',
      what: 'host accounts, sudo, cron or services: writing there is root',
      remedy: 'read-only',
    };
  }
  if (!within(clean, ['/etc', '/root'])) return undefined;
  if (readOnly && HARMLESS_READ_ONLY.includes(clean)) return undefined;
  return {
    severity: low,
    what: clean.startsWith('/etc/') ? 'host configuration' : "a path in root's home folder",
    remedy: 'read-only',
  };
}

const within = (path: string, roots: readonly string[]) =>
  roots.some((root) => path === root || path.startsWith(`${root}/`));

export const checkSensitiveBinds: Check = (facts) => {
  const bindVolumes = new Map<string, string>();
  for (const volume of facts.volumes) {
    if (volume.driver === 'local' && isBindOption(volume.options.o) && volume.options.device) {
      bindVolumes.set(volume.name, volume.options.device);
    }
  }
  const findings: Finding[] = [];
  for (const mount of facts.mounts) {
    const hostPath = hostPathOf(mount, bindVolumes);
    const risk = hostPath === undefined ? undefined : hostPathRisk(hostPath, mount.readOnly);
    if (hostPath !== undefined && risk) findings.push(finding(mount, hostPath, risk));
  }
  return findings;
};

/** The host path a mount exposes: a bind's source, or the folder a bind-type local volume stands for. */
function hostPathOf(mount: MountRow, bindVolumes: ReadonlyMap<string, string>): string | undefined {
  if (mount.type === 'bind') return mount.source;
  return mount.type === 'volume' ? bindVolumes.get(mount.source) : undefined;
}

/** The local driver's `o=bind` (or `rbind`, among other mount options) makes a volume a host folder. */
const isBindOption = (o: string | undefined) =>
  (o ?? '').split(',').some((option) => option === 'bind' || option === 'rbind');

function finding(mount: MountRow, hostPath: string, risk: HostPathRisk): Finding {
  const how =
    mount.type === 'bind'
      ? `bind-mounts ${hostPath}`
      : `mounts volume ${mount.source} (a bind of ${hostPath})`;
  // One finding per mount: the fix names the mount, so grouping containers would lose it.
  return findingFor(mount.container, {
    check: 'sensitive-binds',
    kind: 'sensitive-bind',
    severity: risk.severity,
    message: `${how} at ${mount.destination}, ${mount.readOnly ? 'read-only' : 'read-write'}: ${risk.what}`,
    fix: fixFor(mount, hostPath, risk),
  });
}

function fixFor(mount: MountRow, hostPath: string, risk: HostPathRisk): string {
  if (risk.remedy === 'remove') {
    return 'remove the mount; a container that must drive the engine should get a filtering API proxy, not the socket';
  }
  if (risk.remedy === 'read-only') {
    return mount.readOnly
      ? 'none if the container must read it; otherwise remove the mount'
      : `mount it read-only: -v ${mount.source}:${mount.destination}:ro`;
  }
  if (mount.type === 'volume') {
    return `recreate volume ${mount.source} on a narrower host path and mount it :ro`;
  }
  const base = hostPath === '/' ? '' : hostPath;
  return `mount only what it needs, read-only: -v ${base}/PATH:${mount.destination === '/' ? '' : mount.destination}/PATH:ro`;
}
