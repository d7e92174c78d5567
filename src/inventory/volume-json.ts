/** The documented JSON shape of a volume (docs/CLI.md), shared by the CLI's `--json` and the HTTP API. */
import type { VolumeDetails } from './volume-details.ts';
import type { VolumeRecord } from './volume-record.ts';

/** Sizes are bytes or null; absent values are null, never missing keys. */
export function volumeJson(record: VolumeRecord) {
  return {
    name: record.name,
    driver: record.driver,
    scope: record.scope,
    mountpoint: record.mountpoint,
    createdAt: record.createdAt ?? null,
    labels: record.labels,
    options: record.options,
    anonymous: record.anonymous,
    composeProject: record.composeProject ?? null,
    status: record.status,
    protected: record.protected,
    sizeBytes: record.sizeBytes ?? null,
    containers: record.users.map((u) => ({
      id: u.containerId,
      name: u.containerName,
      image: u.image,
      destination: u.destination,
      readOnly: u.readOnly,
      running: u.running,
    })),
  };
}

/** `inspect`: the volume plus the driver's status and, for anonymous volumes, who created it. */
export function volumeDetailsJson(details: VolumeDetails) {
  return {
    ...volumeJson(details),
    driverStatus: details.driverStatus ?? null,
    createdBy: details.createdBy ?? null,
  };
}
