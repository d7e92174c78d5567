/**
 * The top-level handler: runs the parsed command, closes the session, and turns errors into one line on
 * stderr and an exit code. Commands throw; only this file decides how the process ends.
 */
import { CommanderError } from 'commander';
import { isStowageError } from '../core/errors.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { ExitStatus } from './exit-status.ts';

export async function runCli(
  main: () => Promise<void>,
  stderr: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  try {
    await main();
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message (or the help/version text).
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    // A finished command whose result is a status (doctor's findings): already printed, nothing to add.
    if (error instanceof ExitStatus) return error.code;
    if (isStowageError(error)) {
      stderr.write(`stowage: ${error.message}\n`);
      if (error.hint) stderr.write(`  hint: ${error.hint}\n`);
      return exitCodeFor(error.kind);
    }
    // A bug, not a user error: keep the stack so it can be reported.
    stderr.write(
      `stowage: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    stderr.write('  this is a bug in Stowage: please report it with the output above\n');
    return EXIT.failed;
  }
}
