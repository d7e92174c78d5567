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
import { invalid } from '../core/errors.ts';
import type { InventoryService } from '../inventory/inventory-service.ts';
import type { ProtectionMarks } from '../lifecycle/protection-marks.ts';
import { startEventRecorder } from '../history/event-recorder.ts';
import { startScheduler, type Scheduler } from '../schedules/scheduler.ts';
import { AuditLog } from './audit-log.ts';
import { DaemonBackend } from './daemon-backend.ts';

export const DEFAULT_LISTEN = '127.0.0.1:7780';

export interface DaemonOptions {
  listen: string;
  context: BackupContext;
  inventory: InventoryService;
  marks: ProtectionMarks;
  config: StowageConfig;
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
  const { context, log } = options;
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
  const server = await buildServer(backend, { token: cachedToken(dataDir) });
  const { host, port } = parseListen(options.listen);
  const address = await server.listen({ host, port });
  log(`stowage daemon: listening on ${address} (engine ${context.engine.endpoint}, data ${dataDir})`);
  if (!['127.0.0.1', '::1', 'localhost'].includes(host))
    log(
      `stowage daemon: warning: listening on ${host}, not only on this host; the API token is all that protects it`,
    );
  scheduler = startScheduler({
    context,
    configRef: () => config,
    jobs: backend.jobs,
    log: (line) => log(`stowage daemon: ${line}`),
  });
  // Volume history: what the engine does, from now on and (replayed) while the daemon was down.
  const recorder = startEventRecorder({
    engine: context.engine,
    catalog: context.catalog,
    log: (line) => log(`stowage daemon: ${line}`),
  });

  const reload = async (why: string) => {
    try {
      config = await loadConfig(dataDir);
      scheduler?.reload();
      log(`stowage daemon: configuration reloaded (${why})`);
    } catch (error) {
      log(
        `stowage daemon: configuration NOT reloaded (${why}), keeping the previous one: ${(error as Error).message}`,
      );
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
    },
  };
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
