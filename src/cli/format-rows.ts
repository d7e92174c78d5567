/**
 * What `--format` templates see: one row per item of `ls`, `inspect`, `mounts` and `backups`, with Docker's
 * field names where Docker has the field (`docker volume ls --format`, `docker volume inspect --format`)
 * and Stowage's own beside them. docs/CLI.md lists every field; keep the two in step.
 */
import { formatAge, formatBytes } from '../core/units.ts';
import type { BackupRecord } from '../catalog/backup-store.ts';
import type { MountRow, SharedVolume } from '../inventory/mount-listing.ts';
import type { VolumeDetails } from '../inventory/volume-details.ts';
import type { VolumeRecord } from '../inventory/volume-record.ts';
import type { FormatSpec } from './format.ts';
import { TextMap } from './go-template.ts';

const size = (bytes: number | null | undefined) =>
  bytes === null || bytes === undefined ? 'N/A' : formatBytes(bytes);

/**
 * Docker's `.Labels` of `volume ls`: `k=v` pairs joined by commas (sorted here: Go's map order is random),
 * that `index` also reads as a map.
 */
const pairs = (map: Record<string, string>) =>
  new TextMap(
    map,
    Object.keys(map)
      .sort()
      .map((k) => `${k}=${map[k]}`)
      .join(','),
  );

export const LS_FIELDS: FormatSpec = {
  fields: [
    'Name',
    'Driver',
    'Scope',
    'Mountpoint',
    'Labels',
    'Label',
    'Options',
    'Size',
    'SizeBytes',
    'Containers',
    'Running',
    'Status',
    'Protected',
    'Kind',
    'Anonymous',
    'Project',
    'CreatedAt',
  ],
  methods: ['Label'],
  headers: { Name: 'VOLUME NAME' },
};

export function lsRow(r: VolumeRecord) {
  return {
    Name: r.name,
    Driver: r.driver,
    Scope: r.scope,
    Mountpoint: r.mountpoint,
    Labels: pairs(r.labels),
    Label: (key: unknown) => r.labels[String(key)] ?? '',
    Options: pairs(r.options),
    Size: size(r.sizeBytes),
    SizeBytes: r.sizeBytes ?? null,
    Containers: r.users.length,
    Running: r.users.filter((u) => u.running).length,
    Status: r.status,
    Protected: r.protected,
    Kind: r.anonymous ? 'anonymous' : 'named',
    Anonymous: r.anonymous,
    Project: r.composeProject ?? '',
    CreatedAt: r.createdAt ?? '',
  };
}

export const INSPECT_FIELDS: FormatSpec = {
  fields: [
    'Name',
    'Driver',
    'Scope',
    'Mountpoint',
    'CreatedAt',
    'Labels',
    'Options',
    'Size',
    'SizeBytes',
    'Status',
    'Protected',
    'Kind',
    'Anonymous',
    'Project',
    'Containers',
    'DriverStatus',
    'CreatedBy',
  ],
};

/** As `docker volume inspect --format` sees a volume: Labels and Options are maps (`{{index .Labels "k"}}`). */
export function inspectRow(d: VolumeDetails) {
  return {
    Name: d.name,
    Driver: d.driver,
    Scope: d.scope,
    Mountpoint: d.mountpoint,
    CreatedAt: d.createdAt ?? '',
    Labels: d.labels,
    Options: d.options,
    Size: size(d.sizeBytes),
    SizeBytes: d.sizeBytes ?? null,
    Status: d.status,
    Protected: d.protected,
    Kind: d.anonymous ? 'anonymous' : 'named',
    Anonymous: d.anonymous,
    Project: d.composeProject ?? '',
    Containers: d.users.map((u) => ({
      Name: u.containerName,
      ID: u.containerId,
      Image: u.image,
      Destination: u.destination,
      ReadOnly: u.readOnly,
      Running: u.running,
    })),
    DriverStatus: d.driverStatus ?? {},
    CreatedBy:
      d.createdBy === undefined ? '' : d.createdBy === 'unknown' ? 'unknown' : d.createdBy.containerName,
  };
}

export const MOUNT_FIELDS: FormatSpec = {
  fields: [
    'Container',
    'ContainerID',
    'State',
    'Type',
    'Source',
    'Destination',
    'Mode',
    'RW',
    'Propagation',
    'TmpfsSize',
    'TmpfsOptions',
    'VolumesFrom',
  ],
};

export function mountRow(r: MountRow) {
  return {
    Container: r.container,
    ContainerID: r.containerId,
    State: r.running ? 'running' : 'stopped',
    Type: r.type,
    Source: r.source,
    Destination: r.destination,
    Mode: r.mode,
    RW: !r.readOnly,
    Propagation: r.propagation,
    TmpfsSize: r.tmpfsSize ?? null,
    TmpfsOptions: r.tmpfsOptions ?? '',
    VolumesFrom: r.viaVolumesFrom ?? '',
  };
}

export const SHARED_FIELDS: FormatSpec = { fields: ['Volume', 'Containers', 'Writers'] };

export function sharedRow(s: SharedVolume) {
  return {
    Volume: s.volume,
    Containers: s.containers.map((c) => c.name),
    Writers: s.writers,
  };
}

export const BACKUP_FIELDS: FormatSpec = {
  fields: [
    'ID',
    'Engine',
    'Volume',
    'CreatedAt',
    'StartedAt',
    'Age',
    'Files',
    'Size',
    'Bytes',
    'ArchiveSize',
    'ArchiveBytes',
    'Compression',
    'SHA256',
    'Verified',
    'VerifiedAt',
    'Location',
    'Target',
    'Key',
  ],
};

export function backupRow(r: BackupRecord, engine: string, now: number) {
  return {
    ID: r.id,
    Engine: engine,
    Volume: r.volume,
    CreatedAt: r.finishedAt,
    StartedAt: r.startedAt ?? '',
    Age: `${formatAge(now - Date.parse(r.finishedAt))} ago`,
    Files: r.files,
    Size: size(r.bytes),
    Bytes: r.bytes,
    ArchiveSize: formatBytes(r.archiveBytes),
    ArchiveBytes: r.archiveBytes,
    Compression: r.compression,
    SHA256: r.archiveSha256 ?? '',
    Verified: r.verifyStatus ?? 'never',
    VerifiedAt: r.verifiedAt ?? '',
    Location: `${r.target.replace(/^local:/, '')}/${r.archiveKey}`,
    Target: r.target,
    Key: r.archiveKey,
  };
}
