import { DEFAULT_LISTEN, startDaemon } from '../../daemon/run-daemon.ts';
import { Interrupted } from '../interrupt.ts';
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
