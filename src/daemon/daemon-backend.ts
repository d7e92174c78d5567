/** The API's backend over Stowage's services: every route ends up here, then in inventory/ or backup/. */
import { join } from 'node:path';
import type {
  ApiBackend,
  EngineSummary,
  PruneApplyResult,
  PruneRequest,
  VolumeActivity,
} from '../api/api-backend.ts';
import type { BackupRecord } from '../catalog/backup-store.ts';
import { openArchiveSource } from '../backup/archive-source.ts';
import type { BackupContext } from '../backup/backup-context.ts';
import { backupVolume } from '../backup/backup-volume.ts';
import { restoreArchive } from '../backup/restore-volume.ts';
import { verifyBackup } from '../backup/verify-backup.ts';
import { cloneVolume } from '../backup/volume-moves.ts';
import { lockVolume } from '../backup/volume-lock.ts';
import type { StowageConfig } from '../config/config-types.ts';
import { conflict, isStowageError, notFound } from '../core/errors.ts';
import { parseDuration } from '../core/units.ts';
import { parseDoctorPolicy, type DoctorPolicyInput } from '../doctor/doctor-policy.ts';
import { runDoctor } from '../doctor/run-doctor.ts';
import { volumeHistoryReport } from '../history/history-report.ts';
import { historyIdleStates } from '../history/volume-history.ts';
import { listMounts, sharedVolumes } from '../inventory/mount-listing.ts';
import type { InventoryService } from '../inventory/inventory-service.ts';
import { inspectVolume } from '../inventory/volume-details.ts';
import { volumeDetailsJson, volumeJson } from '../inventory/volume-json.ts';
import { parseVolumeQuery } from '../inventory/volume-query.ts';
import { JobRegistry, type Job } from '../jobs/job-registry.ts';
import { estimateCost } from '../lifecycle/cost-estimate.ts';
import type { PruneCriteria } from '../lifecycle/prune-plan.ts';
import { applyPrune, computePrunePlan } from '../lifecycle/prune-volumes.ts';
import type { ProtectionMarks } from '../lifecycle/protection-marks.ts';
import type { Scheduler } from '../schedules/scheduler.ts';
import { LocalTarget } from '../targets/local-target.ts';
import type { AuditLog } from './audit-log.ts';
import { DaemonMetrics } from './daemon-metrics.ts';
import { PLAN_LIFETIME_MS, PrunePlanBook } from './prune-plan-book.ts';

export interface DaemonServices {
  context: BackupContext;
  inventory: InventoryService;
  marks: ProtectionMarks;
  config: () => StowageConfig;
  audit: AuditLog;
  /** The scheduler, once started (it starts after the server listens). */
  scheduler?: () => Scheduler | undefined;
}

const PLAN_HINT = `plans expire after ${PLAN_LIFETIME_MS / 60_000} minutes and are applied once; POST /api/prune/plans makes a new one`;

export class DaemonBackend implements ApiBackend {
  readonly jobs = new JobRegistry();
  readonly #services: DaemonServices;
  readonly #metrics: DaemonMetrics;
  readonly #plans = new PrunePlanBook();
  /** Volumes a job of this daemon backs up, restores or clones, and which job: refused at submission (409). */
  readonly #busy = new Map<string, string>();
  /** What the API call that started a job was, for its outcome line in the audit log. */
  readonly #asked = new Map<string, { action: string; subject: string }>();
  // Every job's outcome is audited, the scheduler's included: a scheduled run's retention removes backups.
  readonly stopAuditing = this.jobs.onDone((job) => this.#auditOutcome(job));

  constructor(services: DaemonServices) {
    this.#services = services;
    this.#metrics = new DaemonMetrics(
      services.inventory,
      services.context.catalog,
      services.context.engineInfo.id,
      () => services.config().cost.pricePerGbMonth,
    );
  }

