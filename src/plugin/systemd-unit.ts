/**
 * The systemd unit `stowage plugin install` writes. The plugin starts before dockerd (so the engine finds
 * it when it restarts containers at boot) and stops after it (so the engine's Unmount calls at shutdown
 * reach it); KillMode=process leaves sshfs's FUSE processes running across a plugin restart.
 */
export interface UnitOptions {
  /** The command that runs Stowage: node and the bin, or an installed `stowage`. */
  exec: readonly string[];
  socket: string;
  root: string;
}

const quote = (word: string) =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `"${word.replace(/(["\\$`])/g, '\\$1')}"`;

export function systemdUnit(options: UnitOptions): string {
  const command = [...options.exec, 'plugin', 'serve', '--socket', options.socket, '--root', options.root];
  return [
    '[Unit]',
    'Description=Stowage Docker volume plugin (quotas, host paths, tmpfs, sshfs)',
    'Documentation=https://github.com/stowage/stowage/blob/main/docs/PLUGIN.md',
    'Before=docker.service',
    'After=local-fs.target network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${command.map(quote).join(' ')}`,
    'Restart=always',
    'RestartSec=2',
    'KillMode=process',
    'TimeoutStopSec=30',
    '',
    '[Install]',
    'WantedBy=multi-user.target docker.service',
    '',
  ].join('\n');
}
