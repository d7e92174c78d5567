/**
 * Ctrl-C (or SIGTERM) during a long operation aborts it instead of killing the process, so that the
 * operation's own clean-up runs: helpers removed, stopped containers restarted, partial files deleted.
 */
export async function withInterrupt<T>(
  note: (text: string) => void,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      note('stowage: still cleaning up; interrupt again in a moment if it hangs');
      return;
    }
    note(`stowage: ${signal}: stopping and cleaning up…`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
