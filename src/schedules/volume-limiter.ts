/**
 * How scheduled backups share the host: at most `limit` volumes at once across every schedule, and one
 * volume never twice at once (two schedules selecting it queue instead of failing on its lock).
 */
export class VolumeLimiter {
  #limit: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  readonly #volumes = new Map<string, Promise<unknown>>();

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  get active(): number {
    return this.#active;
  }

  /** A new limit applies to the next volumes to start; running ones are not stopped. */
  setLimit(limit: number): void {
    this.#limit = Math.max(1, limit);
    this.#wake();
  }

  /**
   * Runs `work` once its volume is free and a slot is open. @throws `signal.reason` when aborted while
   * still waiting (then `work` never runs).
   */
  async run<T>(volume: string, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    const previous = this.#volumes.get(volume) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = previous.then(() => mine);
    this.#volumes.set(volume, tail);
    try {
      await abortable(previous, signal);
      await this.#slot(signal);
      try {
        return await work();
      } finally {
        this.#active--;
        this.#wake();
      }
    } finally {
      done();
      if (this.#volumes.get(volume) === tail) this.#volumes.delete(volume);
    }
  }

  async #slot(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.#active < this.#limit) {
      this.#active++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal.removeEventListener('abort', cancel);
        this.#active++;
        resolve();
      };
      const cancel = () => {
        const index = this.#waiting.indexOf(grant);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal.reason as Error);
      };
      this.#waiting.push(grant);
      signal.addEventListener('abort', cancel, { once: true });
    });
  }

  #wake(): void {
    while (this.#active < this.#limit && this.#waiting.length) this.#waiting.shift()!();
  }
}

/** Waits for `promise` (whose failure is not ours to report) unless `signal` aborts first. */
function abortable(promise: Promise<unknown>, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const cancel = () => reject(signal.reason as Error);
    signal.addEventListener('abort', cancel, { once: true });
    void promise.then(
      () => {
        signal.removeEventListener('abort', cancel);
        resolve();
      },
      () => {
        signal.removeEventListener('abort', cancel);
        resolve();
      },
    );
  });
}
