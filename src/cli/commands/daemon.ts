import { DEFAULT_LISTEN, startDaemon } from '../../daemon/run-daemon.ts';
import type { CliSession } from '../session.ts';

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
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      session.out.note(`stowage daemon: ${signal}: finishing running jobs and stopping…`);
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      void running.stop().then(resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  session.out.note('stowage daemon: stopped');
}
