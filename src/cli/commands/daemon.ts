import { isAbsolute, relative, resolve } from 'node:path';
import { ensureToken, tokenPath } from '../../api/api-token.ts';
import { ensurePrivateDataDir } from '../../config/data-dir.ts';
import { makeFolderSync } from '../../core/make-folder.ts';
import { DEFAULT_LISTEN, parseListen, startDaemon } from '../../daemon/run-daemon.ts';
import { DAEMON_SERVICE, daemonUnit } from '../../daemon/systemd-unit.ts';
import { parseTargetUrl } from '../../targets/target-url.ts';
import { installedCommand } from '../installed-command.ts';
import { Interrupted } from '../interrupt.ts';
import type { CliSession } from '../session.ts';
import { installUnits, reportInstall, type InstallFlags } from '../unit-files.ts';

export interface DaemonCommandOptions {
  listen?: string;
}

/** Runs until SIGTERM or SIGINT, then shuts down cleanly. */
export async function daemon(session: CliSession, options: DaemonCommandOptions): Promise<void> {
  const context = await session.backupContext();
  const running = await startDaemon({
    listen: options.listen ?? DEFAULT_LISTEN,
    context,
    inventory: session.inventory(),
    marks: session.protectionMarks(),
    config: session.config(),
    log: (line) => session.out.note(line),
  });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const stop = (received: NodeJS.Signals) => {
      session.out.note(`stowage daemon: ${received}: finishing running jobs and stopping…`);
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      void running.stop().then(() => resolve(received));
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  // SIGTERM is how a service manager stops a service: a clean stop, exit 0. Ctrl-C exits 130, as shells expect.
  if (signal === 'SIGINT') throw new Interrupted(signal, 'daemon stopped by SIGINT');
  session.out.note('stowage daemon: stopped');
}

export interface DaemonInstallOptions extends InstallFlags {
  listen?: string | undefined;
  /** `--host` / `--context` given to `install`: the unit's daemon uses the same engine. */
  engine?: { host?: string | undefined; context?: string | undefined };
}

/** Local backup folders the config names (default target, schedules' targets) outside the data folder. */
function backupFolders(session: CliSession): string[] {
  const config = session.config();
  const targets = [config.backup.target, ...config.schedules.map((schedule) => schedule.target)];
  const folders = new Set<string>();
  for (const target of targets) {
    if (!target) continue;
    const location = parseTargetUrl(target);
    if (location.scheme !== 'local') continue;
    const inside = relative(session.dataDir, location.path);
    if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) continue;
    folders.add(location.path);
  }
  return [...folders].sort();
}

/**
 * Writes `stowage.service` (hardened, docs/CLI.md) for `stowage daemon` with this data folder, after
 * creating the folder and its API token so that `stowage token` answers before the first start.
 * @throws StowageError 'conflict' when a different unit exists (unless --force); 'invalid' for a bad --listen.
 */
export function daemonInstall(session: CliSession, options: DaemonInstallOptions): void {
  const listen = options.listen ?? DEFAULT_LISTEN;
  const { host, port } = parseListen(listen);
  const dataDir = resolve(session.dataDir);
  const units = [
    {
      name: DAEMON_SERVICE,
      content: daemonUnit({
        exec: [
          ...installedCommand(),
          ...(options.engine?.host ? ['--host', options.engine.host] : []),
          ...(options.engine?.context ? ['--context', options.engine.context] : []),
        ],
        listen,
        port,
        dataDir,
        backupFolders: backupFolders(session),
      }),
    },
  ];
  const print = options.print || options.dryRun;
  const result = installUnits(
    units,
    options,
    ['systemctl daemon-reload', `systemctl enable --now ${DAEMON_SERVICE}`],
    () => {
      makeFolderSync(dataDir, 0o700); // names a path that cannot be a folder instead of looping on it
      ensurePrivateDataDir(dataDir);
      ensureToken(dataDir);
    },
  );
  reportInstall(session.out, result, units, options, { dataDir, tokenFile: tokenPath(dataDir), listen });
  if (!options.json && !print)
    session.out.note(`the API token is in ${tokenPath(dataDir)} (\`stowage token\` prints it)`);
  if (/^\/(var\/)?tmp\//.test(`${dataDir}/`))
    session.out.note(
      `warning: ${dataDir} is under a temporary folder, which the unit makes private to the daemon (PrivateTmp=yes): it would not see this one`,
    );
  if (!isLoopback(host))
    session.out.note(
      `warning: listening on ${host}, not only on this host; the API token is all that protects it`,
    );
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');
