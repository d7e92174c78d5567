/**
 * The plugin's contract: what a backend is and what the store keeps about a volume. No code here; the
 * driver (`volume-driver.ts`) depends on these types only, and each backend implements `Backend`.
 */

export type BackendType = 'dir' | 'path' | 'tmpfs' | 'sshfs';

/** A volume's validated options, one shape per backend. Secrets are never part of it. */
export type VolumeSpec =
  | { type: 'dir'; sizeBytes: number | undefined }
  | { type: 'path'; path: string; purge: boolean }
  | { type: 'tmpfs'; sizeBytes: number; mode: string | undefined }
  | {
      type: 'sshfs';
      host: string;
      path: string;
      user: string | undefined;
      port: number | undefined;
      identity: string | undefined;
      knownHosts: string | undefined;
      readOnly: boolean;
      /** The server's sftp-server program, for servers without the sftp subsystem. */
      sftpServer: string | undefined;
    };

/** Backup policy given as options; the daemon's schedules read them from the engine's volume options. */
export interface VolumePolicy {
  backup: string | undefined;
  keep: string | undefined;
}

/** What the store keeps on disk for one volume. */
export interface VolumeRecord {
  name: string;
  spec: VolumeSpec;
  policy: VolumePolicy;
  /** The options as the engine gave them (already validated), shown back in the Status. */
  options: Record<string, string>;
  createdAt: string;
  /** Mount IDs the engine gave in Mount and has not yet released with Unmount. */
  callers: string[];
}

/** Where a backend keeps a volume: its own folder under the plugin's root. */
export interface VolumePaths {
  /** `<root>/volumes/<name>`: everything the plugin owns for this volume. */
  dir: string;
  /** What the engine bind-mounts into containers. */
  mountpoint: string;
}

export interface Backend {
  /**
   * `persistent`: attached from Create until Remove (and again at start after a reboot), so `docker run`
   * pays no mount; `on-use`: attached at the first caller's Mount, detached after the last Unmount.
   */
  readonly attach: 'none' | 'persistent' | 'on-use';
  /** Prepares storage at Create. @throws StowageError('invalid'|'failed') leaving nothing behind. */
  create(record: VolumeRecord, paths: VolumePaths): Promise<void>;
  /** Makes the data reachable at `paths.mountpoint`; a no-op when it already is. */
  mount(record: VolumeRecord, paths: VolumePaths): Promise<void>;
  /** Undoes `mount`; a no-op when nothing is mounted. */
  unmount(record: VolumeRecord, paths: VolumePaths): Promise<void>;
  /** Whether `mount` is in effect now (for reconciliation at start). */
  mounted(record: VolumeRecord, paths: VolumePaths): Promise<boolean>;
  /** Deletes what Create made (after unmount). Kept data (path without purge) stays. */
  destroy(record: VolumeRecord, paths: VolumePaths): Promise<void>;
  /** Backend-specific facts for `docker volume inspect`'s Status; never a secret; never throws. */
  status(record: VolumeRecord, paths: VolumePaths): Promise<Record<string, unknown>>;
}
