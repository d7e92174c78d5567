/**
 * One backup, restore or clone of a volume at a time, across every Stowage process that shares the data
 * folder: an exclusive lock file holding the owner's pid. A lock whose owner is gone is taken over.
 */
import { openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { StowageError } from '../core/errors.ts';
import { isAlive } from '../core/process-alive.ts';
import { makeFolderSync } from '../core/make-folder.ts';

export interface VolumeLock {
  release(): void;
}

/** @throws StowageError 'conflict' naming the process that holds the lock. */
export function lockVolume(dataDir: string, engineId: string, volume: string, operation: string): VolumeLock {
  const dir = join(dataDir, 'locks');
  makeFolderSync(dir);
  const file = join(
    dir,
    `${createHash('sha256').update(`${engineId}\0${volume}`).digest('hex').slice(0, 32)}.lock`,
  );
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, volume, operation, since: new Date().toISOString() }));
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(file);
      if (owner && isAlive(owner.pid)) {
        throw new StowageError(
          'conflict',
          `${operation} ${volume}: volume is busy: ${owner.operation} by process ${owner.pid} since ${owner.since}`,
          {
            hint: 'wait for it to finish, then try again',
          },
        );
      }
      rmSync(file, { force: true }); // its owner died: the lock is stale
    }
  }
  throw new StowageError('conflict', `${operation} ${volume}: could not lock the volume`, {
    hint: 'try again',
  });
}

function readOwner(file: string): { pid: number; operation: string; since: string } | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { pid: number; operation: string; since: string };
  } catch {
    return undefined;
  }
}
