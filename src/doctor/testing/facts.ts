/** Builders for the doctor's unit tests: facts with only what a test cares about spelled out. */
import type { BackupRecord } from '../../catalog/backup-store.ts';
import type { Labels } from '../../engine/contract.ts';
import type { MountRow } from '../../inventory/mount-listing.ts';
import type { VolumeRecord, VolumeUser } from '../../inventory/volume-record.ts';
import type { DoctorFacts } from '../contract.ts';
import { DEFAULT_POLICY } from '../doctor-policy.ts';

export const NOW = Date.parse('2026-11-25T12:00:00Z');
export const DAY = 86_400_000;
export const POLICY = DEFAULT_POLICY;
export const ANON = 'a'.repeat(64);

export function user(containerName: string, fields: Partial<VolumeUser> = {}): VolumeUser {
  return {
    containerId: `id-${containerName}`,
    containerName,
    image: 'busybox',
    destination: '/data',
    readOnly: false,
    running: true,
    ...fields,
  };
}

/** A named local volume; `users` decide its status as the inventory would. */
export function volume(name: string, fields: Partial<VolumeRecord> = {}): VolumeRecord {
  const users = fields.users ?? [];
  return {
    name,
    driver: 'local',
    scope: 'local',
    mountpoint: `/var/lib/docker/volumes/${name}/_data`,
    createdAt: '2026-11-01T00:00:00Z',
    labels: {},
    options: {},
    anonymous: /^[0-9a-f]{64}$/.test(name),
    composeProject: undefined,
    status: users.length === 0 ? 'dangling' : users.some((u) => u.running) ? 'in-use' : 'idle',
    protected: false,
    ...fields,
    users,
  };
}

export function mount(container: string, source: string, fields: Partial<MountRow> = {}): MountRow {
  return {
    container,
    containerId: `id-${container}`,
    running: true,
    type: source.startsWith('/') ? 'bind' : 'volume',
    source,
    destination: '/data',
    readOnly: false,
    mode: '',
    propagation: source.startsWith('/') ? 'rprivate' : '',
    tmpfsSize: undefined,
    tmpfsOptions: undefined,
    viaVolumesFrom: undefined,
    ...fields,
  };
}

export function backup(
  volumeName: string,
  ageDays: number,
  fields: Partial<BackupRecord> = {},
): BackupRecord {
  return {
    id: 1,
    engineId: 'engine-1',
    volume: volumeName,
    target: 'local:/srv/backups',
    archiveKey: `${volumeName}/${volumeName}.tar.zst`,
    manifestKey: null,
    fileListKey: null,
    compression: 'zstd',
    startedAt: null,
    finishedAt: new Date(NOW - ageDays * DAY).toISOString(),
    files: 1,
    bytes: 1,
    archiveBytes: 1,
    archiveSha256: null,
    verifiedAt: null,
    verifyStatus: null,
    verifyError: null,
    ...fields,
  };
}

export function facts(fields: Partial<DoctorFacts> & { labels?: Record<string, Labels> } = {}): DoctorFacts {
  const { labels, ...rest } = fields;
  return {
    now: NOW,
    volumes: [],
    mounts: [],
    containerLabels: new Map(Object.entries(labels ?? {}).map(([name, l]) => [`id-${name}`, l])),
    backups: [],
    disk: undefined,
    ...rest,
  };
}
