import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { takeInheritedSocket } from '../../plugin/inherited-socket.ts';
import { DEFAULT_SOCKET, startPlugin } from '../../plugin/run-plugin.ts';
import {
  PLUGIN_SERVICE,
  PLUGIN_SOCKET,
  pluginServiceUnit,
  pluginSocketUnit,
} from '../../plugin/systemd-unit.ts';
import { VolumeStore } from '../../plugin/volume-store.ts';
import { installedCommand } from '../installed-command.ts';
import { Interrupted } from '../interrupt.ts';
import type { CliSession } from '../session.ts';
import { installUnits, reportInstall, type InstallFlags } from '../unit-files.ts';

export interface PluginServeOptions {
  socket?: string;
  root?: string;
  forbidPath?: string[];
}

export interface PluginInstallOptions extends InstallFlags {
  socket?: string;
  root?: string;
}

const rootOf = (session: CliSession, root: string | undefined) => root ?? join(session.dataDir, 'plugin');

/** Serves the volume plugin protocol until SIGTERM or SIGINT; volumes stay mounted after it stops. */
export async function pluginServe(session: CliSession, options: PluginServeOptions): Promise<void> {
  const running = await startPlugin({
    socket: options.socket ?? DEFAULT_SOCKET,
    root: rootOf(session, options.root),
    forbiddenPaths: options.forbidPath ?? [],
    dataDir: session.dataDir,
    // Under systemd's socket activation (stowage-plugin.socket) the socket is passed as fd 3.
    listenFd: takeInheritedSocket(),
    log: (line) => session.out.note(line),
  });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      session.out.note(`stowage plugin: ${signal}: stopping (volumes stay mounted)`);
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      void running.stop().then(() => resolve(signal));
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  // SIGTERM is how a service manager stops a service: a clean stop, exit 0. Ctrl-C exits 130, as shells expect.
  if (signal === 'SIGINT') throw new Interrupted(signal, 'plugin stopped by SIGINT; volumes stay mounted');
}

/**
 * Writes `stowage-plugin.socket` and `stowage-plugin.service` (socket activation: the socket outlives every
 * restart of the plugin); prints how to enable them. @throws conflict when either differs (unless --force).
 */
export function pluginInstall(session: CliSession, options: PluginInstallOptions): void {
  const socket = resolve(options.socket ?? DEFAULT_SOCKET);
  const units = [
    { name: PLUGIN_SOCKET, content: pluginSocketUnit({ socket }) },
    {
      name: PLUGIN_SERVICE,
      content: pluginServiceUnit({
        exec: [...installedCommand(), '--data-dir', resolve(session.dataDir)],
        socket,
        root: resolve(rootOf(session, options.root)),
      }),
    },
  ];
  // A service unit from before socket activation: its plugin removes the socket file when it stops, so it
  // must be stopped before systemd takes the socket, and its old [Install] links replaced.
  const unitDir = resolve(options.unitDir);
  const upgrade =
    existsSync(join(unitDir, PLUGIN_SERVICE)) && !existsSync(join(unitDir, PLUGIN_SOCKET))
      ? [`systemctl stop ${PLUGIN_SERVICE}`, `systemctl reenable ${PLUGIN_SERVICE}`]
      : [];
  const result = installUnits(units, options, [
    'systemctl daemon-reload',
    ...upgrade,
    `systemctl enable --now ${PLUGIN_SOCKET}`,
  ]);
  reportInstall(session.out, result, units, options, { socket });
}

/** The plugin's volumes from its state file: type, mounts (caller IDs) and policy. */
export function pluginLs(session: CliSession, options: { root?: string; json?: boolean }): void {
  const root = rootOf(session, options.root);
  // A listing creates nothing: no state folder yet means no volumes.
  const records = existsSync(root) ? new VolumeStore(root).all() : [];
  if (options.json) return session.out.json(records);
  session.out.table(
    ['NAME', 'TYPE', 'MOUNTS', 'BACKUP', 'CREATED'],
    records.map((r) => [r.name, r.spec.type, String(r.callers.length), r.policy.backup ?? '', r.createdAt]),
  );
}
