/**
 * Prune as read → pure plan → apply. The plan is the same on every engine version: dangling anonymous
 * volumes, named ones too with `all`, never a protected one, never one any container references.
 */
import type { VolumeRecord } from '../inventory/volume-record.ts';

export interface PruneCriteria {
  /** Named volumes too (Docker's `--all`); API 1.41 engines do this by default, Stowage does not. */
  all: boolean;
}

export interface PruneCandidate {
  name: string;
  driver: string;
  anonymous: boolean;
  sizeBytes: number | null;
  createdAt: string | undefined;
}

export interface SkippedVolume {
  name: string;
  reason: 'in use' | 'referenced by stopped containers' | 'protected' | 'named (use --all)';
}

export interface PrunePlan {
  remove: PruneCandidate[];
  skipped: SkippedVolume[];
  /** Sum of known sizes; volumes of unknown size are counted in `unknownSizes`. */
  reclaimableBytes: number;
  unknownSizes: number;
}

export function planPrune(volumes: readonly VolumeRecord[], criteria: PruneCriteria): PrunePlan {
  const plan: PrunePlan = { remove: [], skipped: [], reclaimableBytes: 0, unknownSizes: 0 };
  for (const volume of volumes) {
    const reason = skipReason(volume, criteria);
    if (reason) {
      plan.skipped.push({ name: volume.name, reason });
      continue;
    }
    const sizeBytes = volume.sizeBytes ?? null;
    plan.remove.push({
      name: volume.name,
      driver: volume.driver,
      anonymous: volume.anonymous,
      sizeBytes,
      createdAt: volume.createdAt,
    });
    if (sizeBytes === null) plan.unknownSizes++;
    else plan.reclaimableBytes += sizeBytes;
  }
  return plan;
}

function skipReason(volume: VolumeRecord, criteria: PruneCriteria): SkippedVolume['reason'] | undefined {
  if (volume.status === 'in-use') return 'in use';
  if (volume.status === 'idle') return 'referenced by stopped containers';
  if (volume.protected) return 'protected';
  if (!volume.anonymous && !criteria.all) return 'named (use --all)';
  return undefined;
}
