/**
 * `stowage doctor`: gathers the facts of one engine once (volumes with users and sizes, every container's mounts and
 * labels, the catalog's backups, the data root's disk usage when the engine is local), then runs every
 * check over them. The checks are pure; this file is the only one with I/O.
 */
import { statfs as fsStatfs } from 'node:fs/promises';
import type { StatsFs } from 'node:fs';
import type { BackupRecord } from '../catalog/backup-store.ts';
import { compareText } from '../core/units.ts';
import type { Engine, EngineInfo } from '../engine/contract.ts';
import type { InventoryService } from '../inventory/inventory-service.ts';
import { listMounts } from '../inventory/mount-listing.ts';
import { parseVolumeQuery } from '../inventory/volume-query.ts';
import { checkAnonymousVolumes } from './check-anonymous-volumes.ts';
import { checkBackups } from './check-backups.ts';
import { checkDiskSpace } from './check-disk-space.ts';
import { checkSensitiveBinds } from './check-sensitive-binds.ts';
import { checkSharedWriters } from './check-shared-writers.ts';
import type {
  Check,
  CheckName,
  DiskUsage,
  DoctorFacts,
  DoctorPolicy,
  Finding,
  Severity,
} from './contract.ts';

export const CHECKS: readonly Check[] = [
  checkSensitiveBinds,
  checkDiskSpace,
  checkSharedWriters,
  checkBackups,
  checkAnonymousVolumes,
];

export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

export interface DoctorSources {
  engine: Engine;
  inventory: Pick<InventoryService, 'list'>;
  /** Every backup in the catalog (those of other engines are ignored here); `[]` when there is no catalog. */
  backups: () => readonly BackupRecord[];
  statfs?: (path: string) => Promise<StatsFs>;
}

export interface DoctorReport {
  engine: { endpoint: string; id: string; local: boolean; dataRoot: string };
  checkedAt: string;
  policy: DoctorPolicy;
  /** Most severe first, then by check and subject. */
  findings: Finding[];
  summary: Record<Severity, number>;
  /** The most severe finding's severity; undefined when there is none. */
  worst: Severity | undefined;
  /** Checks that could not run, and why. */
  skipped: { check: CheckName; reason: string }[];
}

/**
 * Audits the engine. Reads only: nothing is created, changed or removed.
 * @throws StowageError from the engine (unreachable, engine errors); a data root that cannot be measured is
 * a finding, not an error.
 */
export async function runDoctor(sources: DoctorSources, policy: DoctorPolicy): Promise<DoctorReport> {
  const { engine } = sources;
  const [info, volumes, mounts, containers] = await Promise.all([
    engine.info(),
    // Sizes tell an empty volume (nothing to back up yet) from one holding data.
    sources.inventory.list(parseVolumeQuery({ sizes: true })),
    listMounts(engine),
    engine.containers.list(),
  ]);
  const facts: DoctorFacts = {
    now: Date.now(),
    volumes,
    mounts,
    containerLabels: new Map(containers.map((c) => [c.id, c.labels])),
    backups: sources.backups().filter((b) => b.engineId === info.id),
    disk: engine.local ? await measureDisk(info, sources.statfs ?? fsStatfs) : undefined,
  };
  const findings = diagnose(facts, policy);
  const summary = { critical: 0, warning: 0, info: 0 };
  for (const finding of findings) summary[finding.severity]++;
  return {
    engine: { endpoint: engine.endpoint, id: info.id, local: engine.local, dataRoot: info.dockerRootDir },
    checkedAt: new Date(facts.now).toISOString(),
    policy,
    findings,
    summary,
    worst: findings[0]?.severity,
    skipped: engine.local
      ? []
      : [{ check: 'disk-space', reason: 'the engine is not on this host, so its disks cannot be read' }],
  };
}

/** Runs every check over the facts; findings most severe first, then by check and subject. Pure. */
export function diagnose(
  facts: DoctorFacts,
  policy: DoctorPolicy,
  checks: readonly Check[] = CHECKS,
): Finding[] {
  const rank = (severity: Severity) => SEVERITIES.indexOf(severity);
  return checks
    .flatMap((check) => check(facts, policy))
    .sort(
      (a, b) =>
        rank(a.severity) - rank(b.severity) ||
        compareText(a.check, b.check) ||
        compareText(a.subject, b.subject),
    );
}

async function measureDisk(
  info: EngineInfo,
  statfs: (path: string) => Promise<StatsFs>,
): Promise<DiskUsage | { path: string; error: string }> {
  const path = info.dockerRootDir;
  try {
    const fs = await statfs(path);
    return {
      path,
      usedBytes: (fs.blocks - fs.bfree) * fs.bsize,
      availableBytes: fs.bavail * fs.bsize,
      usedInodes: fs.files > 0 ? fs.files - fs.ffree : 0,
      availableInodes: fs.files > 0 ? fs.ffree : 0,
    };
  } catch (error) {
    // Docker Desktop's socket is local but its data root lives in a VM; a non-root user may not reach it.
    return { path, error: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
  }
}
