/**
 * `stowage plugin serve`: state loaded and reconciled, then the protocol on a unix socket. The driver's
 * name is the socket's base name. A socket outside /run/docker/plugins is announced with a spec file in
 * /etc/docker/plugins (removed at stop). Stopping never unmounts volumes: running containers keep their
 * data, and the next start finds the mounts in place.
 */
import { chmodSync, existsSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import type { Server } from 'node:http';
import { catalogExists, openCatalog, type Catalog } from '../catalog/catalog.ts';
import { conflict, invalid } from '../core/errors.ts';
import { fileSystemError } from '../core/file-errors.ts';
import { makeFolderSync } from '../core/make-folder.ts';
import { createProtocolServer } from './protocol-server.ts';
import { reconcile } from './reconcile.ts';
import { VolumeDriver } from './volume-driver.ts';
import { VolumeStore } from './volume-store.ts';

export const PLUGIN_DIR = '/run/docker/plugins';
export const DEFAULT_SOCKET = `${PLUGIN_DIR}/stowage.sock`;
export const SPEC_DIR = '/etc/docker/plugins';

export interface PluginOptions {
  socket: string;
  root: string;
  forbiddenPaths?: readonly string[];
  specDir?: string;
  /** Stowage's data folder: its catalog gives the Status the volume's last backup. */
  dataDir?: string;
  /**
   * A listening socket systemd passed (socket activation, `inherited-socket.ts`): served as it is; the
   * socket file, its mode and any spec file belong to the socket unit, and stay when the plugin stops.
   */
  listenFd?: number | undefined;
  log: (line: string) => void;
}

export interface RunningPlugin {
  driverName: string;
  socket: string;
  specFile: string | undefined;
  stop(): Promise<void>;
}

/** The driver name engines know the plugin by: the socket's base name without `.sock`. */
export function driverName(socket: string): string {
  const name = basename(socket).replace(/\.sock$/, '');
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name))
    throw invalid(
      `socket ${socket}: "${name}" is not a usable driver name`,
      'name the socket like stowage.sock',
    );
  return name;
}

function answers(socket: string): Promise<boolean> {
  return new Promise((done) => {
    const probe = connect(socket);
    probe.once('connect', () => (probe.destroy(), done(true)));
    probe.once('error', () => done(false));
  });
}

function listen(server: Server, where: string | { fd: number }): Promise<void> {
  return new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(where, () => ready());
  });
}

/** @throws StowageError('conflict') when another process serves the socket already. */
export async function startPlugin(options: PluginOptions): Promise<RunningPlugin> {
  const socket = resolve(options.socket);
  const root = resolve(options.root);
  const name = driverName(socket);
  const inherited = options.listenFd !== undefined;
  // First, before any state is touched: a folder that cannot hold the socket fails at once, by name.
  if (!inherited) makeFolderSync(dirname(socket), 0o755);
  if (!inherited && existsSync(socket)) {
    if (await answers(socket))
      throw conflict(
        `plugin socket ${socket} is served by another process`,
        'stop it first, or use another --socket',
      );
    unlinkSync(socket); // left by a plugin that was killed
  }
  // Node's recursive mkdir (in VolumeStore) loops forever under /proc: make the folder the safe way first.
  makeFolderSync(root, 0o700);
  const store = new VolumeStore(root);
  await reconcile(root, store, options.log);
  let catalog: Catalog | undefined;
  const dataDir = options.dataDir;
  const driver = new VolumeDriver({
    root,
    store,
    forbiddenPaths: options.forbiddenPaths ?? [],
    log: options.log,
    lastBackup: (volume) => {
      if (!dataDir || !(catalog ?? catalogExists(dataDir))) return undefined;
      catalog ??= openCatalog(dataDir);
      const newest = catalog.backups.list({ volume })[0];
      return newest && { at: newest.finishedAt, verified: newest.verifyStatus === 'ok' };
    },
  });
  const server: Server = createProtocolServer(driver, options.log);
  if (options.listenFd !== undefined) {
    await listen(server, { fd: options.listenFd }).catch((error: unknown) => {
      throw invalid(
        `cannot serve the socket systemd passed (fd ${options.listenFd}): ${(error as Error).message}`,
        'give the socket unit one ListenStream= with a unix socket path, and no Accept=yes',
      );
    });
    options.log(`stowage plugin: socket ${socket} passed by systemd (fd ${options.listenFd})`);
  } else {
    await listen(server, socket).catch((error: unknown) => {
      throw fileSystemError(error, { path: socket, action: 'listen on the socket' }) ?? error;
    });
    chmodSync(socket, 0o660); // root (the engine) only: Create can make host paths
  }
  let specFile: string | undefined;
  if (!inherited && dirname(socket) !== PLUGIN_DIR) {
    const specDir = options.specDir ?? SPEC_DIR;
    makeFolderSync(specDir, 0o755);
    specFile = join(specDir, `${name}.spec`);
    writeFileSync(specFile, `unix://${socket}\n`);
  }
  options.log(`stowage plugin: driver "${name}" listening on ${socket} (root ${root})`);
  return {
    driverName: name,
    socket,
    specFile,
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => {
          catalog?.close();
          done();
        });
        server.closeAllConnections();
        if (specFile) rmSync(specFile, { force: true });
        // systemd keeps listening on an inherited socket: connections made now wait for the next start.
        if (!inherited) rmSync(socket, { force: true });
      }),
  };
}
