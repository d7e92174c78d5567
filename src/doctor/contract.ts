/**
 * What `stowage doctor` works on: the facts gathered once from one engine and the catalog, the policy
 * (thresholds), and the findings. Every check is a pure function `(facts, policy) → findings`; only
 * `run-doctor.ts` does I/O.
 */
import type { BackupRecord } from '../catalog/backup-store.ts';
import type { Labels } from '../engine/contract.ts';
import type { MountRow } from '../inventory/mount-listing.ts';
import type { VolumeRecord } from '../inventory/volume-record.ts';

/** info: worth knowing; warning: data at risk or a risky setup; critical: root on the host, or a disk about to fill. */
export type Severity = 'info' | 'warning' | 'critical';

/**
 * One kind of problem and everything it concerns: 300 volumes never backed up are one finding listing 300
 * volumes, not 300 findings (a long list of identical lines hides the one that matters).
 */
export interface Finding {
  /** The check that found it (`sensitive-binds`, `backups`...). */
  check: CheckName;
  /** What kind of problem, within its check (`never-backed-up`, `orphan`...): one finding per kind. */
  kind: string;
  severity: Severity;
  /** What it is about, for a table: a name, or a count with the first few names (`3 volumes: a, b, c`). */
  subject: string;
  /** Every volume, container or folder it is about, sorted. */
  subjects: string[];
  /** What is wrong and why it matters, in one sentence. */
  message: string;
  /** What to run or change to put it right. */
  fix: string;
}

export type CheckName = 'anonymous-volumes' | 'backups' | 'sensitive-binds' | 'shared-writers' | 'disk-space';

/** Usage of one filesystem, as `df` shows it: `used / (used + available)`, so root's reserve counts as full. */
export interface DiskUsage {
  path: string;
  usedBytes: number;
  availableBytes: number;
  /** Inodes; both 0 where the filesystem has no fixed inode count (btrfs, some network filesystems). */
  usedInodes: number;
  availableInodes: number;
}

export interface DoctorFacts {
  /** Milliseconds since the epoch, when the facts were gathered. */
  now: number;
  /** Every volume with its users and size (a measured 0 is an empty volume). */
  volumes: readonly VolumeRecord[];
  /** Every mount of every container, of every type. */
  mounts: readonly MountRow[];
  /** Container ID → its labels (`stowage.writer=true` marks the one writer of a shared volume). */
  containerLabels: ReadonlyMap<string, Labels>;
  /** This engine's backups from the catalog, newest first. */
  backups: readonly BackupRecord[];
  /**
   * The engine's data root: its usage when the engine is on this host and could be measured, the reason
   * when it could not, undefined for a remote engine (its disks are not ours to read).
   */
  disk: DiskUsage | { path: string; error: string } | undefined;
}

export interface DoctorPolicy {
  /** A newest backup older than this is stale. */
  staleAfterMs: number;
  /** Disk use (percent) from which a warning, and from which a critical finding, is raised. */
  diskWarnPercent: number;
  diskCriticalPercent: number;
}

export type Check = (facts: DoctorFacts, policy: DoctorPolicy) => Finding[];
