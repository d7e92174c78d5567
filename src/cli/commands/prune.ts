import { formatBytes } from '../../core/units.ts';
import { parseVolumeQuery } from '../../inventory/volume-query.ts';
import { applyPrune, computePrunePlan } from '../../lifecycle/prune-volumes.ts';
import type { CliSession } from '../session.ts';

export interface PruneOptions {
  all?: boolean;
  filter?: string[];
  olderThan?: string;
  yes?: boolean;
  json?: boolean;
}

/** Without --yes: the plan, exit 0. With --yes: the plan recomputed and applied. */
export async function prune(session: CliSession, options: PruneOptions): Promise<void> {
  const query = parseVolumeQuery({ filter: options.filter ?? [], olderThan: options.olderThan, sizes: true });
  const criteria = { all: options.all ?? false };
  const { out } = session;
  if (!options.yes) {
    const plan = await computePrunePlan(session.inventory(), query, criteria);
    if (options.json) return out.json({ dryRun: true, ...plan });
    if (plan.remove.length === 0) {
      out.write('Nothing to prune.');
    } else {
      out.write('Would remove:');
      out.table(
        ['VOLUME', 'KIND', 'SIZE'],
        plan.remove.map((c) => [
          c.name,
          c.anonymous ? 'anonymous' : 'named',
          c.sizeBytes === null ? 'n/a' : formatBytes(c.sizeBytes),
        ]),
      );
      out.write(
        `Total reclaimable space: ${formatBytes(plan.reclaimableBytes)}${plan.unknownSizes ? ` (+${plan.unknownSizes} of unknown size)` : ''}`,
      );
    }
    const kept = plan.skipped.filter((s) => s.reason === 'protected' || s.reason === 'named (use --all)');
    if (kept.length) out.note(`Kept: ${kept.map((s) => `${s.name} (${s.reason})`).join(', ')}`);
    if (plan.remove.length) out.note('This was a dry run: run again with --yes to remove these volumes.');
    return;
  }
  const result = await applyPrune(session.engine(), session.inventory(), query, criteria);
  if (options.json) return out.json(result);
  for (const removed of result.removed) out.write(`Deleted: ${removed.name}`);
  for (const failed of result.failed) out.note(`Not removed: ${failed.error}`);
  out.write(`Total reclaimed space: ${formatBytes(result.reclaimedBytes)}`);
}
