/**
 * One daemon per data folder: two would run every schedule twice and race on the catalog. The lock is a
 * file holding the owner's pid; a lock whose process is gone (a crash, SIGKILL) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StowageError } from '../core/errors.ts';
import { isAlive } from '../core/process-alive.ts';

export interface DaemonLock {
  release(): void;
}

/** @throws StowageError 'conflict' naming the pid of the daemon that holds the folder. */
export function lockDataDir(dataDir: string, listen: string): DaemonLock {
  const file = join(dataDir, 'daemon.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, listen, since: new Date().toISOString() }));
      closeSync(fd);
      return { release: () => rmSync(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(file);
      if (owner && owner.pid !== process.pid && isAlive(owner.pid))
        throw new StowageError(
          'conflict',
          `another stowage daemon (pid ${owner.pid}, listening on ${owner.listen ?? '?'} since ${owner.since ?? '?'}) uses the data folder ${dataDir}`,
          {
            hint: `stop it first (kill ${owner.pid}), or give this one its own folder with --data-dir`,
          },
        );
      rmSync(file, { force: true }); // its daemon is gone: the lock is stale
    }
  }
  throw new StowageError('conflict', `cannot lock the data folder ${dataDir}`, { hint: 'try again' });
}

function readOwner(file: string): { pid: number; listen?: string; since?: string } | undefined {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as {
      pid?: unknown;
      listen?: string;
      since?: string;
    };
    return typeof owner.pid === 'number' ? { ...owner, pid: owner.pid } : undefined;
  } catch {
    return undefined;
  }
}
