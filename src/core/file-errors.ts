/**
 * The one translation of a system error on a path (ENOENT, EACCES, ENOTDIR, …) into a StowageError that
 * names the path and says what to do. The CLI applies it to every error that reaches the top, so a
 * user's mistake with a path never shows as a Node stack trace; code that knows better wording calls it
 * with its own `action`.
 */
import { StowageError, type ErrorKind } from './errors.ts';

interface SystemError {
  code: string;
  path?: string;
  dest?: string;
  syscall?: string;
  /** For a socket: what `listen` or `connect` was given. */
  address?: string;
  port?: number;
}

/** What a syscall was doing, in a user's words. */
const ACTIONS: Record<string, string> = {
  open: 'open',
  mkdir: 'create the folder',
  scandir: 'read the folder',
  opendir: 'read the folder',
  rmdir: 'remove the folder',
  unlink: 'remove',
  rename: 'rename',
  stat: 'read',
  lstat: 'read',
  access: 'read',
  read: 'read',
  write: 'write',
  copyfile: 'copy',
  chmod: 'change the mode of',
  symlink: 'create the link',
  bind: 'listen on',
  listen: 'listen on',
  connect: 'connect to',
};

const RULES: Record<string, { kind: ErrorKind; reason: (path: string) => string; hint: string }> = {
  ENOENT: {
    kind: 'not-found',
    reason: (path) => `${path} does not exist`,
    hint: 'check the path, or create the folder first',
  },
  ENOTDIR: {
    kind: 'invalid',
    reason: (path) => `${path}: a part of this path is a file, not a folder`,
    hint: 'give a folder, or a path inside one',
  },
  EISDIR: {
    kind: 'invalid',
    reason: (path) => `${path} is a folder, not a file`,
    hint: 'give the path of a file',
  },
  EEXIST: {
    kind: 'conflict',
    reason: (path) => `${path} already exists`,
    hint: 'remove it first, or choose another path',
  },
  EACCES: {
    kind: 'failed',
    reason: (path) => `permission denied on ${path}`,
    hint: 'run as a user who may use this path (or with sudo), or choose another path',
  },
  EPERM: {
    kind: 'failed',
    reason: (path) => `operation not permitted on ${path}`,
    hint: 'run as a user who may use this path (or with sudo), or choose another path',
  },
  EROFS: {
    kind: 'failed',
    reason: (path) => `${path} is on a read-only file system`,
    hint: 'choose a path on a writable file system',
  },
  ENOSPC: {
    kind: 'failed',
    reason: (path) => `no space left on the device of ${path}`,
    hint: 'free some space, or choose a folder on another disk',
  },
  EDQUOT: {
    kind: 'failed',
    reason: (path) => `disk quota exceeded on ${path}`,
    hint: 'free some space, or choose a folder on another disk',
  },
  ENAMETOOLONG: {
    kind: 'invalid',
    reason: (path) => `the path ${path} is too long`,
    hint: 'choose a shorter path',
  },
  ELOOP: {
    kind: 'invalid',
    reason: (path) => `${path}: too many levels of symbolic links`,
    hint: 'check the links along this path',
  },
  EADDRINUSE: {
    kind: 'conflict',
    reason: (path) => `${path} is already in use by another process`,
    hint: 'stop the process that uses it, or choose another address',
  },
  EADDRNOTAVAIL: {
    kind: 'invalid',
    reason: (path) => `${path} is not an address of this host`,
    hint: 'listen on an address this host has, such as 127.0.0.1',
  },
};

/** Errors that are about the disk, not about a path: worth a message even without a path. */
const PATHLESS: Record<string, string> = {
  ENOSPC: 'no space left on the disk',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
};

function asSystemError(error: unknown): SystemError | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code in RULES ? (error as Error & SystemError) : undefined;
}

/** Whether `error` (or its cause) is a system error this module can explain. */
export function isFileSystemError(error: unknown): boolean {
  return fileSystemError(error) !== undefined;
}

/**
 * A StowageError for a system error on a path, or undefined for anything else (a bug keeps its stack).
 * `path` and `action` override what the error itself says (its `path` and `syscall`).
 */
export function fileSystemError(
  error: unknown,
  context: { path?: string; action?: string } = {},
): StowageError | undefined {
  if (error instanceof StowageError) return error;
  const system = asSystemError(error) ?? asSystemError((error as { cause?: unknown } | undefined)?.cause);
  if (!system) return undefined;
  const path =
    context.path ??
    system.path ??
    system.dest ??
    (system.address !== undefined
      ? system.port !== undefined
        ? `${system.address}:${system.port}`
        : system.address
      : undefined);
  const rule = RULES[system.code]!;
  if (path === undefined) {
    // A full or read-only disk is the user's to fix even when the stream that hit it did not say which.
    const reason = PATHLESS[system.code];
    if (reason === undefined) return undefined; // no subject to name: not a path problem
    return new StowageError(rule.kind, `cannot write: ${reason}`, {
      hint: rule.hint,
      cause: error,
    });
  }
  const action = context.action ?? (system.syscall && ACTIONS[system.syscall]) ?? 'use';
  return new StowageError(rule.kind, `cannot ${action} ${path}: ${rule.reason(path)}`, {
    hint: rule.hint,
    cause: error,
  });
}
