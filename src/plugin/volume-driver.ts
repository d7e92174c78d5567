/**
 * The volume driver behind the protocol: Create, Remove, Mount, Unmount, Path, Get, List over the store
 * and the backends. Mounts are counted by the engine's mount ID, so one volume serves many containers;
 * Remove of a volume with mounts is refused with their IDs. Operations on one volume run one at a time.
 */
import { StowageError, conflict, notFound } from '../core/errors.ts';
import { backendFor, pathsFor } from './backends.ts';
import { checkNotInside, checkVolumeName, parseVolumeOptions } from './volume-options.ts';
import type { VolumeRecord } from './contract.ts';
import type { VolumeStore } from './volume-store.ts';
import { plural } from '../core/terminal-text.ts';

export interface DriverVolume {
  name: string;
  mountpoint: string;
  createdAt: string;
  status: Record<string, unknown>;
}

export interface VolumeDriverOptions {
  root: string;
  store: VolumeStore;
  /** Host folders a `path` volume must not overlap (engine data roots); the plugin's root is added. */
  forbiddenPaths?: readonly string[];
  /** How long Get waits for a usage figure before answering without it. */
  statusTimeoutMs?: number;
  log?: (line: string) => void;
  /** The newest backup of a volume, from Stowage's catalog, for the Status; undefined when none. */
  lastBackup?: (name: string) => { at: string; verified: boolean } | undefined;
}

export class VolumeDriver {
  readonly #options: VolumeDriverOptions;
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(options: VolumeDriverOptions) {
    this.#options = options;
  }

  /** Runs `task` after every earlier task on the same volume has finished. */
  #serial<T>(name: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(task);
    this.#locks.set(name, next);
    void next
      .catch(() => undefined)
      .then(() => {
        if (this.#locks.get(name) === next) this.#locks.delete(name);
      });
    return next;
  }

  #record(operation: string, name: string): VolumeRecord {
    const record = this.#options.store.get(name);
    if (!record) throw notFound(`${operation} ${name}: no such volume`);
    return record;
  }

  /** @throws StowageError('invalid') for bad options, ('conflict') when the name exists, ('failed'). */
  create(name: string, options: Record<string, string>): Promise<void> {
    return this.#serial(name, async () => {
      checkVolumeName(name);
      if (this.#options.store.get(name)) throw conflict(`create ${name}: a volume with this name exists`);
      const { spec, policy } = parseVolumeOptions(name, options);
      if (spec.type === 'path')
        checkNotInside(name, spec.path, [this.#options.root, ...(this.#options.forbiddenPaths ?? [])]);
      const record: VolumeRecord = {
        name,
        spec,
        policy,
        options,
        createdAt: new Date().toISOString(),
        callers: [],
      };
      const paths = pathsFor(this.#options.root, record);
      const backend = backendFor(record);
      try {
        await backend.create(record, paths);
      } catch (error) {
        // Leave nothing half made: a mount, a disk image, a folder (never the user's path: destroy keeps it).
        await backend.unmount(record, paths).catch(() => undefined);
        await backend
          .destroy({ ...record, spec: spec.type === 'path' ? { ...spec, purge: false } : spec }, paths)
          .catch(() => undefined);
        throw error;
      }
      this.#options.store.put(record);
      this.#options.log?.(`created ${name} (type=${spec.type})`);
    });
  }

  /** @throws StowageError('in-use') while mounts remain, ('not-found'). */
  remove(name: string): Promise<void> {
    return this.#serial(name, async () => {
      const record = this.#record('remove', name);
      if (record.callers.length)
        throw new StowageError(
          'in-use',
          `remove ${name}: volume is in use - ${plural(record.callers.length, 'mount')} [${record.callers.map((id) => id.slice(0, 12)).join(', ')}]`,
          { hint: 'stop the containers that use it, on every engine of this host, then remove it' },
        );
      const paths = pathsFor(this.#options.root, record);
      const backend = backendFor(record);
      await backend.unmount(record, paths);
      await backend.destroy(record, paths);
      this.#options.store.delete(name);
      this.#options.log?.(`removed ${name}`);
    });
  }

  /** Counts `id` as a user (idempotent) and returns the mountpoint, attaching the storage first if needed. */
  mount(name: string, id: string): Promise<string> {
    return this.#serial(name, async () => {
      const record = this.#record('mount', name);
      const paths = pathsFor(this.#options.root, record);
      // Persistent backends are mounted already; mounting again is a no-op, and repairs a vanished mount.
      await backendFor(record).mount(record, paths);
      if (!record.callers.includes(id)) {
        this.#options.store.put({ ...record, callers: [...record.callers, id] });
      }
      return paths.mountpoint;
    });
  }

  /** Releases `id`; the last release detaches on-use backends. An unknown ID is not an error (retries). */
  unmount(name: string, id: string): Promise<void> {
    return this.#serial(name, async () => {
      const record = this.#record('unmount', name);
      const callers = record.callers.filter((caller) => caller !== id);
      const backend = backendFor(record);
      if (callers.length === 0 && backend.attach === 'on-use')
        await backend.unmount(record, pathsFor(this.#options.root, record));
      this.#options.store.put({ ...record, callers });
    });
  }

  path(name: string): string {
    return pathsFor(this.#options.root, this.#record('path', name)).mountpoint;
  }

  /** The volume with its Status: backend facts, mounts, policy. Usage is left out if it is slow to measure. */
  async get(name: string): Promise<DriverVolume> {
    const record = this.#record('get', name);
    const paths = pathsFor(this.#options.root, record);
    const timeout = this.#options.statusTimeoutMs ?? 2000;
    const facts = await Promise.race([
      backendFor(record).status(record, paths),
      new Promise<Record<string, unknown>>((resolve) =>
        setTimeout(() => resolve({ usedBytes: null }), timeout).unref(),
      ),
    ]);
    return {
      name,
      mountpoint: paths.mountpoint,
      createdAt: record.createdAt,
      status: {
        driver: 'stowage',
        backend: record.spec.type,
        ...facts,
        mounts: record.callers.length,
        ...(record.policy.backup ? { backup: record.policy.backup } : {}),
        ...(record.policy.keep ? { keep: record.policy.keep } : {}),
        lastBackup: this.#lastBackup(name),
      },
    };
  }

  #lastBackup(name: string): { at: string; verified: boolean } | null {
    try {
      return this.#options.lastBackup?.(name) ?? null;
    } catch {
      return null; // a catalog being migrated or locked must not fail `docker volume inspect`
    }
  }

  list(): Omit<DriverVolume, 'status'>[] {
    return this.#options.store.all().map((record) => ({
      name: record.name,
      mountpoint: pathsFor(this.#options.root, record).mountpoint,
      createdAt: record.createdAt,
    }));
  }
}
