/**
 * Ctrl-C (or SIGTERM) during a long operation aborts it instead of killing the process, so that the
 * operation's own clean-up runs: helpers removed, stopped containers restarted, partial files deleted.
 * Then the command ends as an interrupted program does: exit 130 for SIGINT (128 + 2, what shells expect),
 * 143 for SIGTERM. A second interrupt while cleaning up ends the process at once; the run journal lets the
 * next command put right what was left (see backup/run-journal.ts).
 */

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15 };

/** The exit code of a program that a signal stopped: 128 + the signal's number. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (SIGNAL_NUMBERS[signal] ?? 2);
}

/** Thrown when a signal stopped a command; runCli turns it into the signal's exit code. */
export class Interrupted extends Error {
  readonly signal: NodeJS.Signals;
  readonly code: number;

  constructor(signal: NodeJS.Signals, message = `interrupted by ${signal}`) {
    super(message);
    this.name = 'Interrupted';
    this.signal = signal;
    this.code = signalExitCode(signal);
  }
}

export async function withInterrupt<T>(
  note: (text: string) => void,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) {
      note(`stowage: ${signal} again: quitting now; the next command puts right what is left`);
      // The one exit outside runCli: the user asked twice, and the clean-up is what hangs.
      process.exit(signalExitCode(signal));
    }
    received = signal;
    note(`stowage: ${signal}: stopping and cleaning up… (interrupt again to quit at once)`);
    controller.abort(new Interrupted(signal));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await work(controller.signal);
    if (received) throw new Interrupted(received, `interrupted by ${received}; cleaned up`);
    return result;
  } catch (error) {
    // Whatever the aborted work threw (an abort error, a failed step), the user's interrupt is the news.
    if (received) throw new Interrupted(received, `interrupted by ${received}; cleaned up`);
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
