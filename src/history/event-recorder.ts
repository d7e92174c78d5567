/**
 * The daemon's event recorder: follows the engine's event stream and records each volume's creation,
 * mounts and unmounts (with the container, image and path) and destruction into the catalog, so Stowage
 * knows when a volume was last used, which Docker itself cannot say.
 *
 * On every (re)connection it replays what the engine still holds since the last event it handled (`since`
 * is inclusive, the engine keeps 256 events and none across its restart), records a gap when that replay
 * cannot prove nothing was missed (see continuity.ts), then reconciles with the engine's current state and
 * follows live. Stowage's helper containers are never users: their mounts are not recorded.
 */
import type { Catalog } from '../catalog/catalog.ts';
import type { HistoryStore } from '../catalog/history-store.ts';
import { isStowageError } from '../core/errors.ts';
import type { Engine, EngineEvent } from '../engine/contract.ts';
import { checkContinuity, type Continuity } from './continuity.ts';
import { reconcile } from './reconcile.ts';
import { eventKey, isHelper, recordedEvent, type RecordedEvent } from './recorder-events.ts';
import { HEARTBEAT_MS } from './volume-history.ts';
import { plural } from '../core/terminal-text.ts';

export interface EventRecorderOptions {
  engine: Engine;
  catalog: Catalog;
  log: (line: string) => void;
  /** How often coverage is noted while following (tests shorten it). */
  heartbeatMs?: number;
  /** First wait before reconnecting; doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

export interface RunningRecorder {
  /** Stops following and records how far it saw. Never rejects. */
  stop(): Promise<void>;
  /** Resolves once the recorder has replayed, reconciled and follows the engine live. */
  live(): Promise<void>;
}

/** Starts recording in the background; connection failures are logged and retried, never thrown. */
export function startEventRecorder(options: EventRecorderOptions): RunningRecorder {
  const recorder = new EventRecorder(options);
  recorder.start();
  return { stop: () => recorder.stop(), live: () => recorder.live() };
}

interface KnownContainer {
  name: string;
  image: string;
  helper: boolean;
}

type VolumeEvent = Extract<RecordedEvent, { kind: 'volume' }>;

const iso = (ms: number) => new Date(ms).toISOString();
/** A volume's CreatedAt is in whole seconds; a create event later than this is about an older volume. */
const CREATED_AT_SLACK_MS = 2000;

export class EventRecorder {
  readonly #engine: Engine;
  readonly #store: HistoryStore;
  readonly #log: (line: string) => void;
  readonly #heartbeatMs: number;
  readonly #retryMs: number;
  readonly #maxRetryMs: number;
  readonly #abort = new AbortController();
  /** Names, images and helper-ness of containers seen, by ID (dropped when they are destroyed). */
  readonly #containers = new Map<string, KnownContainer>();
  #loop: Promise<void> | undefined;
  #sessions = 0;
  #isLive = false;
  #liveWaiters: (() => void)[] = [];

