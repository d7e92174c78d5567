import {
  applyForget,
  planForget,
  type ForgetCandidate,
  type ForgetPlan,
} from '../../backup/forget-backups.ts';
import { parseRetentionPolicy } from '../../policy/retention-policy.ts';
import { conflict, StowageError } from '../../core/errors.ts';
import { formatAge } from '../../core/units.ts';
import type { CliSession } from '../session.ts';
import { plural } from '../../core/terminal-text.ts';

export interface ForgetOptions {
  keep: string;
  dryRun?: boolean;
  json?: boolean;
}

/**
 * With --dry-run: what would go and what is kept, each with why; exit 0. Without: removes, prints what
 * it removed. A volume whose newest backup is not good keeps everything, and the command exits 4 (1
 * when a removal failed).
 */
export async function forget(
  session: CliSession,
  volume: string | undefined,
  options: ForgetOptions,
): Promise<void> {
  const policy = parseRetentionPolicy(options.keep);
  const catalog = session.catalog();
  // Only this engine's backups: another engine's volume of the same name is other data.
  const engine = await session.engineInfo();
  const plan = await planForget(catalog, { policy, engine, ...(volume === undefined ? {} : { volume }) });
  const { out } = session;
  const now = Date.now();
  const row = (b: ForgetCandidate, why: string) => [
    String(b.id),
    b.volume,
    `${formatAge(now - Date.parse(b.finishedAt))} ago`,
    b.archiveMissing ? 'archive gone' : (b.verifyStatus ?? 'never'),
    why,
    `${b.target.replace(/^local:/, '')}/${b.archiveKey}`,
  ];
  const HEADERS = ['ID', 'VOLUME', 'AGE', 'VERIFIED', 'WHY', 'LOCATION'];

  if (options.dryRun) {
    if (options.json) {
      return out.json({
        dryRun: true,
        policy: plan.policy,
        otherEngines: plan.otherEngines,
        unclaimed: plan.unclaimed,
        remove: plan.remove.map((r) => ({ ...r.backup, reason: r.reason })),
        keep: plan.keep.map((k) => ({ ...k.backup, reasons: k.reasons })),
        blocked: plan.blocked,
      });
    }
    if (plan.remove.length === 0) out.write(`Nothing to remove (keep=${plan.policy}).`);
    else {
      out.write(`Would remove (keep=${plan.policy}):`);
      out.table(
        HEADERS,
        plan.remove.map((r) => row(r.backup, r.reason)),
      );
    }
    if (plan.keep.length) {
      out.write('Would keep:');
      out.table(
        HEADERS,
        plan.keep.map((k) => row(k.backup, k.reasons.join(', '))),
      );
    }
    noteBlocked(session, plan);
    noteOtherEngines(session, plan);
    if (plan.remove.length)
      out.note('This was a dry run: run again without --dry-run to remove these backups.');
    return;
  }

  const result = await applyForget(catalog, plan);
  if (options.json) {
    out.json({
      dryRun: false,
      policy: plan.policy,
      otherEngines: plan.otherEngines,
      unclaimed: plan.unclaimed,
      removed: result.removed.map((r) => ({ ...r.backup, reason: r.reason, leftovers: r.leftovers })),
      failed: result.failed.map((f) => ({ ...f.backup, error: f.error })),
      kept: plan.keep.map((k) => ({ ...k.backup, reasons: k.reasons })),
      blocked: plan.blocked,
    });
  } else {
    if (result.removed.length === 0) out.write(`Nothing removed (keep=${plan.policy}).`);
    else {
      out.write(`Removed (keep=${plan.policy}):`);
      out.table(
        HEADERS,
        result.removed.map((r) => row(r.backup, r.reason)),
      );
    }
    out.note(`Kept ${plural(plan.keep.length, 'backup')}; \`--dry-run\` shows why.`);
    noteOtherEngines(session, plan);
    for (const removed of result.removed) {
      for (const key of removed.leftovers)
        out.note(`  left ${key} (\`stowage backups --scan\` of its folder sweeps it)`);
    }
  }
  if (result.failed.length) {
    if (!options.json) noteBlocked(session, plan);
    throw new StowageError(
      'failed',
      `forget: ${plural(result.failed.length, 'backup')} not removed: ${result.failed.map((f) => f.error).join('; ')}`,
      {
        hint: 'fix the cause and run forget again; the backups not removed are untouched',
      },
    );
  }
  if (plan.blocked.length) {
    throw conflict(
      `forget: nothing removed for ${plan.blocked.map((b) => `${b.volume}: ${b.reason}`).join('; ')}`,
      blockedHint(plan),
    );
  }
}

/** Says which backups were left out of the plan because this engine did not make them (or may not have). */
function noteOtherEngines(session: CliSession, plan: ForgetPlan): void {
  if (plan.otherEngines === 0) return;
  session.out.note(
    `Left alone: ${plural(plan.otherEngines, 'backup')} of other engines` +
      (plan.unclaimed
        ? `, of which ${plan.unclaimed} made before Stowage told engines apart (\`stowage backups --adopt\` claims them for this engine)`
        : ''),
  );
}

function noteBlocked(session: CliSession, plan: ForgetPlan): void {
  if (plan.blocked.length === 0) return;
  for (const b of plan.blocked) session.out.note(`${b.volume}: nothing removed: ${b.reason}`);
  session.out.note(`  hint: ${blockedHint(plan)}`);
}

/** What unblocks: verifying the newest backup, or making (and verifying) a new one. */
function blockedHint(plan: ForgetPlan): string {
  const unverified = plan.blocked
    .filter((b) => b.cause === 'unverified')
    .map((b) => `\`stowage verify ${b.newest}\``);
  const steps = [
    unverified.length ? `run ${unverified.join(', ')}` : '',
    unverified.length < plan.blocked.length
      ? `take a new backup of ${plan.blocked
          .filter((b) => b.cause !== 'unverified')
          .map((b) => b.volume)
          .join(', ')} and verify it`
      : '',
  ];
  return `nothing of a volume is removed until its newest backup is good: ${steps.filter(Boolean).join('; ')}`;
}
