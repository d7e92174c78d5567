/**
 * `stowage forget`: retention as read → plan → apply. Reads the catalog's records (and whether each
 * archive is still in its target), plans with the pure `applyRetention`, and removes what the plan says:
 * per backup the archive first (without it nothing lists or restores as a backup, so a half-removed
 * backup never looks valid), then its manifest and file list, then its catalog record.
 */
import type { BackupRecord } from '../catalog/backup-store.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { notFound } from '../core/errors.ts';
import type { Target } from '../targets/contract.ts';
import { LocalTarget } from '../targets/local-target.ts';
import { keysFor } from './archive-keys.ts';
import {
  applyRetention,
  formatRetentionPolicy,
  type RetentionPlan,
  type RetentionPolicy,
} from '../policy/retention-policy.ts';

/** A catalog record as retention saw it. `archiveMissing` is left out when the target cannot be reached. */
export type ForgetCandidate = BackupRecord & { archiveMissing?: boolean };

export interface ForgetPlan extends RetentionPlan<ForgetCandidate> {
  /** The policy's canonical text. */
  policy: string;
  /** Backups of the volume(s) left out because another engine made them: never planned, never counted. */
  otherEngines: number;
  /**
   * Of those, backups made before Stowage told engines apart under this engine's reported ID: perhaps this
   * engine's, perhaps another's that reported the same ID; `stowage backups --adopt` claims them.
   */
  unclaimed: number;
}

export interface ForgetResult {
  /** Archive and record gone; `leftovers` are sidecars that could not be removed (`backups --scan` sweeps them). */
  removed: { backup: ForgetCandidate; reason: string; leftovers: string[] }[];
  /** Nothing of these was removed. */
  failed: { backup: ForgetCandidate; error: string }[];
}

/** The target a record's URL names, or undefined for a kind this Stowage cannot reach. */
export type TargetResolver = (url: string) => Target | undefined;

/** Only local folders exist today: `local:/srv/backups`. */
export const resolveTarget: TargetResolver = (url) =>
  url.startsWith('local:') ? new LocalTarget(url.slice('local:'.length)) : undefined;

/**
 * Reads the catalog (one volume's records, or all) and plans, for one engine's backups only: a volume is
 * a name on one engine, and another engine's backups are never removed nor counted. Changes nothing.
 * @throws StowageError 'not-found' when `volume` is given and the catalog has no backup of it from `engine`.
 */
export async function planForget(
  catalog: Catalog,
  request: {
    policy: RetentionPolicy;
    /** The current engine: its key and the ID it reports. */
    engine: { id: string; reportedId: string };
    volume?: string;
    now?: Date;
  },
  targetFor: TargetResolver = resolveTarget,
): Promise<ForgetPlan> {
  const all = catalog.backups.list(request.volume === undefined ? {} : { volume: request.volume });
  const records = all.filter((r) => r.engineId === request.engine.id);
  const unclaimed = all.filter((r) => r.engineId === request.engine.reportedId).length;
  if (request.volume !== undefined && records.length === 0) {
    const others = all.length
      ? ` (${all.length} from other engines${unclaimed ? `, ${unclaimed} made before Stowage told engines apart` : ''})`
      : '';
    throw notFound(
      `forget ${request.volume}: the catalog has no backup of this volume from this engine${others}`,
      unclaimed
        ? "when the older backups are this engine's, claim them with `stowage backups " +
            `${request.volume} --adopt\``
        : 'list backups with `stowage backups`',
    );
  }
  const targets = new Map<string, Target | undefined>();
  const candidates: ForgetCandidate[] = [];
  for (const record of records) {
    if (!targets.has(record.target)) targets.set(record.target, targetFor(record.target));
    const target = targets.get(record.target);
    // A good backup whose archive was deleted by hand is no longer good: retention must know.
    candidates.push(
      target ? { ...record, archiveMissing: (await target.stat(record.archiveKey)) === undefined } : record,
    );
  }
  return {
    policy: formatRetentionPolicy(request.policy),
    otherEngines: all.length - records.length,
    unclaimed,
    ...applyRetention(candidates, request.policy, request.now ?? new Date()),
  };
}

/**
 * Removes what `plan.remove` lists, backup by backup; a backup whose archive cannot be removed is left
 * whole (sidecars and record too) and reported in `failed`. Never touches a backup the plan keeps.
 */
export async function applyForget(
  catalog: Catalog,
  plan: Pick<ForgetPlan, 'remove'>,
  targetFor: TargetResolver = resolveTarget,
): Promise<ForgetResult> {
  const result: ForgetResult = { removed: [], failed: [] };
  for (const { backup, reason } of plan.remove) {
    const target = targetFor(backup.target);
    if (!target) {
      result.failed.push({
        backup,
        error: `forget #${backup.id}: ${backup.target} is a target this Stowage cannot reach`,
      });
      continue;
    }
    try {
      await target.remove(backup.archiveKey);
    } catch (error) {
      result.failed.push({
        backup,
        error: `forget #${backup.id}: remove ${backup.archiveKey}: ${(error as Error).message}`,
      });
      continue;
    }
    const leftovers: string[] = [];
    for (const key of sidecarKeys(backup)) {
      // The backup is already gone with its archive: a sidecar left behind is clutter, not a backup.
      await target.remove(key).catch(() => leftovers.push(key));
    }
    catalog.backups.remove(backup.id);
    result.removed.push({ backup, reason, leftovers });
  }
  return result;
}

/** The manifest and file list beside an archive: where Stowage writes them, and where the record says. */
function sidecarKeys(backup: BackupRecord): string[] {
  const { manifest, fileList } = keysFor(backup.archiveKey);
  return [
    ...new Set(
      [manifest, fileList, backup.manifestKey, backup.fileListKey].filter((k): k is string => k !== null),
    ),
  ];
}
