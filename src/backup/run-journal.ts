/**
 * What a running backup or restore has changed on the engine (helpers created, containers stopped or
 * paused), written to disk before each change. If the process is killed, the next Stowage start on this
 * data folder puts everything right: helpers removed, containers restarted or unpaused.
 */
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Engine } from '../engine/contract.ts';
import type { HelperTracker } from '../engine/helper-containers.ts';
import { isAlive } from '../core/process-alive.ts';
import { makeFolderSync } from '../core/make-folder.ts';

interface JournalState {
  pid: number;
  engine: string;
  operation: string;
  helpers: string[];
  stopped: string[];
  paused: string[];
}

export class RunJournal implements HelperTracker {
  readonly #file: string;
  readonly #state: JournalState;

  constructor(dataDir: string, engine: string, operation: string) {
    const dir = journalDir(dataDir);
    makeFolderSync(dir);
    this.#file = join(dir, `${process.pid}-${randomBytes(4).toString('hex')}.json`);
    this.#state = { pid: process.pid, engine, operation, helpers: [], stopped: [], paused: [] };
    this.#save();
  }

  created(id: string): void {
    this.#state.helpers.push(id);
    this.#save();
  }

  removed(id: string): void {
    this.#state.helpers = this.#state.helpers.filter((h) => h !== id);
    this.#save();
  }

  /** Called before stopping: a kill between the two leaves a running container "to restart", which is harmless. */
  stopping(id: string): void {
    this.#state.stopped.push(id);
    this.#save();
  }

  restarted(id: string): void {
    this.#state.stopped = this.#state.stopped.filter((c) => c !== id);
    this.#save();
  }

  pausing(id: string): void {
    this.#state.paused.push(id);
    this.#save();
  }

  unpaused(id: string): void {
    this.#state.paused = this.#state.paused.filter((c) => c !== id);
    this.#save();
  }

  /** The run ended. The journal stays only if something could not be put back, for the next start to retry. */
  close(): void {
    const { helpers, stopped, paused } = this.#state;
    if (helpers.length + stopped.length + paused.length === 0) rmSync(this.#file, { force: true });
  }

  #save(): void {
    // Written whole to a temporary name, then renamed: a kill mid-write leaves the previous state.
    writeFileSync(`${this.#file}.tmp`, JSON.stringify(this.#state));
    renameSync(`${this.#file}.tmp`, this.#file);
  }
}

export interface Recovery {
  helpersRemoved: number;
  containersRestarted: string[];
  containersUnpaused: string[];
  failures: string[];
}

const journalDir = (dataDir: string) => join(dataDir, 'journal');

/** Undoes what killed runs on `engine` left behind. Journals of live processes are left alone. */
export async function recoverInterruptedRuns(dataDir: string, engine: Engine): Promise<Recovery> {
  const recovery: Recovery = {
    helpersRemoved: 0,
    containersRestarted: [],
    containersUnpaused: [],
    failures: [],
  };
  let files: string[];
  try {
    files = readdirSync(journalDir(dataDir)).filter((f) => f.endsWith('.json'));
  } catch {
    return recovery;
  }
  for (const name of files) {
    const file = join(journalDir(dataDir), name);
    let state: JournalState;
    try {
      state = JSON.parse(readFileSync(file, 'utf8')) as JournalState;
    } catch {
      rmSync(file, { force: true });
      continue;
    }
    if (state.engine !== engine.endpoint || isAlive(state.pid)) continue;
    const attempt = async (what: string, action: () => Promise<void>) => {
      try {
        await action();
        return true;
      } catch (error) {
        recovery.failures.push(`${what}: ${(error as Error).message}`);
        return false;
      }
    };
    for (const id of state.helpers) {
      if (
        await attempt(`remove helper ${id.slice(0, 12)}`, () => engine.containers.remove(id, { force: true }))
      )
        recovery.helpersRemoved++;
    }
    for (const id of state.paused) {
      if (await attempt(`unpause ${id.slice(0, 12)}`, () => engine.containers.unpause(id)))
        recovery.containersUnpaused.push(id);
    }
    for (const id of state.stopped) {
      if (await attempt(`restart ${id.slice(0, 12)}`, () => engine.containers.start(id)))
        recovery.containersRestarted.push(id);
    }
    rmSync(file, { force: true });
  }
  return recovery;
}
