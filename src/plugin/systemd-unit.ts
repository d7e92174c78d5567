/**
 * The two systemd units `stowage plugin install` writes. The socket unit owns the plugin's socket, so the
 * socket is never dead while the plugin is installed: an engine that has used a volume plugin waits about
 * 15 s on every volume call while that plugin's socket refuses connections, and with systemd holding it a
 * connection made while the plugin restarts, upgrades or crashed simply waits in the listen queue until
 * systemd has started the plugin again (socket activation; `plugin serve` takes the socket as fd 3).
 *
 * The socket is ready before dockerd (so the engine finds it when it restarts containers at boot) and the
 * service stops after it (so the engine's Unmount calls at shutdown reach it); KillMode=process leaves
 * sshfs's FUSE processes running across a plugin restart. The plugin gets no sandboxing: it mounts,
 * sets quotas and creates host folders, which is what the sandboxing options would forbid.
 */
import { dirname, join } from 'node:path';
import { execLine, unitPath } from '../core/systemd-syntax.ts';
import { driverName, PLUGIN_DIR, SPEC_DIR } from './run-plugin.ts';

export const PLUGIN_SERVICE = 'stowage-plugin.service';
export const PLUGIN_SOCKET = 'stowage-plugin.socket';

export interface UnitOptions {
  /** The command that runs Stowage: node and the bin, or the single executable. */
  exec: readonly string[];
  socket: string;
  root: string;
}

const DOCS = 'Documentation=https://github.com/stowage/stowage/blob/main/docs/PLUGIN.md';

/** `stowage-plugin.socket`: listens on the plugin's socket and starts the service at the first connection. */
export function pluginSocketUnit(options: Pick<UnitOptions, 'socket'>): string {
  const socket = unitPath(options.socket, 'plugin socket');
  driverName(options.socket); // refused here rather than at the first start
  // The engine finds a socket in /run/docker/plugins by itself; anywhere else it needs a spec file, which
  // must exist as long as the socket does, so the socket unit (not the plugin process) writes and removes it.
  const spec =
    dirname(options.socket) === PLUGIN_DIR
      ? []
      : [
          `ExecStartPost=/bin/sh -c 'mkdir -p ${SPEC_DIR} && echo unix://${socket} > ${specFile(options.socket)}'`,
          `ExecStopPost=/bin/rm -f ${specFile(options.socket)}`,
        ];
  return [
    '[Unit]',
    'Description=Stowage Docker volume plugin socket',
    DOCS,
    'Before=docker.service',
    '',
    '[Socket]',
    `ListenStream=${socket}`,
    // Root (the engine) only: whoever can call Create can make host folders.
    'SocketMode=0660',
    'SocketUser=root',
    'SocketGroup=root',
    'DirectoryMode=0755',
    'RemoveOnStop=yes',
    `Service=${PLUGIN_SERVICE}`,
    ...spec,
    '',
    '[Install]',
    'WantedBy=sockets.target',
    '',
  ].join('\n');
}

function specFile(socket: string): string {
  return join(SPEC_DIR, `${driverName(socket)}.spec`);
}

/** `stowage-plugin.service`: `plugin serve` on the socket systemd passes it. */
export function pluginServiceUnit(options: UnitOptions): string {
  const command = [...options.exec, 'plugin', 'serve', '--socket', options.socket, '--root', options.root];
  return [
    '[Unit]',
    'Description=Stowage Docker volume plugin (quotas, host paths, tmpfs, sshfs)',
    DOCS,
    `Requires=${PLUGIN_SOCKET}`,
    `After=${PLUGIN_SOCKET} local-fs.target network-online.target`,
    'Before=docker.service',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${execLine(command)}`,
    'Restart=always',
    'RestartSec=1',
    'KillMode=process',
    'TimeoutStopSec=30',
    '',
    '[Install]',
    // Enabling the service enables its socket; the socket starts it.
    `Also=${PLUGIN_SOCKET}`,
    '',
  ].join('\n');
}
