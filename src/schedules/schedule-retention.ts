/**
 * A schedule's retention, after one of its runs wrote and verified a backup: the `forget` pipeline
 * (catalog records → pure `applyRetention` → `applyForget`) restricted to what that schedule owns — one
 * volume's backups of this engine in the schedule's target — so that schedules writing elsewhere, or
 * another engine's volume of the same name, are never touched.
 */
import { applyForget, resolveTarget, type ForgetCandidate } from '../backup/forget-backups.ts';
import { applyRetention, parseRetentionPolicy } from '../policy/retention-policy.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Target } from '../targets/contract.ts';

export interface ScheduleRetentionResult {
  removed: number[];
  /** Each backup that could not be removed, with why (it is left whole). */
  failed: string[];
  /** Why nothing was removed despite the policy (the newest backup is not good). */
  blocked: string | undefined;
}

/**
 * @param keep canonical policy text (already validated).
 * @throws only for a catalog failure; removal problems are returned in `failed`.
 */
export async function applyScheduleRetention(
  catalog: Catalog,
  request: { engineId: string; volume: string; target: Target; keep: string; now?: Date },
): Promise<ScheduleRetentionResult> {
  const policy = parseRetentionPolicy(request.keep);
  const candidates: ForgetCandidate[] = [];
  for (const record of catalog.backups.list({ volume: request.volume })) {
    if (record.engineId !== request.engineId || record.target !== request.target.url) continue;
    // A good backup whose archive was deleted by hand is no longer good: retention must know.
    candidates.push({
      ...record,
      archiveMissing: (await request.target.stat(record.archiveKey)) === undefined,
    });
  }
  const plan = applyRetention(candidates, policy, request.now ?? new Date());
  const result = await applyForget(catalog, plan, (url) =>
    url === request.target.url ? request.target : resolveTarget(url),
  );
  return {
    removed: result.removed.map((r) => r.backup.id),
    failed: result.failed.map((f) => f.error),
    blocked: plan.blocked[0]?.reason,
  };
}