  async listVolumes(query: Parameters<ApiBackend['listVolumes']>[0]) {
    return (await this.#services.inventory.list(parseVolumeQuery(query))).map(volumeJson);
  }

  async inspectVolume(name: string) {
    return volumeDetailsJson(
      await inspectVolume(this.#services.context.engine, this.#services.inventory, name),
    );
  }

  async volumeActivity(): Promise<VolumeActivity[]> {
    const { context, inventory } = this.#services;
    const now = new Date();
    const volumes = await inventory.list(parseVolumeQuery({ filter: [], sizes: false }));
    const idle = await historyIdleStates(context.catalog, context.engine)(volumes, now);
    const backups = new Map<string, BackupRecord[]>();
    // Newest first, so each volume's first record is its last backup; this engine's only (a volume is a
    // name on one engine).
    for (const record of context.catalog.backups.list({ engineId: context.engineInfo.id })) {
      const own = backups.get(record.volume);
      if (own) own.push(record);
      else backups.set(record.volume, [record]);
    }
    return volumes.map((volume) => {
      const state = idle.get(volume.name);
      const own = backups.get(volume.name) ?? [];
      return {
        name: volume.name,
        lastUsedAt:
          volume.status === 'in-use' ? now.toISOString() : (state?.lastUsedAt?.toISOString() ?? null),
        certainty: state?.certainty ?? null,
        backups: own.length,
        lastBackupAt: own[0]?.finishedAt ?? null,
        lastBackupId: own[0]?.id ?? null,
        lastBackupVerify: own[0]?.verifyStatus ?? null,
      };
    });
  }

  listMounts() {
    return listMounts(this.#services.context.engine);
  }

  async sharedVolumes() {
    return sharedVolumes(await listMounts(this.#services.context.engine));
  }

  protect(volume: string, reason: string | undefined) {
    return this.#services.marks.protect(volume, reason);
  }

  unprotect(volume: string) {
    return this.#services.marks.unprotect(volume);
  }

  listBackups(volume: string | undefined) {
    return this.#services.context.catalog.backups.list(volume === undefined ? {} : { volume });
  }

  async startBackup(volume: string, options: { gzip?: boolean; stop?: boolean; pause?: boolean }) {
    const { context } = this.#services;
    const config = this.#services.config().backup;
    const target = new LocalTarget(config.target ?? join(context.dataDir, 'backups'));
    // Known at submission, so answered at once (404) rather than as a job that fails; it also keeps the
    // failure metric's labels to volumes that exist.
    await context.engine.volumes.inspect(volume);
    const hold = this.#claim([volume], 'backup');
    return hold(
      this.jobs.start('backup', volume, async (control) => {
        try {
          const result = await backupVolume(context, {
            volume,
            target,
            compression: options.gzip ? 'gzip' : config.compression,
            consistency: {
              ...(options.stop ? { stop: true } : {}),
              ...(options.pause ? { pause: true } : {}),
            },
            signal: control.signal,
            onProgress: (p) =>
              control.progress({
                bytes: p.bytes,
                entries: p.entries,
                expectedBytes: p.expectedBytes ?? null,
              }),
          });
          return {
            backupId: result.id,
            files: result.manifest.contents.files,
            bytes: result.manifest.contents.bytes,
            durationMs: result.durationMs,
          };
        } catch (error) {
          this.#metrics.backupFailures.inc({ volume });
          throw error;
        }
      }),
    );
  }

  startVerify(backupId: number, options: { restoreTest?: boolean }) {
    const { context } = this.#services;
    this.#record(backupId); // an unknown ID is a 404 now, not a job that fails
    return Promise.resolve(
      this.jobs.start('verify', `#${backupId}`, async () => {
        const source = await openArchiveSource(String(this.#record(backupId).id), context.catalog);
        const result = await verifyBackup(source, context.catalog, options.restoreTest ? context : undefined);
        return {
          ok: result.ok,
          problems: result.report.problems.map((p) => p.message),
          restoreTest: result.restoreTest ?? null,
        };
      }),
    );
  }

  startRestore(backupId: number, options: Parameters<ApiBackend['startRestore']>[1]) {
    const { context } = this.#services;
    const hold = this.#claim([options.volume ?? this.#record(backupId).volume], 'restore');
    return Promise.resolve(
      hold(
        this.jobs.start('restore', `#${backupId}`, async () => {
          const source = await openArchiveSource(String(this.#record(backupId).id), context.catalog);
          const result = await restoreArchive(context, {
            source,
            ...(options.volume ? { volume: options.volume } : {}),
            ...(options.force ? { force: true } : {}),
            ...(options.stop ? { stop: true } : {}),
            ...(options.path !== undefined ? { path: options.path } : {}),
          });
          return {
            volume: result.volume,
            created: result.created,
            replaced: result.replaced,
            safetyBackup: result.safetyBackup ?? null,
            files: result.plan.selected.files,
          };
        }),
      ),
    );
  }

  async startClone(source: string, destination: string) {
    const { engine } = this.#services.context;
    await engine.volumes.inspect(source);
    // A destination that exists is a conflict known now: 409 at submission, not a job that fails.
    const taken = await engine.volumes.inspect(destination).then(
      () => true,
      (error: unknown) => {
        if (isStowageError(error, 'not-found')) return false;
        throw error;
      },
    );
    if (taken) {
      throw conflict(`volume ${destination} already exists`, 'choose another name, or remove it first');
    }
    const hold = this.#claim([source, destination], 'clone');
    return hold(
      this.jobs.start('clone', `${source} -> ${destination}`, async (control) => {
        const result = await cloneVolume(this.#services.context, source, destination, {
          signal: control.signal,
          onProgress: (p) =>
            control.progress({ bytes: p.bytes, entries: p.entries, expectedBytes: p.expectedBytes ?? null }),
        });
        return { files: result.files, bytes: result.bytes, droppedOptions: result.droppedOptions };
      }),
    );
  }

  listSchedules() {
    return this.#services.scheduler?.()?.list() ?? [];
  }

  runSchedule(name: string) {
    const scheduler = this.#services.scheduler?.();
    if (!scheduler) throw notFound(`schedule ${name} does not exist`, 'the scheduler has not started yet');
    return scheduler.runNow(name);
  }

  listRuns(filter: { schedule?: string; volume?: string; limit?: number }) {
    return this.#services.context.catalog.runs.list(filter);
  }

  async createPrunePlan(request: PruneRequest) {
    const { query, criteria, idle } = this.#pruneInputs(request);
    return this.#plans.add(request, await computePrunePlan(this.#services.inventory, query, criteria, idle));
  }

  prunePlan(id: string) {
    const plan = this.#plans.get(id);
    if (!plan) throw notFound(`prune plan ${id} does not exist`, PLAN_HINT);
    return plan;
  }

  async applyPrunePlan(id: string): Promise<PruneApplyResult> {
    const plan = this.#plans.take(id);
    if (!plan) throw notFound(`prune plan ${id} does not exist`, PLAN_HINT);
    const { query, criteria, idle } = this.#pruneInputs(plan.request);
    const { engine } = this.#services.context;
    const planned = new Set(plan.remove.map((c) => c.name));
    const result = await applyPrune(engine, this.#services.inventory, query, criteria, planned, idle);
    const failed = new Map(result.failed.map((f) => [f.name, f.error]));
    const removed = new Set(result.removed.map((r) => r.name));
    const left = [...planned].filter((name) => !removed.has(name));
    // Why the rest stayed: the engine refused, or (as of now) the recomputed plan no longer lists it.
    const now = left.length
      ? await computePrunePlan(this.#services.inventory, query, criteria, idle)
      : undefined;
    const notRemoved = left.map((name) => {
      const skipped = now?.skipped.find((s) => s.name === name);
      const reason =
        failed.get(name) ??
        (skipped
          ? skipped.reason + (skipped.detail ? `: ${skipped.detail}` : '')
          : 'no longer on the engine');
      return { name, reason };
    });
    return { planId: id, removed: result.removed, notRemoved, reclaimedBytes: result.reclaimedBytes };
  }

  async cost(options: { pricePerGbMonth: number; filter?: string[] }) {
    const { context, inventory } = this.#services;
    const volumes = await inventory.list(parseVolumeQuery({ filter: options.filter ?? [], sizes: true }));
    const idle = await historyIdleStates(context.catalog, context.engine)(volumes, new Date());
    return estimateCost(volumes, options.pricePerGbMonth, idle);
  }

  doctor(policy: DoctorPolicyInput) {
    const { context, inventory } = this.#services;
    const backups = () => context.catalog.backups.list({ engineId: context.engineInfo.id });
    return runDoctor({ engine: context.engine, inventory, backups }, parseDoctorPolicy(policy));
  }

  volumeHistory(name: string) {
    return volumeHistoryReport(this.#services.context.catalog, this.#services.context.engine, name);
  }

  async engineInfo(): Promise<EngineSummary> {
    const { id, name, serverVersion, apiVersion, os, dockerRootDir } =
      await this.#services.context.engine.info();
    return { id, name, serverVersion, apiVersion, os, dockerRootDir };
  }

  metrics() {
    return this.#metrics.expose();
  }

  async health() {
    const problems: string[] = [];
    await this.#services.context.engine
      .info()
      .catch((error: Error) => problems.push(`engine: ${error.message}`));
    problems.push(...(this.#services.scheduler?.()?.health(new Date()) ?? []));
    return { ok: problems.length === 0, problems };
  }

  audit(entry: { action: string; subject: string; outcome: string }) {
    this.#services.audit.record(entry);
  }

  auditJob(action: string, subject: string, job: Job) {
    this.#services.audit.record({ action, subject, outcome: 'started', job: job.id });
    // Jobs end asynchronously, so the outcome line (#auditOutcome) always comes after this.
    if (job.state === 'running') this.#asked.set(job.id, { action, subject });
  }

  /** Succeeded or failed, with the error and how long it took; under the API call's words when there was one. */
  #auditOutcome(job: Job) {
    const asked = this.#asked.get(job.id);
    this.#asked.delete(job.id);
    try {
      this.#services.audit.record({
        action: asked?.action ?? job.kind,
        subject: asked?.subject ?? job.subject,
        outcome: job.state,
        job: job.id,
        durationMs: Date.parse(job.finishedAt ?? new Date().toISOString()) - Date.parse(job.startedAt),
        ...(job.error ? { error: job.error.message } : {}),
      });
    } catch (error) {
      // Runs where the job ends, outside any request: a full disk must not take the daemon down.
      process.emitWarning(`audit log: ${(error as Error).message}`);
    }
  }

  /**
   * Claims `volumes` for a job about to start, only when no job of this daemon and no other Stowage process
   * (their lock files) works on them: a conflict known now is a 409, not a job that fails a moment later.
   * Call it right before `jobs.start` (nothing asynchronous in between) and pass the job to the returned
   * function, which keeps the claim until the job ends. The operation still takes its own lock, which
   * settles a race with another process.
   * @throws StowageError 'conflict' naming the job or process.
   */
  #claim(volumes: string[], operation: string): (job: Job) => Job {
    const { dataDir, engineInfo } = this.#services.context;
    for (const volume of volumes) {
      const holder = this.#busy.get(volume);
      if (holder)
        throw conflict(
          `${operation} ${volume}: volume is busy: ${holder}`,
          'wait for that job to finish (GET /api/jobs/ID), then try again',
        );
    }
    for (const volume of volumes) lockVolume(dataDir, engineInfo.id, volume, operation).release();
    return (job) => {
      const holder = `${job.kind} job ${job.id}`;
      for (const volume of volumes) this.#busy.set(volume, holder);
      whenDone(this.jobs, job, () => {
        for (const volume of volumes) if (this.#busy.get(volume) === holder) this.#busy.delete(volume);
      });
      return job;
    };
  }

  /** The same query, criteria and history the CLI's `prune` builds from its flags. */
  #pruneInputs(request: PruneRequest) {
    const query = parseVolumeQuery({
      filter: request.filter ?? [],
      ...(request.olderThan !== undefined ? { olderThan: request.olderThan } : {}),
      sizes: true,
    });
    const criteria: PruneCriteria = { all: request.all ?? false };
    if (request.unusedFor === undefined) return { query, criteria, idle: undefined };
    criteria.unusedForMs = parseDuration(request.unusedFor, 'unusedFor duration');
    const { catalog, engine } = this.#services.context;
    return { query, criteria, idle: historyIdleStates(catalog, engine) };
  }

  #record(id: number) {
    const record = this.#services.context.catalog.backups.get(id);
    if (!record) throw notFound(`backup #${id} is not in the catalog`);
    return record;
  }
}

/** Calls `then` once the job has ended (at once when it already has). */
function whenDone(jobs: JobRegistry, job: Job, then: (done: Job) => void): void {
  if (job.state !== 'running') return then(job);
  const stop = jobs.follow(job.id, (event) => {
    if (event.type !== 'done') return;
    stop();
    then(event.job);
  });
}
