/** Turns engine answers and connection failures into classified errors with a way out. */
import { StowageError } from '../core/errors.ts';
import type { EngineEndpoint } from './endpoint.ts';

/** An HTTP error status from the engine, with the engine's own message kept. */
export function engineError(status: number, message: string, operation: string): StowageError {
  const text = `${operation}: ${message}`;
  if (status === 404) return new StowageError('not-found', text);
  if (status === 409) {
    return new StowageError(/in use/i.test(message) ? 'in-use' : 'conflict', text);
  }
  if (status === 400) return new StowageError('invalid', text);
  return new StowageError('engine', `${text} (engine answered HTTP ${status})`);
}

/** No HTTP answer at all: the engine is not there, not ours to use, or the network failed. */
export function transportError(error: Error, endpoint: EngineEndpoint, operation: string): StowageError {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${endpoint.url} (from ${endpoint.source})`;
  const hint =
    'start Docker, or point Stowage at an engine with --host unix:///path/docker.sock, --host ssh://user@host, ' +
    '--context NAME or DOCKER_HOST';
  if (code === 'EACCES') {
    return new StowageError('unreachable', `cannot ${operation}: permission denied on ${where}`, {
      hint: 'run as root or as a member of the docker group, or choose another engine with --host',
      cause: error,
    });
  }
  const reason =
    code === 'ENOENT' || code === 'ECONNREFUSED' ? 'no engine is listening at' : `${error.message} at`;
  return new StowageError('unreachable', `cannot ${operation}: ${reason} ${where}`, { hint, cause: error });
}
