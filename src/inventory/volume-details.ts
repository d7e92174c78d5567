/**
 * `stowage inspect`: everything the engine knows of a volume, its users, and for an anonymous volume the
 * container, image and path that created it while that container exists.
 */
import { mapLimited } from '../core/concurrency.ts';
import type { Engine, EngineContainerDetails } from '../engine/contract.ts';
import type { InventoryService } from './inventory-service.ts';
import type { VolumeRecord } from './volume-record.ts';

export interface Provenance {
  containerId: string;
  containerName: string;
  image: string;
  path: string;
}

export interface VolumeDetails extends VolumeRecord {
  /** The driver's own status report (plugins), when it has one. */
  driverStatus: Record<string, unknown> | undefined;
  /** For anonymous volumes: who created it, or 'unknown' once that container is gone. */
  createdBy: Provenance | 'unknown' | undefined;
}

/** @throws StowageError 'not-found' for an unknown volume. */
export async function inspectVolume(
  engine: Engine,
  inventory: InventoryService,
  name: string,
): Promise<VolumeDetails> {
  const [record, volume] = await Promise.all([inventory.get(name), engine.volumes.inspect(name)]);
  const details: VolumeDetails = { ...record, driverStatus: volume.status, createdBy: undefined };
  if (record.anonymous) {
    const containers = await mapLimited(record.users, 4, (user) =>
      engine.containers.inspect(user.containerId),
    );
    details.createdBy = findCreator(name, containers) ?? 'unknown';
  }
  return details;
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
