import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SOCKET, startPlugin } from '../../plugin/run-plugin.ts';
import { systemdUnit } from '../../plugin/systemd-unit.ts';
import { VolumeStore } from '../../plugin/volume-store.ts';
import { conflict } from '../../core/errors.ts';
import { makeFolderSync } from '../../core/make-folder.ts';
import { Interrupted } from '../interrupt.ts';
import type { CliSession } from '../session.ts';

export interface PluginServeOptions {
  socket?: string;
  root?: string;
  forbidPath?: string[];
}

export interface PluginInstallOptions {
  socket?: string;
  root?: string;
  unitDir: string;
  force?: boolean;
}

const rootOf = (session: CliSession, root: string | undefined) => root ?? join(session.dataDir, 'plugin');

/** Serves the volume plugin protocol until SIGTERM or SIGINT; volumes stay mounted after it stops. */
export async function pluginServe(session: CliSession, options: PluginServeOptions): Promise<void> {
  const running = await startPlugin({
    socket: options.socket ?? DEFAULT_SOCKET,
    root: rootOf(session, options.root),
    forbiddenPaths: options.forbidPath ?? [],
    dataDir: session.dataDir,
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

/** Writes `stowage-plugin.service`; prints how to enable it. @throws conflict when it exists (unless --force). */
export function pluginInstall(session: CliSession, options: PluginInstallOptions): void {
  const unitFile = join(options.unitDir, 'stowage-plugin.service');
  if (existsSync(unitFile) && !options.force)
    throw conflict(`${unitFile} exists`, 'pass --force to replace it');
  const script = process.argv[1] ? realpathSync(process.argv[1]) : 'stowage';
  makeFolderSync(options.unitDir);
  writeFileSync(
    unitFile,
    systemdUnit({
      exec: [process.execPath, script, '--data-dir', session.dataDir],
      socket: options.socket ?? DEFAULT_SOCKET,
      root: rootOf(session, options.root),
    }),
  );
  session.out.write(unitFile);
  session.out.note(
    'enable it with: systemctl daemon-reload && systemctl enable --now stowage-plugin.service (it starts before docker.service)',
  );
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
