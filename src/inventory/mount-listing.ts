/**
 * `stowage mounts`: every mount of every container, of every type. The container listing lacks `--tmpfs`
 * mounts and tmpfs sizes, so each container is inspected (a few at a time).
 */
import { compareText } from '../core/units.ts';
import { mapLimited } from '../core/concurrency.ts';
import type { Engine, EngineContainerDetails, MountType } from '../engine/contract.ts';

export interface MountRow {
  container: string;
  containerId: string;
  running: boolean;
  type: MountType;
  /** Volume name, host path, or empty for tmpfs. */
  source: string;
  destination: string;
  readOnly: boolean;
  /** Raw engine mode (`z`, `ro,Z`...). */
  mode: string;
  propagation: string;
  /** Tmpfs size in bytes when limited; undefined otherwise. */
  tmpfsSize: number | undefined;
  /** Options of a `--tmpfs` mount as given. */
  tmpfsOptions: string | undefined;
  /** The container this mount came from through `--volumes-from`. */
  viaVolumesFrom: string | undefined;
}

export async function listMounts(engine: Engine): Promise<MountRow[]> {
  const summaries = await engine.containers.list();
  const containers = await mapLimited(summaries, 8, (c) => engine.containers.inspect(c.id));
  const byName = new Map(containers.map((c) => [c.name, c]));
  return containers
    .flatMap((container) => mountsOf(container, byName))
    .sort((a, b) => compareText(a.container, b.container) || compareText(a.destination, b.destination));
}

function mountsOf(
  container: EngineContainerDetails,
  byName: Map<string, EngineContainerDetails>,
): MountRow[] {
  const donors = container.volumesFrom
    .map((entry) => byName.get(entry.split(':')[0]!))
    .filter((c) => c !== undefined);
  const rows: MountRow[] = container.mounts.map((mount) => ({
    container: container.name,
    containerId: container.id,
    running: container.running,
    type: mount.type,
    source: mount.type === 'volume' ? (mount.name ?? '') : mount.source,
    destination: mount.destination,
    readOnly: mount.readOnly,
    mode: mount.mode,
    propagation: mount.propagation,
    tmpfsSize: mount.type === 'tmpfs' ? container.tmpfsSizes[mount.destination] : undefined,
    tmpfsOptions: undefined,
    viaVolumesFrom: donors.find((donor) =>
      donor.mounts.some((m) => m.destination === mount.destination && m.source === mount.source),
    )?.name,
  }));
  for (const [destination, options] of Object.entries(container.tmpfs)) {
    rows.push({
      container: container.name,
      containerId: container.id,
      running: container.running,
      type: 'tmpfs',
      source: '',
      destination,
      readOnly: /(^|,)ro(,|$)/.test(options),
      mode: options,
      propagation: '',
      tmpfsSize: tmpfsSizeOption(options),
      tmpfsOptions: options,
      viaVolumesFrom: undefined,
    });
  }
  return rows;
}

/** `size=64m` in a `--tmpfs` option string, in bytes (the engine takes k, m, g suffixes, binary). */
export function tmpfsSizeOption(options: string): number | undefined {
  const match = /(?:^|,)size=(\d+)([kmg]?)(?:,|$)/i.exec(options);
  if (!match) return undefined;
  const factor = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2]!.toLowerCase()] ?? 1;
  return Number(match[1]) * factor;
}

export interface SharedVolume {
  volume: string;
  containers: { name: string; readOnly: boolean; running: boolean; destination: string }[];
  writers: string[];
}

/** Volumes mounted by two or more containers, and which of them can write (the seeds' sidecar lesson). */
export function sharedVolumes(rows: readonly MountRow[]): SharedVolume[] {
  const byVolume = new Map<string, MountRow[]>();
  for (const row of rows) {
    if (row.type !== 'volume') continue;
    byVolume.set(row.source, [...(byVolume.get(row.source) ?? []), row]);
  }
  return [...byVolume]
    .filter(([, users]) => new Set(users.map((u) => u.containerId)).size >= 2)
    .map(([volume, users]) => ({
      volume,
      containers: users.map((u) => ({
        name: u.container,
        readOnly: u.readOnly,
        running: u.running,
        destination: u.destination,
      })),
      writers: users.filter((u) => !u.readOnly).map((u) => u.container),
    }))
    .sort((a, b) => compareText(a.volume, b.volume));
}
