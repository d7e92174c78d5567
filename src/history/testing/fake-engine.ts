/**
 * An engine in memory for the recorder's tests, with the event stream's real rules: the last 256 events
 * kept in memory, `since` inclusive, `until` ending the stream, nothing kept across a restart (which also
 * breaks every open stream). Its helpers act out what the docker CLI makes the engine emit.
 */
import { StowageError } from '../../core/errors.ts';
import { LABELS } from '../../core/labels.ts';
import type {
  Engine,
  EngineContainer,
  EngineContainerDetails,
  EngineEvent,
  EngineVolume,
  EventsOptions,
} from '../../engine/contract.ts';

interface Subscriber {
  push(event: EngineEvent): void;
  close(error?: Error): void;
}

const toNano = (time: Date | bigint) =>
  typeof time === 'bigint' ? time : BigInt(time.getTime()) * 1_000_000n;

export class FakeEngine {
  readonly id = 'FAKE:ENGINE:ID';
  up = true;
  readonly volumes = new Map<string, EngineVolume>();
  readonly containers = new Map<string, EngineContainerDetails>();
  #buffer: EngineEvent[] = [];
  #subscribers = new Set<Subscriber>();
  #lastNano = 0n;
  #ids = 0;

  /** The Engine contract over this state (only what the recorder uses does anything). */
  readonly engine: Engine = {
    endpoint: 'fake://engine',
    local: false,
    apiVersion: () => Promise.resolve('1.41'),
    info: () =>
      this.#reachable().then(() => ({
        id: this.id,
        name: 'fake',
        serverVersion: '20.10',
        apiVersion: '1.41',
        os: 'fake',
        dockerRootDir: '/fake',
      })),
    events: (options?: EventsOptions) => this.#events(options ?? {}),
    volumes: {
      list: () => this.#reachable().then(() => [...this.volumes.values()]),
      inspect: (name: string) =>
        this.#reachable().then(() => this.volumes.get(name) ?? Promise.reject(notFound(`volume ${name}`))),
      create: () => Promise.reject(new Error('not faked')),
      remove: () => Promise.reject(new Error('not faked')),
      sizes: () => Promise.resolve(new Map()),
    },
    containers: {
      list: () =>
        this.#reachable().then(() =>
          [...this.containers.values()].filter((c) => c.labels[LABELS.helper] === undefined),
        ),
      listHelpers: () => Promise.resolve([]),
      inspect: (id: string) =>
        this.#reachable().then(() => this.containers.get(id) ?? Promise.reject(notFound(`container ${id}`))),
      create: () => Promise.reject(new Error('not faked')),
      remove: () => Promise.resolve(),
      start: () => Promise.resolve(),
      stop: () => Promise.resolve(),
      pause: () => Promise.resolve(),
      unpause: () => Promise.resolve(),
      exec: () => Promise.reject(new Error('not faked')),
      getArchive: () => Promise.reject(new Error('not faked')),
      putArchive: () => Promise.reject(new Error('not faked')),
    },
    images: { exists: () => Promise.resolve(true), importRootfs: () => Promise.resolve() },
    close: () => undefined,
  };

  emit(type: string, action: string, id: string, attributes: Record<string, string> = {}): EngineEvent {
    // Strictly increasing, as the engine's clock is in practice; close to now so ages make sense.
    const now = BigInt(Date.now()) * 1_000_000n;
    this.#lastNano = now > this.#lastNano ? now : this.#lastNano + 1n;
    const event: EngineEvent = {
      type,
      action,
      id,
      name: type === 'volume' ? id : attributes.name,
      attributes,
      time: Number(this.#lastNano / 1_000_000n),
      timeNano: this.#lastNano,
    };
    this.#buffer.push(event);
    if (this.#buffer.length > 256) this.#buffer.shift();
    for (const subscriber of this.#subscribers) subscriber.push(event);
    return event;
  }

  /** Nothing kept; open streams break. The engine's ID stays (it lives in its data root). */
  restart(): void {
    this.#buffer = [];
    for (const subscriber of this.#subscribers) subscriber.close(new Error('connection reset'));
    this.#subscribers.clear();
  }

  /** `docker volume create NAME` (or the implicit one of `docker run -v NAME:/path`). */
  createVolume(name: string, labels: Record<string, string> = {}): void {
    if (!this.volumes.has(name)) {
      this.volumes.set(name, {
        name,
        driver: 'local',
        mountpoint: `/fake/volumes/${name}/_data`,
        createdAt: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000', ''),
        labels,
        scope: 'local',
        options: {},
        status: undefined,
      });
    }
    // The engine says "create" whenever a container names a volume, existing or not.
    this.emit('volume', 'create', name, { driver: 'local' });
  }

  removeVolume(name: string): void {
    this.volumes.delete(name);
    this.emit('volume', 'destroy', name, { driver: 'local' });
  }

  /** `docker create` (volumes created as needed); returns the container's ID. */
  createContainer(
    name: string,
    mounts: [volume: string, destination: string][],
    options: { labels?: Record<string, string>; image?: string; declared?: string[] } = {},
  ): string {
    const id = `${(++this.#ids).toString(16)}`.padStart(64, 'c');
    const image = options.image ?? 'busybox';
    const labels = options.labels ?? {};
    for (const [volume] of mounts) this.createVolume(volume);
    const container: EngineContainer = {
      id,
      name,
      image,
      state: 'created',
      running: false,
      createdAt: new Date(),
      labels,
      mounts: mounts.map(([volume, destination]) => ({
        type: 'volume',
        name: volume,
        source: `/fake/volumes/${volume}/_data`,
        destination,
        driver: 'local',
        mode: 'z',
        readOnly: false,
        propagation: '',
      })),
    };
    this.containers.set(id, {
      ...container,
      tmpfs: {},
      tmpfsSizes: {},
      declaredVolumes: options.declared ?? [],
      volumesFrom: [],
    });
    this.emit('container', 'create', id, { ...labels, image, name });
    return id;
  }

  start(id: string): void {
    const c = this.containers.get(id)!;
    for (const m of c.mounts) {
      this.emit('volume', 'mount', m.name!, {
        container: id,
        destination: m.destination,
        driver: 'local',
        propagation: '',
        'read/write': 'true',
      });
    }
    c.running = true;
    c.state = 'running';
    this.emit('container', 'start', id, { ...c.labels, image: c.image, name: c.name });
  }

  stop(id: string): void {
    const c = this.containers.get(id)!;
    c.running = false;
    c.state = 'exited';
    this.emit('container', 'die', id, { ...c.labels, image: c.image, name: c.name });
    for (const m of c.mounts) this.emit('volume', 'unmount', m.name!, { container: id, driver: 'local' });
  }

  removeContainer(id: string): void {
    const c = this.containers.get(id)!;
    this.containers.delete(id);
    this.emit('container', 'destroy', id, { ...c.labels, image: c.image, name: c.name });
  }

  /** `docker run --rm -v VOLUME:DEST image true`. */
  runRm(
    name: string,
    mounts: [string, string][],
    options: { labels?: Record<string, string>; image?: string } = {},
  ): string {
    const id = this.createContainer(name, mounts, options);
    this.start(id);
    this.stop(id);
    this.removeContainer(id);
    return id;
  }

  /** A Stowage helper reading a volume through the archive API: created, mounted, unmounted, removed. */
  helperRead(volume: string): string {
    const id = this.createContainer(`helper-${volume}`, [[volume, '/v']], {
      labels: { [LABELS.helper]: 'backup' },
      image: 'stowage/helper:0.1.0',
    });
    this.emit('volume', 'mount', volume, {
      container: id,
      destination: '/v',
      driver: 'local',
      propagation: '',
      'read/write': 'false',
    });
    this.emit('volume', 'unmount', volume, { container: id, driver: 'local' });
    this.removeContainer(id);
    return id;
  }

  #reachable(): Promise<void> {
    if (this.up) return Promise.resolve();
    return Promise.reject(
      new StowageError('unreachable', 'cannot connect: no engine is listening at fake://engine'),
    );
  }

  async *#events(options: EventsOptions): AsyncGenerator<EngineEvent> {
    await this.#reachable();
    const since = options.since === undefined ? undefined : toNano(options.since);
    const until = options.until === undefined ? undefined : toNano(options.until);
    const queue: EngineEvent[] = [];
    let wake: (() => void) | undefined;
    let closed: { error?: Error } | undefined;
    const subscriber: Subscriber = {
      push: (event) => {
        queue.push(event);
        wake?.();
      },
      close: (error) => {
        closed = { error };
        wake?.();
      },
    };
    // As moby: the buffered events from `since` (only when since or until is given), then live ones.
    const buffered =
      since === undefined && until === undefined
        ? []
        : this.#buffer.filter(
            (e) =>
              (since === undefined || e.timeNano >= since) && (until === undefined || e.timeNano <= until),
          );
    const pastOnly = until !== undefined && until <= BigInt(Date.now()) * 1_000_000n;
    if (!pastOnly) this.#subscribers.add(subscriber);
    const onAbort = () => subscriber.close();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    // The engine ends a stream at `until` even when nothing happens.
    const timer =
      until === undefined || pastOnly
        ? undefined
        : setTimeout(() => subscriber.close(), Math.max(0, Number(until / 1_000_000n) - Date.now() + 1));
    try {
      for (const event of buffered) yield event;
      if (pastOnly) return;
      for (;;) {
        while (queue.length) {
          const event = queue.shift()!;
          if (until !== undefined && event.timeNano > until) return;
          yield event;
        }
        if (closed) {
          if (closed.error) throw closed.error;
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      clearTimeout(timer);
      this.#subscribers.delete(subscriber);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }
}

function notFound(what: string): StowageError {
  return new StowageError('not-found', `no such ${what}`);
}
