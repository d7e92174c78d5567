/**
 * Creating a folder and its missing parents without Node's `mkdir({ recursive: true })`, which loops
 * forever (at full CPU, deaf to Ctrl-C) where the file system refuses a folder with ENOENT although the
 * parent exists, as /proc does: `backup --to /proc/nope` spun for minutes. Each missing folder is made
 * once, top down; any refusal is a StowageError naming the path (see file-errors.ts).
 */
import { mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { invalid, StowageError } from './errors.ts';
import { fileSystemError } from './file-errors.ts';

const code = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** The folders to create, outermost first; throws when an existing part of the path is a file. */
function missingFolders(path: string, isFolder: (path: string) => boolean | undefined): string[] {
  const missing: string[] = [];
  for (let current = resolve(path); ; current = dirname(current)) {
    const folder = isFolder(current);
    if (folder === true) break;
    if (folder === false)
      throw invalid(
        current === resolve(path)
          ? `${current} is a file, not a folder`
          : `cannot create the folder ${resolve(path)}: ${current} is a file, not a folder`,
        'give a folder, or a path inside one',
      );
    missing.unshift(current);
    if (dirname(current) === current) break;
  }
  return missing;
}

function failure(error: unknown, folder: string) {
  // ENOENT although the parent exists: a file system that takes no new folders (/proc, /sys).
  if (code(error) === 'ENOENT' && probeSync(dirname(folder)) === true)
    return new StowageError(
      'failed',
      `cannot create the folder ${folder}: ${dirname(folder)} does not take new folders`,
      { hint: 'choose a folder on an ordinary, writable file system', cause: error },
    );
  return fileSystemError(error, { path: folder, action: 'create the folder' }) ?? error;
}

/** @returns true for a folder, false for something else, undefined when nothing is there. */
function probeSync(path: string): boolean | undefined {
  try {
    return statSync(path).isDirectory();
  } catch (error) {
    // ENOTDIR: a part further up is a file; the walk up finds and names it.
    if (code(error) === 'ENOENT' || code(error) === 'ENOTDIR') return undefined;
    throw failure(error, path);
  }
}

/** Creates `path` and its missing parents (`mode` for the ones it creates). @throws StowageError */
export function makeFolderSync(path: string, mode?: number): void {
  for (const folder of missingFolders(path, probeSync)) {
    try {
      mkdirSync(folder, mode === undefined ? {} : { mode });
    } catch (error) {
      if (code(error) === 'EEXIST' && probeSync(folder)) continue; // made by someone else meanwhile
      throw failure(error, folder);
    }
  }
}

/** Async twin of makeFolderSync. @throws StowageError */
export async function makeFolder(path: string, mode?: number): Promise<void> {
  // The walk up is a few stats: synchronous is simpler and as fast; the creation is awaited.
  for (const folder of missingFolders(path, probeSync)) {
    try {
      await mkdir(folder, mode === undefined ? {} : { mode });
    } catch (error) {
      if (
        code(error) === 'EEXIST' &&
        (await stat(folder).then(
          (s) => s.isDirectory(),
          () => false,
        ))
      )
        continue;
      throw failure(error, folder);
    }
  }
}
