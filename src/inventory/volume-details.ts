/**
 * `stowage inspect`: everything the engine knows of a volume, its users, and for an anonymous volume the
 * container, image and path that created it while that container exists.
 */
import type { Catalog } from '../catalog/catalog.ts';
import { mapLimited } from '../core/concurrency.ts';
import type { Engine, EngineContainerDetails } from '../engine/contract.ts';
import type { InventoryService } from './inventory-service.ts';
import type { VolumeRecord } from './volume-record.ts';

export interface Provenance {
  containerId: string;
  containerName: string;
  image: string;
  path: string;
  /** Set when the container is gone and this comes from the daemon's recorded history. */
  recorded?: true;
}

export interface InspectOptions {
  /** With a catalog, the history recorded by the daemon names the creator after that container is gone. */
  catalog?: Catalog;
}

export interface VolumeDetails extends VolumeRecord {
  /** The driver's own status report (plugins), when it has one. */
  driverStatus: Record<string, unknown> | undefined;
  /** For anonymous volumes: who created it, or 'unknown' once that container is gone and no history has it. */
  createdBy: Provenance | 'unknown' | undefined;
}

/** @throws StowageError 'not-found' for an unknown volume. */
export async function inspectVolume(
  engine: Engine,
  inventory: InventoryService,
  name: string,
  options: InspectOptions = {},
): Promise<VolumeDetails> {
  const [record, volume] = await Promise.all([inventory.get(name), engine.volumes.inspect(name)]);
  const details: VolumeDetails = { ...record, driverStatus: volume.status, createdBy: undefined };
  if (record.anonymous) {
    const containers = await mapLimited(record.users, 4, (user) =>
      engine.containers.inspect(user.containerId),
    );
    details.createdBy =
      findCreator(name, containers) ??
      (await recordedCreator(engine, options.catalog, name, volume.createdAt)) ??
      'unknown';
  }
  return details;
}

/** The creator the daemon recorded (the first user after the volume's creation), for this volume's lifetime. */
export async function recordedCreator(
  engine: Engine,
  catalog: Catalog | undefined,
  name: string,
  createdAt: string | undefined,
): Promise<Provenance | undefined> {
  if (!catalog || catalog.history.isEmpty()) return undefined;
  const summary = catalog.history.summary((await engine.info()).id, name);
  const user = summary?.firstUser;
  if (!summary || !user || summary.destroyedAt) return undefined;
  // A volume of the same name created later is another volume: its creator is not this one's.
  const created = createdAt ? Date.parse(createdAt) : NaN;
  if (summary.createdAt && created > Date.parse(summary.createdAt) + 1000) return undefined;
  return {
    containerId: user.containerId,
    containerName: user.containerName ?? user.containerId.slice(0, 12),
    image: user.image ?? 'unknown',
    path: user.destination ?? 'unknown',
    recorded: true,
  };
}

/**
 * The creator mounts the volume at a path it declares as a volume (`-v /path` or the image's VOLUME);
 * containers that got it through `--volumes-from` came later, so the earliest declaring one wins.
 */
export function findCreator(
  volume: string,
  containers: readonly EngineContainerDetails[],
): Provenance | undefined {
  const candidates = containers
    .flatMap((container) =>
      container.mounts
        .filter((mount) => mount.name === volume && container.declaredVolumes.includes(mount.destination))
        .map((mount) => ({ container, path: mount.destination })),
    )
    .sort((a, b) => a.container.createdAt.getTime() - b.container.createdAt.getTime());
  const first = candidates[0];
  if (!first) return undefined;
  return {
    containerId: first.container.id,
    containerName: first.container.name,
    image: first.container.image,
    path: first.path,
  };
}
