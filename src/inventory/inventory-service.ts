/**
 * The inventory façade: volumes with their users, status, size and protection, as `stowage ls` and the
 * API show them. Listing, container usage and sizes are fetched concurrently; sizes never hold up a
 * `--no-size` listing because they are not fetched at all.
 */
import { LABELS } from '../core/labels.ts';
import type { Engine, EngineVolume } from '../engine/contract.ts';
import { isAnonymous } from './anonymous.ts';
import { protectedByLabel } from './protection.ts';
import { statusOf, usersByVolume } from './usage.ts';
import { applyQuery, type VolumeQuery } from './volume-query.ts';
import type { VolumeRecord, VolumeUser } from './volume-record.ts';
import { engineMeasured, measureSizes, type SizeMap } from './volume-sizes.ts';

export interface InventoryOptions {
  /** Names marked with `stowage protect` on this engine; called only when needed. */
  protectedNames: () => Promise<ReadonlySet<string>>;
  protectLabels?: readonly string[];
  sizeConcurrency?: number;
}

export class InventoryService {
  readonly #engine: Engine;
  readonly #options: InventoryOptions;

  constructor(engine: Engine, options: InventoryOptions) {
    this.#engine = engine;
    this.#options = options;
  }

  async list(query: VolumeQuery): Promise<VolumeRecord[]> {
    // The engine's size walk is the slow part: it starts now and runs alongside the listing.
    const engineSizes = query.sizes ? engineMeasured(this.#engine) : undefined;
    const [volumes, containers, marks] = await Promise.all([
      this.#engine.volumes.list(query.dockerFilters),
      this.#engine.containers.list(),
      this.#options.protectedNames(),
    ]);
    const sizes = engineSizes
      ? await measureSizes(this.#engine, volumes, this.#options.sizeConcurrency ?? 8, engineSizes)
      : undefined;
    const users = usersByVolume(containers);
    const records = volumes.map((volume) => this.#record(volume, users.get(volume.name) ?? [], marks, sizes));
    return applyQuery(records, query);
  }

  /** One volume with its users. @throws StowageError 'not-found'. */
  async get(name: string, options: { sizes: boolean } = { sizes: true }): Promise<VolumeRecord> {
    const [volume, containers, marks] = await Promise.all([
      this.#engine.volumes.inspect(name),
      this.#engine.containers.list(),
      this.#options.protectedNames(),
    ]);
    const sizes = options.sizes ? await measureSizes(this.#engine, [volume], 1) : undefined;
    return this.#record(volume, usersByVolume(containers).get(name) ?? [], marks, sizes);
  }

  #record(
    volume: EngineVolume,
    users: VolumeUser[],
    marks: ReadonlySet<string>,
    sizes: SizeMap | undefined,
  ): VolumeRecord {
    const record: VolumeRecord = {
      name: volume.name,
      driver: volume.driver,
      scope: volume.scope,
      mountpoint: volume.mountpoint,
      createdAt: volume.createdAt,
      labels: volume.labels,
      options: volume.options,
      anonymous: isAnonymous(volume),
      composeProject: volume.labels[LABELS.composeProject],
      users,
      status: statusOf(users),
      protected: marks.has(volume.name) || protectedByLabel(volume.labels, this.#options.protectLabels),
    };
    if (sizes) record.sizeBytes = sizes.get(volume.name) ?? null;
    return record;
  }
}
