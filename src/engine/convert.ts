/** Engine JSON → Stowage's engine contract. Pure; the only place wire field names are read. */
import type {
  EngineContainer,
  EngineContainerDetails,
  EngineMount,
  EngineVolume,
  MountType,
} from './contract.ts';
import type { WireContainerInspect, WireContainerSummary, WireMount, WireVolume } from './wire-types.ts';

export function toVolume(wire: WireVolume): EngineVolume {
  return {
    name: wire.Name,
    driver: wire.Driver,
    mountpoint: wire.Mountpoint,
    createdAt: wire.CreatedAt || undefined,
    labels: wire.Labels ?? {},
    scope: wire.Scope,
    options: wire.Options ?? {},
    status: wire.Status,
  };
}

export function toMount(wire: WireMount): EngineMount {
  return {
    type: wire.Type as MountType,
    name: wire.Name || undefined,
    source: wire.Source,
    destination: wire.Destination,
    driver: wire.Driver || undefined,
    mode: wire.Mode,
    readOnly: !wire.RW,
    propagation: wire.Propagation,
  };
}

const RUNNING_STATES = new Set(['running', 'paused', 'restarting']);

export function toContainer(wire: WireContainerSummary): EngineContainer {
  return {
    id: wire.Id,
    name: (wire.Names[0] ?? wire.Id).replace(/^\//, ''),
    image: wire.Image,
    state: wire.State,
    running: RUNNING_STATES.has(wire.State),
    createdAt: new Date(wire.Created * 1000),
    labels: wire.Labels ?? {},
    mounts: (wire.Mounts ?? []).map(toMount),
  };
}

export function toContainerDetails(wire: WireContainerInspect): EngineContainerDetails {
  const tmpfsSizes: Record<string, number> = {};
  for (const mount of wire.HostConfig.Mounts ?? []) {
    const size = mount.TmpfsOptions?.SizeBytes;
    if (mount.Type === 'tmpfs' && size) tmpfsSizes[mount.Target] = size;
  }
  return {
    id: wire.Id,
    name: wire.Name.replace(/^\//, ''),
    image: wire.Config.Image,
    state: wire.State.Status,
    running: RUNNING_STATES.has(wire.State.Status),
    createdAt: new Date(wire.Created),
    labels: wire.Config.Labels ?? {},
    mounts: (wire.Mounts ?? []).map(toMount),
    tmpfs: wire.HostConfig.Tmpfs ?? {},
    tmpfsSizes,
    declaredVolumes: Object.keys(wire.Config.Volumes ?? {}),
    volumesFrom: wire.HostConfig.VolumesFrom ?? [],
  };
}
