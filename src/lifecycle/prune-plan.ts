/**
 * Prune as read → pure plan → apply. The plan is the same on every engine version: dangling anonymous
 * volumes, named ones too with `all`, never a protected one, never one any container references. With
 * `unusedForMs`, only volumes the history shows unused for that long; where the history does not know a
 * volume, its creation time stands in, and the plan says so.
 */
import type { IdleState } from '../history/idle-state.ts';
import type { VolumeRecord } from '../inventory/volume-record.ts';

export interface PruneCriteria {
  /** Named volumes too (Docker's `--all`); API 1.41 engines do this by default, Stowage does not. */
  all: boolean;
  /** `--unused-for`: no mount in this many milliseconds (the glossary's "unused for D"). */
  unusedForMs?: number;
}

/** How long a candidate has gone unused, and on what that rests. */
export interface UnusedFor {
  /** 'history': the daemon's recorded history; 'creation': no history of it, so its age stands in. */
  basis: 'history' | 'creation';
  lastUsedAt: string | null;
  /** Certainly unused for at least this long (on the 'creation' basis: assumed since creation). */
  idleForMs: number;
  certainty: 'known' | 'unknown';
  /** What to tell the user about it, e.g. that there is no history and the creation time was used. */
  note: string | undefined;
}

export interface PruneCandidate {
  name: string;
  driver: string;
  anonymous: boolean;
  sizeBytes: number | null;
  createdAt: string | undefined;
  /** Only with `unusedForMs`. */
  unused?: UnusedFor;
}

export type SkipReason =
  | 'in use'
  | 'referenced by stopped containers'
  | 'protected'
  | 'named (use --all)'
  | 'used recently'
  | 'idle time unknown';

export interface SkippedVolume {
  name: string;
  reason: SkipReason;
  /** The specifics, for the `--unused-for` reasons: when it was last used, which gap hides what. */
  detail?: string;
}

export interface PrunePlan {
  remove: PruneCandidate[];
  skipped: SkippedVolume[];
  /** Sum of known sizes; volumes of unknown size are counted in `unknownSizes`. */
  reclaimableBytes: number;
  unknownSizes: number;
}

/**
 * @param idle the history's idle state of each volume it knows (absent ones fall back to their creation
 *   time); read only with `criteria.unusedForMs`.
 */
export function planPrune(
  volumes: readonly VolumeRecord[],
  criteria: PruneCriteria,
  idle: ReadonlyMap<string, IdleState> = new Map(),
  now: Date = new Date(),
): PrunePlan {
  const plan: PrunePlan = { remove: [], skipped: [], reclaimableBytes: 0, unknownSizes: 0 };
  for (const volume of volumes) {
    const reason = skipReason(volume, criteria);
    if (reason) {
      plan.skipped.push({ name: volume.name, reason });
      continue;
    }
    let unused: UnusedFor | undefined;
    if (criteria.unusedForMs !== undefined) {
      const verdict = unusedVerdict(volume, idle.get(volume.name), criteria.unusedForMs, now);
      if ('reason' in verdict) {
        plan.skipped.push({ name: volume.name, ...verdict });
        continue;
      }
      unused = verdict;
    }
    const sizeBytes = volume.sizeBytes ?? null;
    const candidate: PruneCandidate = {
      name: volume.name,
      driver: volume.driver,
      anonymous: volume.anonymous,
      sizeBytes,
      createdAt: volume.createdAt,
    };
    if (unused) candidate.unused = unused;
    plan.remove.push(candidate);
    if (sizeBytes === null) plan.unknownSizes++;
    else plan.reclaimableBytes += sizeBytes;
  }
  return plan;
}

function skipReason(volume: VolumeRecord, criteria: PruneCriteria): SkipReason | undefined {
  if (volume.status === 'in-use') return 'in use';
  if (volume.status === 'idle') return 'referenced by stopped containers';
  if (volume.protected) return 'protected';
  if (!volume.anonymous && !criteria.all) return 'named (use --all)';
  return undefined;
}

/**
 * Unused for D when the history shows no use in the last D: the idle time it is sure of (which stops at
 * the newest gap) reaches D. A volume whose last D fall in a gap is unknown, never idle.
 */
export function unusedVerdict(
  volume: Pick<VolumeRecord, 'createdAt'>,
  state: IdleState | undefined,
  unusedForMs: number,
  now: Date,
): UnusedFor | { reason: SkipReason; detail: string } {
  const span = formatSpan(unusedForMs);
  if (!state) {
    const created = volume.createdAt ? Date.parse(volume.createdAt) : NaN;
    if (Number.isNaN(created)) {
      return {
        reason: 'idle time unknown',
        detail: 'no history of it and the engine gives no creation time',
      };
    }
    const age = Math.max(0, now.getTime() - created);
    if (age < unusedForMs) {
      return {
        reason: 'used recently',
        detail: `created ${formatSpan(age)} ago, less than ${span} (no history of it)`,
      };
    }
    return {
      basis: 'creation',
      lastUsedAt: null,
      idleForMs: age,
      certainty: 'unknown',
      note: 'no history of its use: counted from its creation',
    };
  }
  if (state.idleForMs >= unusedForMs) {
    return {
      basis: 'history',
      lastUsedAt: state.lastUsedAt?.toISOString() ?? null,
      idleForMs: state.idleForMs,
      certainty: state.certainty,
      note:
        state.certainty === 'unknown'
          ? `unused for at least ${formatSpan(state.idleForMs)}; before that, unknown`
          : undefined,
    };
  }
  if (state.inUse) return { reason: 'used recently', detail: 'in use when last seen by the daemon' };
  const lastUsed = state.lastUsedAt ? `last used ${state.lastUsedAt.toISOString()}` : 'never seen used';
  const usedWithin =
    state.lastUsedAt !== undefined && now.getTime() - state.lastUsedAt.getTime() < unusedForMs;
  if (state.certainty === 'known' || usedWithin) {
    const when = state.lastUsedAt ? ',' : ', created';
    return { reason: 'used recently', detail: `${lastUsed}${when} less than ${span} ago` };
  }
  const why = state.gap
    ? `the history has a gap within the last ${span} (${state.gap.from.toISOString()} to ${state.gap.to.toISOString()}: ${state.gap.reason})`
    : `the history does not go back ${span}`;
  return { reason: 'idle time unknown', detail: `${lastUsed}, but ${why}` };
}

/** `30d`, `3h 20m`, `1d 4h`, `45s`: the largest unit and the next, for plan details. */
export function formatSpan(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
  ];
  const total = Math.max(0, Math.floor(ms));
  const index = units.findIndex(([size]) => total >= size);
  if (index < 0) return '0s';
  const [size, unit] = units[index]!;
  const major = Math.floor(total / size);
  const next = units[index + 1];
  const minor = next ? Math.floor((total - major * size) / next[0]) : 0;
  return minor && next ? `${major}${unit} ${minor}${next[1]}` : `${major}${unit}`;
}
