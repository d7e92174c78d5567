import { catalogExists } from '../../catalog/catalog.ts';
import { formatAge, formatBytes, parseDuration } from '../../core/units.ts';
import { historyIdleStates } from '../../history/volume-history.ts';
import { parseVolumeQuery } from '../../inventory/volume-query.ts';
import type { PruneCandidate, PruneCriteria } from '../../lifecycle/prune-plan.ts';
import { applyPrune, computePrunePlan, type IdleStates } from '../../lifecycle/prune-volumes.ts';
import type { CliSession } from '../session.ts';
import { plural } from '../../core/terminal-text.ts';

export interface PruneOptions {
  all?: boolean;
  filter?: string[];
  olderThan?: string;
  unusedFor?: string;
  yes?: boolean;
  json?: boolean;
}

/** Without --yes: the plan, exit 0. With --yes: the plan recomputed and applied. */
export async function prune(session: CliSession, options: PruneOptions): Promise<void> {
  const query = parseVolumeQuery({ filter: options.filter ?? [], olderThan: options.olderThan, sizes: true });
  const criteria: PruneCriteria = { all: options.all ?? false };
  let idleStates: IdleStates | undefined;
  if (options.unusedFor !== undefined) {
    criteria.unusedForMs = parseDuration(options.unusedFor, '--unused-for duration');
    // No catalog means no history: every volume falls back to its creation time (and the plan says so).
    idleStates = historyIdleStates(
      catalogExists(session.dataDir) ? session.catalog() : undefined,
      session.engine(),
    );
  }
  const { out } = session;
  if (!options.yes) {
    const plan = await computePrunePlan(session.inventory(), query, criteria, idleStates);
    if (options.json) return out.json({ dryRun: true, ...plan });
    if (plan.remove.length === 0) {
      out.write('Nothing to prune.');
    } else {
      out.write('Would remove:');
      const unusedColumn = criteria.unusedForMs === undefined ? [] : ['UNUSED FOR'];
      out.table(
        ['VOLUME', 'KIND', 'SIZE', ...unusedColumn],
        plan.remove.map((c) => [
          out.volumeName(c.name),
          c.anonymous ? 'anonymous' : 'named',
          c.sizeBytes === null ? 'n/a' : formatBytes(c.sizeBytes),
          ...(c.unused ? [unusedCell(c.unused)] : []),
        ]),
      );
      out.write(
        `Total reclaimable space: ${formatBytes(plan.reclaimableBytes)}${plan.unknownSizes ? ` (+${plan.unknownSizes} of unknown size)` : ''}`,
      );
    }
    const kept = plan.skipped.filter((s) => s.reason === 'protected' || s.reason === 'named (use --all)');
    if (kept.length) out.note(`Kept: ${kept.map((s) => `${s.name} (${s.reason})`).join(', ')}`);
    for (const s of plan.skipped) {
      if (s.reason === 'used recently' || s.reason === 'idle time unknown') {
        out.note(`Kept: ${s.name} (${s.reason}: ${s.detail})`);
      }
    }
    const fallback = plan.remove.filter((c) => c.unused?.basis === 'creation');
    if (fallback.length) {
      out.note(
        `No recorded history for ${plural(fallback.length, 'volume')}: their creation time stands in for their last use ` +
          '(the daemon, `stowage daemon`, records volume history).',
      );
    }
    if (plan.remove.length) out.note('This was a dry run: run again with --yes to remove these volumes.');
    return;
  }
  const result = await applyPrune(
    session.engine(),
    session.inventory(),
    query,
    criteria,
    undefined,
    idleStates,
  );
  if (options.json) return out.json(result);
  for (const removed of result.removed) out.write(`Deleted: ${removed.name}`);
  for (const failed of result.failed) out.note(`Not removed: ${failed.error}`);
  out.write(`Total reclaimed space: ${formatBytes(result.reclaimedBytes)}`);
}

function unusedCell(unused: NonNullable<PruneCandidate['unused']>): string {
  const span = formatAge(unused.idleForMs);
  if (unused.basis === 'creation') return `${span} (no history: since creation)`;
  return unused.certainty === 'unknown' ? `at least ${span}` : span;
}
