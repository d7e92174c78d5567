/**
 * The systemd unit `stowage daemon install` writes: `stowage daemon` as root with systemd's sandboxing
 * turned on wherever the daemon still works under it. The daemon talks to the engine's socket (root-equivalent
 * already, so a separate user would win little) and writes only its data folder, the backup folders and
 * its cache; everything else is read-only or hidden. Why each option is or is not here: docs/CLI.md,
 * "stowage daemon install".
 */
import { execLine, unitWord } from '../core/systemd-syntax.ts';

export const DAEMON_SERVICE = 'stowage.service';

export interface DaemonUnitOptions {
  /** The command that runs Stowage: node and the bin, or the single executable. */
  exec: readonly string[];
  listen: string;
  /** Absolute; holds the config, the catalog and the API token. */
  dataDir: string;
  /** Local backup folders outside the data folder (from the config): writable too. */
  backupFolders: readonly string[];
  /** The port the daemon listens on: below 1024 it needs CAP_NET_BIND_SERVICE. */
  port: number;
}

export function daemonUnit(options: DaemonUnitOptions): string {
  const command = [...options.exec, '--data-dir', options.dataDir, 'daemon', '--listen', options.listen];
  const capabilities = ['CAP_DAC_READ_SEARCH', ...(options.port < 1024 ? ['CAP_NET_BIND_SERVICE'] : [])];
  // "-": a backup folder that does not exist yet must not stop the daemon from starting (its backups fail
  // with a clear message instead); the data folder is created by `daemon install`.
  const writable = [
    unitWord(options.dataDir),
    ...options.backupFolders.map((folder) => `-${unitWord(folder)}`),
  ];
  return [
    '[Unit]',
    'Description=Stowage daemon: scheduled Docker volume backups, HTTP API and dashboard',
    'Documentation=https://github.com/stowage/stowage/blob/main/docs/CLI.md#stowage-daemon-install',
    'After=network-online.target docker.service',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${execLine(command)}`,
    'Restart=on-failure',
    'RestartSec=5',
    // The daemon finishes running backups at SIGTERM; a cut one is recovered at the next start.
    'TimeoutStopSec=10min',
    'UMask=0077',
    // The single executable unpacks its dashboard into $XDG_CACHE_HOME/stowage (/var/cache/stowage here).
    'CacheDirectory=stowage',
    'Environment=XDG_CACHE_HOME=%C',
    '',
    '# Sandboxing: what the daemon writes, and nothing else.',
    'ProtectSystem=strict',
    `ReadWritePaths=${writable.join(' ')}`,
    // read-only, not yes: SFTP targets read root's ~/.ssh keys and known_hosts.
    'ProtectHome=read-only',
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'NoNewPrivileges=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    'ProtectControlGroups=yes',
    'ProtectClock=yes',
    'ProtectHostname=yes',
    'RestrictSUIDSGID=yes',
    'RestrictNamespaces=yes',
    'RestrictRealtime=yes',
    'LockPersonality=yes',
    // MemoryDenyWriteExecute=yes is left out on purpose: V8 makes its code pages executable after writing
    // them, and Node aborts at start-up under it ("Check failed: 12 == errno" in OS::SetPermissions).
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
    'SystemCallArchitectures=native',
    // CAP_DAC_READ_SEARCH: reading volume folders owned by other users (the socket scan before a backup).
    `CapabilityBoundingSet=${capabilities.join(' ')}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}
