/** The engine's JSON, as far as Stowage reads it. Internal to src/engine/: convert before it leaves. */

export interface WireVolume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt?: string;
  Labels: Record<string, string> | null;
  Scope: 'local' | 'global';
  Options: Record<string, string> | null;
  Status?: Record<string, unknown>;
  UsageData?: { Size: number; RefCount: number } | null;
}

export interface WireMount {
  Type: string;
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

export interface WireContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  Created: number;
  State: string;
  Labels: Record<string, string> | null;
  Mounts: WireMount[] | null;
}

export interface WireContainerInspect {
  Id: string;
  Name: string;
  Created: string;
  State: { Status: string; Running: boolean };
  Config: { Image: string; Labels: Record<string, string> | null; Volumes: Record<string, object> | null };
  HostConfig: {
    Tmpfs?: Record<string, string> | null;
    VolumesFrom?: string[] | null;
    Mounts?: { Type: string; Target: string; TmpfsOptions?: { SizeBytes?: number } }[] | null;
  };
  Mounts: WireMount[] | null;
}

export interface WireInfo {
  ID: string;
  Name: string;
  ServerVersion: string;
  OperatingSystem: string;
  DockerRootDir: string;
}

export interface WireDiskUsage {
  Volumes: WireVolume[] | null;
}