  constructor(options: EventRecorderOptions) {
    this.#engine = options.engine;
    this.#store = options.catalog.history;
    this.#log = (line) => options.log(`stowage daemon: history: ${line}`);
    this.#heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    this.#retryMs = options.retryMs ?? 1000;
    this.#maxRetryMs = options.maxRetryMs ?? 30_000;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
    for (const wake of this.#liveWaiters.splice(0)) wake();
  }

  live(): Promise<void> {
    if (this.#isLive || this.#abort.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.#liveWaiters.push(resolve));
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    let delay = this.#retryMs;
    let failing = false;
    while (!signal.aborted) {
      try {
        await this.#session(signal);
        if (!signal.aborted) this.#log('the engine closed its event stream; reconnecting');
        delay = this.#retryMs;
        failing = false;
      } catch (error) {
        if (signal.aborted) break;
        // Said once per outage, not at every retry.
        if (!failing) this.#log(`cannot follow the engine's events (${message(error)}); retrying`);
        failing = true;
      }
      this.#setLive(false);
      if (signal.aborted) break;
      await sleep(delay, signal);
      delay = Math.min(delay * 2, this.#maxRetryMs);
    }
  }

  /** One connection: replay, gap check, reconcile, follow. Returns when the stream ends. */
  async #session(signal: AbortSignal): Promise<void> {
    const { id: engineId } = await this.#engine.info();
    const previous = this.#store.coverage(engineId)?.latest;
    const requestedAt = Date.now();
    const replay: EngineEvent[] = [];
    // Without an event to resume from, the whole buffer: it may prove continuity, and it is history.
    const since = previous?.lastEventNano ?? new Date(0);
    // `until` is inclusive to the nanosecond: the whole current millisecond is part of the replay.
    const until = new Date(requestedAt + 1);
    for await (const event of this.#engine.events({ since, until, signal })) replay.push(event);
    if (signal.aborted) return;

    const continuity = checkContinuity({
      previous: previous && { endedAt: Date.parse(previous.endedAt), lastEventNano: previous.lastEventNano },
      replay,
      requestedAt,
      reconnect: this.#sessions++ > 0,
    });
    let coverage = this.#openCoverage(engineId, continuity, previous?.id, requestedAt);
    let lastNano = continuity.kind === 'continuous' ? (previous?.lastEventNano ?? undefined) : undefined;
    for (const event of replay) {
      await this.#handle(engineId, event);
      lastNano = event.timeNano;
    }
    this.#store.extendCoverage(coverage, iso(requestedAt), lastNano);

    const plan = await reconcile(this.#engine, this.#store, engineId, new Date());
    const changes =
      plan.seen.length +
      plan.recreated.length +
      plan.destroyed.length +
      plan.mounted.length +
      plan.unmounted.length;
    if (changes > 0 && continuity.kind !== 'first') {
      this.#log(
        `reconciled with the engine: ${plural(plan.seen.length + plan.recreated.length, 'volume')} appeared, ${plan.destroyed.length} disappeared, ` +
          `${plural(plan.mounted.length, 'mount')} and ${plural(plan.unmounted.length, 'unmount')} inferred`,
      );
    }
    this.#store.extendCoverage(coverage, iso(Date.now()), lastNano);
    this.#setLive(true);

    // Seen up to now while waiting for events; while one is being handled, only up to when it came.
    let handlingSince: number | undefined;
    const heartbeat = setInterval(
      () => this.#store.extendCoverage(coverage, iso(handlingSince ?? Date.now()), lastNano),
      this.#heartbeatMs,
    );
    heartbeat.unref();
    const followedAt = Date.now();
    let first = true;
    try {
      // From the last event handled (inclusive, so it comes first again): nothing between is lost.
      for await (const event of this.#engine.events({ since: lastNano ?? new Date(requestedAt), signal })) {
        if (first && lastNano !== undefined) {
          // The last event handled comes first unless the engine lost it in between (never seen in practice).
          const check = checkContinuity({
            previous: { endedAt: requestedAt, lastEventNano: lastNano },
            replay: [event],
            requestedAt: followedAt,
            reconnect: true,
          });
          if (check.kind === 'gap') coverage = this.#openCoverage(engineId, check, coverage, followedAt);
        }
        first = false;
        handlingSince = Date.now();
        await this.#handle(engineId, event);
        lastNano = event.timeNano;
        handlingSince = undefined;
      }
    } finally {
      clearInterval(heartbeat);
      this.#store.extendCoverage(coverage, iso(Date.now()), lastNano);
    }
  }

  /** The coverage row this session extends: the previous one when nothing was missed, else a new one after the gap. */
  #openCoverage(
    engineId: string,
    continuity: Continuity,
    previousId: number | undefined,
    requestedAt: number,
  ): number {
    if (continuity.kind === 'continuous' && previousId !== undefined) return previousId;
    if (continuity.kind === 'gap') {
      this.#log(
        `gap from ${iso(continuity.from)} to ${iso(continuity.to)} on engine ${engineId}: ${continuity.reason}`,
      );
      return this.#store.transaction(() => {
        this.#store.addGap(engineId, iso(continuity.from), iso(continuity.to), continuity.reason);
        return this.#store.startCoverage(engineId, iso(continuity.to));
      });
    }
    this.#log(`recording volume history of engine ${engineId}`);
    return this.#store.startCoverage(engineId, iso(requestedAt));
  }

  async #handle(engineId: string, event: EngineEvent): Promise<void> {
    const recorded = recordedEvent(event);
    if (!recorded) return;
    if (recorded.kind === 'container') {
      if (recorded.action === 'create') {
        this.#containers.set(recorded.id, {
          name: recorded.name,
          image: recorded.image,
          helper: recorded.helper,
        });
      } else {
        this.#containers.delete(recorded.id);
        // Rows recorded before the container was known: a helper's go, anyone else's get its name.
        if (recorded.helper) this.#store.forgetContainer(engineId, recorded.id);
        else this.#store.nameContainer(engineId, recorded.id, recorded.name, recorded.image);
      }
      return;
    }
    await this.#volumeEvent(engineId, event, recorded);
  }

  async #volumeEvent(engineId: string, event: EngineEvent, recorded: VolumeEvent): Promise<void> {
    const store = this.#store;
    const { volume, action } = recorded;
    const at = iso(event.time);
    const base = {
      engineId,
      volume,
      containerId: null,
      containerName: null,
      image: null,
      destination: null,
      readOnly: null,
      at,
      source: 'event' as const,
      eventKey: eventKey(event),
    };
    if (action === 'create') {
      const summary = store.summary(engineId, volume);
      const current = summary && !summary.destroyedAt ? summary : undefined;
      if (current && store.sawCreation(engineId, volume, current.createdAt ?? current.firstSeenAt)) return;
      // The engine says "create" whenever a container names a volume, existing or not: only a volume whose
      // creation time is this event's is new.
      const createdAt = await this.#engineCreatedAt(volume);
      if (createdAt !== undefined && createdAt < event.time - CREATED_AT_SLACK_MS) {
        if (current) return;
        // A volume the history did not know yet (replayed from before it began), or made again unseen.
        store.transaction(() => {
          if (!summary) return store.noteSeen(engineId, volume, at, iso(createdAt));
          store.addEvent({ ...base, action, at: iso(createdAt), source: 'reconcile', eventKey: null });
          store.noteCreated(engineId, volume, iso(createdAt), at);
        });
        return;
      }
      // New. Reconciliation may have found it first (its event came in while it ran): this is its creation.
      store.transaction(() => {
        if (store.addEvent({ ...base, action })) store.noteCreated(engineId, volume, at, at);
      });
      return;
    }
    if (action === 'destroy') {
      store.transaction(() => {
        if (store.addEvent({ ...base, action })) store.noteDestroyed(engineId, volume, at);
      });
      return;
    }
    if (!recorded.containerId) return;
    const container = await this.#container(recorded.containerId);
    if (container?.helper) return;
    const user = {
      containerId: recorded.containerId,
      containerName: container?.name ?? null,
      image: container?.image ?? null,
      destination: recorded.destination ?? null,
    };
    store.transaction(() => {
      store.noteSeen(engineId, volume, at, null);
      const added = store.addEvent({ ...base, ...user, readOnly: recorded.readOnly ?? null, action });
      if (!added || action !== 'mount') return;
      // The first user of a volume whose creation was seen made it (an anonymous volume's provenance).
      const summary = store.summary(engineId, volume);
      if (
        summary &&
        !summary.firstUser &&
        summary.createdAt &&
        store.sawCreation(engineId, volume, summary.createdAt)
      ) {
        store.noteFirstUser(engineId, volume, user);
      }
    });
  }

  /** The engine's creation time of a volume (ms), undefined when it is gone or does not say. */
  async #engineCreatedAt(volume: string): Promise<number | undefined> {
    try {
      const createdAt = (await this.#engine.volumes.inspect(volume)).createdAt;
      const time = createdAt ? Date.parse(createdAt) : NaN;
      return Number.isNaN(time) ? undefined : time;
    } catch (error) {
      if (isStowageError(error, 'not-found')) return undefined;
      throw error;
    }
  }

  /** What is known of a container: from its create event, else from the engine; undefined once it is gone. */
  async #container(id: string): Promise<KnownContainer | undefined> {
    const known = this.#containers.get(id);
    if (known) return known;
    try {
      const details = await this.#engine.containers.inspect(id);
      const found = {
        name: details.name,
        image: details.image,
        helper: isHelper(details.labels, details.image),
      };
      this.#containers.set(id, found);
      return found;
    } catch (error) {
      // Removed already: recorded without a name until its destroy event names it (or shows it was a helper).
      if (isStowageError(error, 'not-found')) return undefined;
      throw error;
    }
  }

  #setLive(live: boolean): void {
    this.#isLive = live;
    if (live) for (const wake of this.#liveWaiters.splice(0)) wake();
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
