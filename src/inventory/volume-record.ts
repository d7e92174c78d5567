/** The inventory's view of a volume: what the engine knows plus who uses it and how big it is. */
import type { Labels } from '../engine/contract.ts';

/** Glossary: in use = a running container references it; idle = none running; dangling = no container. */
export type VolumeStatus = 'in-use' | 'idle' | 'dangling';

export interface VolumeUser {
  containerId: string;
  containerName: string;
  image: string;
  destination: string;
  readOnly: boolean;
  running: boolean;
}

export interface VolumeRecord {
  name: string;
  driver: string;
  scope: 'local' | 'global';
  mountpoint: string;
  createdAt: string | undefined;
  labels: Labels;
  options: Labels;
  anonymous: boolean;
  composeProject: string | undefined;
  users: VolumeUser[];
  status: VolumeStatus;
  /** Bytes; null where no size can be had ("n/a"), undefined where sizes were not asked for. */
  sizeBytes?: number | null;
  protected: boolean;
}
