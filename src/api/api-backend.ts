/**
 * What the HTTP routes need, declared by the API (moby's router/backend split): the daemon implements it
 * over the services. Archives are named by catalog ID and targets by configuration: nothing here takes a
 * host path or driver options pointing at the host, and nothing hands out the engine's socket.
 */
import type { BackupRecord } from '../catalog/backup-store.ts';
import type { RunRecord } from '../catalog/run-store.ts';
import type { DoctorPolicyInput } from '../doctor/doctor-policy.ts';
import type { DoctorReport } from '../doctor/run-doctor.ts';
import type { VolumeHistoryReport } from '../history/history-report.ts';
import type { MountRow, SharedVolume } from '../inventory/mount-listing.ts';
import type { volumeDetailsJson, volumeJson } from '../inventory/volume-json.ts';
import type { VolumeQueryInput } from '../inventory/volume-query.ts';
import type { Job, JobRegistry } from '../jobs/job-registry.ts';
import type { CostEstimate } from '../lifecycle/cost-estimate.ts';
import type { PrunePlan } from '../lifecycle/prune-plan.ts';
import type { ScheduleStatus } from '../schedules/schedule-status.ts';

export type VolumeJson = ReturnType<typeof volumeJson>;
export type VolumeDetailsJson = ReturnType<typeof volumeDetailsJson>;

/**
 * `GET /api/engine`: which engine the daemon manages. Declared here, as every document the API serves is, so
 * that the API depends on no engine-layer type: the daemon maps its engine's information into it.
 */
export interface EngineSummary {
  id: string;
  name: string;
  serverVersion: string;
  /** The API version the daemon's connection negotiated. */
  apiVersion: string;
  os: string;
  dockerRootDir: string;
}

/** Per volume, what the dashboard's table shows besides `ls`: last use (from the history) and last backup. */
export interface VolumeActivity {
  name: string;
  /** Now for a volume in use; the history's last use otherwise; null when the history never saw one. */
  lastUsedAt: string | null;
  /** 'unknown' when the idle stretch crosses a gap in the history; null without a history. */
  certainty: 'known' | 'unknown' | null;
  backups: number;
  lastBackupAt: string | null;
  lastBackupId: number | null;
  lastBackupVerify: 'ok' | 'failed' | null;
}

/** What a prune plan is asked for (the CLI's `prune` flags); applying it recomputes with the same request. */
export interface PruneRequest {
  all?: boolean;
  /** Docker filters: `label=`, `driver=`, `name=`. */
  filter?: string[];
  olderThan?: string;
  unusedFor?: string;
}

/** A plan kept in memory under a random ID until `expiresAt`, or until it is applied (once). */
export interface StoredPrunePlan extends PrunePlan {
  id: string;
  createdAt: string;
  expiresAt: string;
  request: PruneRequest;
}

export interface PruneApplyResult {
  planId: string;
  removed: { name: string; sizeBytes: number | null }[];
  /** In the stored plan but not removed: no longer prunable now (and why), or the engine refused. */
  notRemoved: { name: string; reason: string }[];
  reclaimedBytes: number;
}

export interface ApiBackend {
  readonly jobs: JobRegistry;
  listVolumes(query: VolumeQueryInput): Promise<VolumeJson[]>;
  inspectVolume(name: string): Promise<VolumeDetailsJson>;
  /** Last use and last backup of every volume (no sizes: cheap). */
  volumeActivity(): Promise<VolumeActivity[]>;
  listMounts(): Promise<MountRow[]>;
  sharedVolumes(): Promise<SharedVolume[]>;
  protect(volume: string, reason: string | undefined): Promise<void>;
  unprotect(volume: string): Promise<boolean>;
  listBackups(volume: string | undefined): BackupRecord[];
  /*
   * Jobs are started only when what is known at submission allows them: an unknown volume or backup is
   * StowageError 'not-found', a volume another job or process works on is 'conflict' (409), never a job
   * that fails a moment later. Names are valid volume names (the routes check them).
   */
  startBackup(volume: string, options: { gzip?: boolean; stop?: boolean; pause?: boolean }): Promise<Job>;
  startVerify(backupId: number, options: { restoreTest?: boolean }): Promise<Job>;
  startRestore(
    backupId: number,
    options: { volume?: string; force?: boolean; stop?: boolean; path?: string },
  ): Promise<Job>;
  startClone(source: string, destination: string): Promise<Job>;
  /** Every schedule (config and volume labels) with its next fire and last run. */
  listSchedules(): ScheduleStatus[];
  /** Starts a run of a schedule now. @throws StowageError 'not-found' for an unknown schedule. */
  runSchedule(name: string): Promise<Job>;
  /** Recorded runs, newest first. */
  listRuns(filter: { schedule?: string; volume?: string; limit?: number }): RunRecord[];
  /**
   * Computes a prune plan (as `stowage prune` without `--yes`) and keeps it under a new ID.
   * @throws StowageError 'invalid' for a bad filter or duration.
   */
  createPrunePlan(request: PruneRequest): Promise<StoredPrunePlan>;
  /** @throws StowageError 'not-found' for an unknown, expired or applied plan. */
  prunePlan(id: string): StoredPrunePlan;
  /**
   * Recomputes the plan and removes only volumes both in the stored plan and still in the new one; the plan
   * is spent. @throws StowageError 'not-found' for an unknown, expired or applied plan.
   */
  applyPrunePlan(id: string): Promise<PruneApplyResult>;
  /** `stowage cost`: what orphaned, dangling and idle volumes cost per month. */
  cost(options: { pricePerGbMonth: number; filter?: string[] }): Promise<CostEstimate>;
  /** `stowage doctor --json` (without the CLI's exit code). @throws StowageError 'invalid' for a bad threshold. */
  doctor(policy: DoctorPolicyInput): Promise<DoctorReport>;
  /** `stowage history VOL --json`. @throws StowageError 'not-found' when neither engine nor history knows it. */
  volumeHistory(name: string): Promise<VolumeHistoryReport>;
  engineInfo(): Promise<EngineSummary>;
  /** Prometheus text exposition. */
  metrics(): Promise<{ contentType: string; body: string }>;
  /** Healthy unless something the operator must know about is wrong (engine unreachable...). */
  health(): Promise<{ ok: boolean; problems: string[] }>;
  /** Destructive calls are recorded: who (token holder), what, when, with which outcome. */
  audit(entry: { action: string; subject: string; outcome: string }): void;
  /** Records that a destructive job started and, when it ends, its outcome, error and duration. */
  auditJob(action: string, subject: string, job: Job): void;
}
