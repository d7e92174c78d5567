/**
 * Exit statuses that report a result rather than an error: `stowage doctor` exits 10 when it finds
 * warnings and 11 when it finds critical problems. They sit apart from the error codes (EXIT, 0–5), so a
 * script can tell "the audit found problems" from "the audit could not run".
 *
 * A command that ends with such a status prints its whole result first, then throws ExitStatus; runCli
 * returns its code and prints nothing more. Commands still never touch process.exit or process.exitCode.
 */
export const RESULT_EXIT = { warnings: 10, critical: 11 } as const;

export type ResultExitCode = (typeof RESULT_EXIT)[keyof typeof RESULT_EXIT];

/** Not a failure: the command finished and its result calls for a non-zero exit status. */
export class ExitStatus extends Error {
  readonly code: ResultExitCode;

  constructor(code: ResultExitCode, message: string) {
    super(message);
    this.name = 'ExitStatus';
    this.code = code;
  }
}
