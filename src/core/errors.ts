/**
 * Errors classified by behaviour, as moby's errdefs does. Every error a user can cause or fix is one of
 * these: its message names the operation and the subject, and `hint` says what to do. The CLI maps each
 * kind to an exit code and the API to an HTTP status, each in exactly one place.
 */
export type ErrorKind =
  | 'invalid' // bad input: flag, filter, spec, config
  | 'not-found' // a volume, container, archive, context that does not exist
  | 'conflict' // the request contradicts the current state (name taken, not empty)
  | 'in-use' // a volume referenced by containers
  | 'unreachable' // no engine, or the engine does not answer
  | 'engine' // the engine answered with an error Stowage has no better class for
  | 'failed'; // an operation that started and failed

export class StowageError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;

  constructor(kind: ErrorKind, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'StowageError';
    this.kind = kind;
    this.hint = options.hint;
  }
}

export const invalid = (message: string, hint?: string) => new StowageError('invalid', message, { hint });
export const notFound = (message: string, hint?: string) => new StowageError('not-found', message, { hint });
export const conflict = (message: string, hint?: string) => new StowageError('conflict', message, { hint });

export function isStowageError(error: unknown, kind?: ErrorKind): error is StowageError {
  return error instanceof StowageError && (kind === undefined || error.kind === kind);
}

/** A container that references a volume, as refusals name it. */
export interface ReferencingContainer {
  containerName: string;
  running: boolean;
}

/**
 * The refusal of an operation on a volume that containers reference, naming them. `operation` names what
 * was refused (`remove`, `rename`...); `then` is what to run once they are gone; `hint` replaces the advice
 * when removing the containers is not what the user should do.
 */
export function inUseError(
  name: string,
  users: readonly ReferencingContainer[],
  operation = 'remove',
  then = `stowage rm ${name}`,
  hint?: string,
): StowageError {
  const names = [...new Set(users.map((u) => `${u.containerName} (${u.running ? 'running' : 'stopped'})`))];
  const containers = [...new Set(users.map((u) => u.containerName))];
  const running = [...new Set(users.filter((u) => u.running).map((u) => u.containerName))];
  const stopFirst = running.length ? `docker stop ${running.join(' ')} && ` : '';
  const those = containers.length === 1 ? 'that container' : 'those containers';
  return new StowageError('in-use', `${operation} ${name}: volume is in use by ${names.join(', ')}`, {
    hint:
      hint ??
      `remove ${those} first (\`${stopFirst}docker rm ${containers.join(' ')}\`), then run \`${then}\` again`,
  });
}
