/**
 * `stowage daemon`: one long-lived process per host serving the API on loopback by default. It shares the
 * data folder, config and catalog with the CLI. SIGHUP (or an edit of config.yaml) reloads the config;
 * SIGTERM stops accepting requests, cancels running jobs (whose clean-up restarts what they stopped) and
 * exits.
 */
import { statSync, watch, type FSWatcher } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { ensureToken, readToken, tokenPath } from '../api/api-token.ts';
import { buildServer } from '../api/server.ts';
import type { BackupContext } from '../backup/backup-context.ts';
import { configPath, loadConfig } from '../config/load-config.ts';
import type { StowageConfig } from '../config/config-types.ts';
import { invalid, StowageError } from '../core/errors.ts';
import { ensurePrivateDataDir } from '../config/data-dir.ts';
import type { InventoryService } from '../inventory/inventory-service.ts';
import type { ProtectionMarks } from '../lifecycle/protection-marks.ts';
import { startEventRecorder } from '../history/event-recorder.ts';
import { startScheduler, type Scheduler } from '../schedules/scheduler.ts';
import { AuditLog } from './audit-log.ts';
import { DaemonBackend } from './daemon-backend.ts';
import { lockDataDir } from './daemon-lock.ts';

export const DEFAULT_LISTEN = '127.0.0.1:7780';

export interface DaemonOptions {
  listen: string;
  context: BackupContext;
  inventory: InventoryService;
  marks: ProtectionMarks;
  config: StowageConfig;
  /** A line for the operator, without any prefix: the daemon adds `stowage daemon: ` once, here. */
  log: (line: string) => void;
}

export interface RunningDaemon {
  address: string;
  server: FastifyInstance;
  backend: DaemonBackend;
  stop(): Promise<void>;
}

/** `HOST:PORT`, `[::1]:PORT` or `:PORT` (loopback). @throws StowageError 'invalid'. */
export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-f:]+)\]|([^:]*)):(\d{1,5})$/i.exec(listen.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535)
    throw invalid(`invalid --listen "${listen}": expected HOST:PORT`, `e.g. ${DEFAULT_LISTEN}`);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const { context } = options;
  const log = (line: string) => options.log(daemonLine(line));
  const dataDir = context.dataDir;
  const { host, port } = parseListen(options.listen);
  ensurePrivateDataDir(dataDir);
  const lock = lockDataDir(dataDir, options.listen);
  try {
    return await serve(options, { host, port }, log, () => lock.release());
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function serve(
  options: DaemonOptions,
  { host, port }: { host: string; port: number },
  log: (line: string) => void,
  unlock: () => void,
): Promise<RunningDaemon> {
  const { context } = options;
  const dataDir = context.dataDir;
  ensureToken(dataDir);
  let config = options.config;
  // eslint-disable-next-line prefer-const -- assigned once the server listens; the backend reads it later
  let scheduler: Scheduler | undefined;
  const backend = new DaemonBackend({
    context,
    inventory: options.inventory,
    marks: options.marks,
    config: () => config,
    audit: new AuditLog(dataDir),
    scheduler: () => scheduler,
  });
  const server = await buildServer(backend, {
    token: cachedToken(dataDir),
    listenHost: host,
    allowedHosts: () => config.api.allowedHosts,
  });
  await listen(server, host, port);
  // fastify's returned address is the first of possibly several (127.0.0.1 for 0.0.0.0): say what was asked.
  const address = listenUrl(host, boundPort(server, port));
  log(`listening on ${address} (engine ${context.engine.endpoint}, data ${dataDir})`);
  if (!['127.0.0.1', '::1', 'localhost'].includes(host))
    log(`warning: listening on ${host}, not only on this host; the API token is all that protects it`);
  scheduler = startScheduler({ context, configRef: () => config, jobs: backend.jobs, log });
  // Volume history: what the engine does, from now on and (replayed) while the daemon was down.
  const recorder = startEventRecorder({ engine: context.engine, catalog: context.catalog, log });

  const reload = async (why: string) => {
    try {
      config = await loadConfig(dataDir);
      scheduler?.reload();
      log(`configuration reloaded (${why})`);
    } catch (error) {
      log(`configuration NOT reloaded (${why}), keeping the previous one: ${(error as Error).message}`);
    }
  };
  const onHup = () => void reload('SIGHUP');
  process.on('SIGHUP', onHup);
  const watcher = watchConfig(dataDir, () => void reload('config.yaml changed'));

  return {
    address,
    server,
    backend,
    async stop() {
      await scheduler?.stop(); // first: nothing new starts while the rest shuts down
      process.off('SIGHUP', onHup);
      watcher?.close();
      await server.close();
      await backend.jobs.shutdown(60_000);
      await recorder.stop();
      unlock();
    },
  };
}

/**
 * Listens, turning the usual refusals into errors a user can act on (no stack trace).
 * @throws StowageError 'conflict' when the address is in use, 'invalid' when it is not this host's.
 */
async function listen(server: FastifyInstance, host: string, port: number): Promise<void> {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  try {
    await server.listen({ host, port });
  } catch (error) {
    await server.close().catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new StowageError('conflict', `cannot listen on ${where}: the address is already in use`, {
        hint: `another process (perhaps another stowage daemon) listens there: stop it, or choose another port with --listen ${host.includes(':') ? `[${host}]` : host}:PORT`,
      });
    if (code === 'EACCES')
      throw invalid(
        `cannot listen on ${where}: permission denied`,
        'ports below 1024 need root: choose a port above 1024',
      );
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
      throw invalid(
        `cannot listen on ${where}: no such address on this host`,
        `e.g. --listen ${DEFAULT_LISTEN}`,
      );
    throw error;
  }
}

/** One `stowage daemon: ` prefix per line, added here: the history recorder prefixes its own lines already. */
export function daemonLine(line: string): string {
  return `stowage daemon: ${line.replace(/^stowage daemon: /, '')}`;
}

/** The URL the daemon announces: the host as asked (0.0.0.0 stays 0.0.0.0), IPv6 in brackets. */
export function listenUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function boundPort(server: FastifyInstance, asked: number): number {
  const address = server.server.address();
  return typeof address === 'object' && address ? address.port : asked;
}

/** Reads the token file again only when it changed, so `stowage token --rotate` applies at once. */
function cachedToken(dataDir: string): () => string {
  let token = readToken(dataDir);
  let changed = statSync(tokenPath(dataDir)).mtimeMs;
  return () => {
    const now = statSync(tokenPath(dataDir), { throwIfNoEntry: false })?.mtimeMs;
    if (now !== undefined && now !== changed) {
      changed = now;
      token = readToken(dataDir);
    }
    return token;
  };
}

function watchConfig(dataDir: string, onChange: () => void): FSWatcher | undefined {
  let timer: NodeJS.Timeout | undefined;
  try {
    // The folder is watched, not the file: editors replace files, and the file may not exist yet.
    return watch(dataDir, (_event, file) => {
      if (file !== configPath(dataDir).split('/').at(-1)) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, 200);
    });
  } catch {
    return undefined;
  }
}
