/**
 * The top-level handler: runs the parsed command, closes the session, and turns errors into one line on
 * stderr and an exit code. Commands throw; only this file decides how the process ends.
 */
import { CommanderError } from 'commander';
import { isStowageError } from '../core/errors.ts';
import { fileSystemError } from '../core/file-errors.ts';
import { escapeControlsInLines } from '../core/terminal-text.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { ExitStatus } from './exit-status.ts';
import { Interrupted } from './interrupt.ts';

export async function runCli(
  main: () => Promise<void>,
  stderr: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  // Messages name volumes, paths and labels: their control characters must not reach the terminal.
  const say = (text: string) => void stderr.write(escapeControlsInLines(text));
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
    if (error instanceof Interrupted) {
      say(`stowage: ${error.message}\n`);
      return error.code;
    }
    // A system error on a path the user gave (ENOENT, EACCES, ENOTDIR, ENOSPC, …) is the user's to fix.
    const userError = isStowageError(error) ? error : fileSystemError(error);
    if (userError) {
      say(`stowage: ${userError.message}\n`);
      if (userError.hint) say(`  hint: ${userError.hint}\n`);
      return exitCodeFor(userError.kind);
    }
    // A bug, not a user error: keep the stack so it can be reported.
    say(
      `stowage: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    say('  this is a bug in Stowage: please report it with the output above\n');
    return EXIT.failed;
  }
}
