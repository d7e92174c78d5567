/**
 * Entry names. Inside Stowage an entry's path is relative to the volume root and written the way
 * `tar czf x.tar.gz -C /data .` writes it: `./` for the root, `./a/b` below it (directories get a trailing
 * slash only when encoded, see {@link tarName}).
 */
import type { EntryType } from './tar-header.ts';

export type PathProblem = 'absolute' | 'parent' | 'empty';

export interface NormalisedPath {
  /** `./` for the root, else `./a/b` with `.` and empty components removed. */
  path: string;
  /** Set when the name cannot be placed inside the volume; `path` is then only for display. */
  problem: PathProblem | undefined;
}

export const ROOT_PATH = './';

/** Normalises a stored name, flagging absolute names and `..` components instead of resolving them. */
export function normaliseEntryPath(name: string): NormalisedPath {
  if (name === '') return { path: name, problem: 'empty' };
  const parts: string[] = [];
  let parent = false;
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parent = true;
    parts.push(part);
  }
  const path = parts.length === 0 ? ROOT_PATH : `./${parts.join('/')}`;
  const problem = name.startsWith('/') ? 'absolute' : parent ? 'parent' : undefined;
  return { path, problem };
}

/** The name to store for a normalised path: directories end in `/` as GNU tar writes them. */
export function tarName(path: string, type: EntryType): string {
  if (path === ROOT_PATH) return ROOT_PATH;
  return type === 'directory' ? `${path}/` : path;
}

/** Whether `path` is `base` or lies below it (both normalised). */
export function isWithin(path: string, base: string): boolean {
  if (base === ROOT_PATH) return true;
  return path === base || path.startsWith(`${base}/`);
}

/** The proper ancestors of a normalised path, nearest the root first: `./a/b/c` → `./a`, `./a/b`. */
export function ancestors(path: string): string[] {
  const result: string[] = [];
  let slash = path.indexOf('/', 2);
  while (slash !== -1) {
    result.push(path.slice(0, slash));
    slash = path.indexOf('/', slash + 1);
  }
  return result;
}
