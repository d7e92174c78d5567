/**
 * Long operations started through the API (backup, restore, verify, clone) run as jobs: the request
 * returns the job at once, and its progress and result can be followed live. Jobs live in memory; what
 * they produce (backups, runs) is recorded in the catalog by the operations themselves.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { isStowageError } from '../core/errors.ts';

export type JobState = 'running' | 'succeeded' | 'failed';

export interface JobProgress {
  bytes: number;
  entries: number;
  expectedBytes: number | null;
}

export interface Job {
  id: string;
  kind: string;
  subject: string;
  state: JobState;
  startedAt: string;
  finishedAt: string | null;
  progress: JobProgress | null;
  result: unknown;
  error: { kind: string; message: string; hint: string | null } | null;
}

export type JobEvent = { type: 'progress'; job: Job } | { type: 'done'; job: Job };

/** What a job's work receives: a way to report progress and the signal that cancels it (daemon shutdown). */
export interface JobControl {
  progress(progress: JobProgress): void;
  signal: AbortSignal;
}

const KEEP_FINISHED = 200;
/** The event every ending job also emits; a symbol, so no job ID can collide with it. */
const DONE = Symbol('any job done');
const PROGRESS_INTERVAL_MS = 250;

export class JobRegistry {
  readonly #jobs = new Map<string, Job>();
  readonly #events = new EventEmitter();
  readonly #running = new Map<string, Promise<void>>();
  readonly #shutdown = new AbortController();

  constructor() {
    this.#events.setMaxListeners(0);
  }

  start(kind: string, subject: string, work: (control: JobControl) => Promise<unknown>): Job {
    const job: Job = {
      id: randomUUID(),
      kind,
      subject,
      state: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      progress: null,
      result: null,
      error: null,
    };
    this.#jobs.set(job.id, job);
    let lastEmit = 0;
    const control: JobControl = {
      signal: this.#shutdown.signal,
      progress: (progress) => {
        job.progress = progress;
        const now = Date.now();
        if (now - lastEmit >= PROGRESS_INTERVAL_MS) {
          lastEmit = now;
          this.#events.emit(job.id, { type: 'progress', job });
        }
      },
    };
    const running = work(control)
      .then(
        (result) => {
          job.result = result ?? null;
          job.state = 'succeeded';
        },
        (error: unknown) => {
          job.state = 'failed';
          job.error = isStowageError(error)
            ? { kind: error.kind, message: error.message, hint: error.hint ?? null }
            : {
                kind: 'internal',
                message: error instanceof Error ? error.message : String(error),
                hint: null,
              };
        },
      )
      .finally(() => {
        job.finishedAt = new Date().toISOString();
        this.#running.delete(job.id);
        this.#events.emit(job.id, { type: 'done', job });
        this.#events.emit(DONE, job);
        this.#trim();
      });
    this.#running.set(job.id, running);
    return job;
  }

  get(id: string): Job | undefined {
    return this.#jobs.get(id);
  }

  list(): Job[] {
    return [...this.#jobs.values()].reverse();
  }

  /** Calls `listener` for each event of a job until it is done; returns the unsubscribe function. */
  follow(id: string, listener: (event: JobEvent) => void): () => void {
    this.#events.on(id, listener);
    return () => this.#events.off(id, listener);
  }

  /** Calls `listener` when any job ends (the audit log); returns the unsubscribe function. */
  onDone(listener: (job: Job) => void): () => void {
    this.#events.on(DONE, listener);
    return () => this.#events.off(DONE, listener);
  }

  /** Cancels running jobs (their own clean-up runs: containers restarted, partial files removed) and waits. */
  async shutdown(timeoutMs: number): Promise<void> {
    this.#shutdown.abort(new Error('the daemon is shutting down'));
    const all = Promise.allSettled([...this.#running.values()]);
    await Promise.race([all, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }

  #trim(): void {
    const finished = [...this.#jobs.values()].filter((j) => j.state !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED)))
      this.#jobs.delete(job.id);
  }
}
