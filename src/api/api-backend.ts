/**
 * What the HTTP routes need, declared by the API (moby's router/backend split): the daemon implements it
 * over the services. Archives are named by catalog ID and targets by configuration: nothing here takes a
 * host path or driver options pointing at the host, and nothing hands out the engine's socket.
 */
import type { BackupRecord } from '../catalog/backup-store.ts';
import type { RunRecord } from '../catalog/run-store.ts';
import type { EngineInfo } from '../engine/contract.ts';
import type { MountRow, SharedVolume } from '../inventory/mount-listing.ts';
import type { volumeDetailsJson, volumeJson } from '../inventory/volume-json.ts';
import type { VolumeQueryInput } from '../inventory/volume-query.ts';
import type { Job, JobRegistry } from '../jobs/job-registry.ts';
import type { ScheduleStatus } from '../schedules/schedule-status.ts';

export type VolumeJson = ReturnType<typeof volumeJson>;
export type VolumeDetailsJson = ReturnType<typeof volumeDetailsJson>;

export interface ApiBackend {
  readonly jobs: JobRegistry;
  listVolumes(query: VolumeQueryInput): Promise<VolumeJson[]>;
  inspectVolume(name: string): Promise<VolumeDetailsJson>;
  listMounts(): Promise<MountRow[]>;
  sharedVolumes(): Promise<SharedVolume[]>;
  protect(volume: string, reason: string | undefined): Promise<void>;
  unprotect(volume: string): Promise<boolean>;
  listBackups(volume: string | undefined): BackupRecord[];
  startBackup(volume: string, options: { gzip?: boolean; stop?: boolean; pause?: boolean }): Job;
  startVerify(backupId: number, options: { restoreTest?: boolean }): Job;
  startRestore(backupId: number, options: { volume?: string; force?: boolean; path?: string }): Job;
  startClone(source: string, destination: string): Job;
  /** Every schedule (config and volume labels) with its next fire and last run. */
  listSchedules(): ScheduleStatus[];
  /** Starts a run of a schedule now. @throws StowageError 'not-found' for an unknown schedule. */
  runSchedule(name: string): Promise<Job>;
  /** Recorded runs, newest first. */
  listRuns(filter: { schedule?: string; volume?: string; limit?: number }): RunRecord[];
  engineInfo(): Promise<EngineInfo>;
  /** Prometheus text exposition. */
  metrics(): Promise<{ contentType: string; body: string }>;
  /** Healthy unless something the operator must know about is wrong (engine unreachable...). */
  health(): Promise<{ ok: boolean; problems: string[] }>;
  /** Destructive calls are recorded: who (token holder), what, when, with which outcome. */
  audit(entry: { action: string; subject: string; outcome: string }): void;
}
