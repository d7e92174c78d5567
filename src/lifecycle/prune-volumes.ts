/** Computes the prune plan, and applies it after recomputing, so a volume that changed is left alone. */
import { isStowageError } from '../core/errors.ts';
import type { Engine } from '../engine/contract.ts';
import type { IdleState } from '../history/idle-state.ts';
import type { InventoryService } from '../inventory/inventory-service.ts';
import type { VolumeQuery } from '../inventory/volume-query.ts';
import type { VolumeRecord } from '../inventory/volume-record.ts';
import { planPrune, type PruneCriteria, type PrunePlan } from './prune-plan.ts';

export interface PruneResult {
  removed: { name: string; sizeBytes: number | null }[];
  /** Planned but not removed: the engine refused (a container started using it meanwhile) or it vanished. */
  failed: { name: string; error: string }[];
  reclaimedBytes: number;
}

/** The history's idle states of these volumes (see src/history/volume-history.ts); for `--unused-for`. */
export type IdleStates = (
  volumes: readonly VolumeRecord[],
  now: Date,
) => Promise<ReadonlyMap<string, IdleState>>;

export async function computePrunePlan(
  inventory: InventoryService,
  query: VolumeQuery,
  criteria: PruneCriteria,
  idleStates?: IdleStates,
): Promise<PrunePlan> {
  const volumes = await inventory.list(query);
  const now = new Date();
  const idle = criteria.unusedForMs !== undefined && idleStates ? await idleStates(volumes, now) : undefined;
  return planPrune(volumes, criteria, idle, now);
}

/** Recomputes the plan now and removes only what it still lists; with `expected`, only names also in it. */
export async function applyPrune(
  engine: Engine,
  inventory: InventoryService,
  query: VolumeQuery,
  criteria: PruneCriteria,
  expected?: ReadonlySet<string>,
  idleStates?: IdleStates,
): Promise<PruneResult> {
  const plan = await computePrunePlan(inventory, query, criteria, idleStates);
  const result: PruneResult = { removed: [], failed: [], reclaimedBytes: 0 };
  for (const candidate of plan.remove) {
    if (expected && !expected.has(candidate.name)) continue;
    try {
      await engine.volumes.remove(candidate.name);
      result.removed.push({ name: candidate.name, sizeBytes: candidate.sizeBytes });
      result.reclaimedBytes += candidate.sizeBytes ?? 0;
    } catch (error) {
      if (!isStowageError(error)) throw error;
      result.failed.push({ name: candidate.name, error: error.message });
    }
  }
  return result;
}
