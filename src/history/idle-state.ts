/**
 * How long a volume has gone unused, from its recorded history, and how sure that is. Pure.
 *
 * The glossary's "unused for D" is "no mount in the last D, from the daemon's history, unknown where the
 * history has a gap": a stretch the recorder did not see may hide a use, so idle time is only ever counted
 * from after the newest gap it crosses. Every gap that ended was followed by a reconciliation with the
 * engine's state (a container still running then was recorded as mounting its volumes), so a mount still
 * open after a gap that ended is a volume still in use.
 */

export interface HistoryUse {
  action: 'mount' | 'unmount';
  /** Mounts and unmounts pair up per container. */
  containerId: string | null;
  at: Date;
}

export interface VolumeHistory {
  /** When the volume (this lifetime of its name) was created, when known. */
  createdAt: Date | undefined;
  firstSeenAt: Date;
  /** Mounts and unmounts by containers, helpers excluded. */
  uses: readonly HistoryUse[];
}

/** A stretch of time the recorder did not see. `to` at or after `now`: it still does not see. */
export interface HistoryGap {
  from: Date;
  to: Date;
  reason: string;
}

export type Certainty = 'known' | 'unknown';

export interface IdleState {
  /** The last moment the history shows it in use; undefined when it never saw it used. */
  lastUsedAt: Date | undefined;
  /**
   * How long it has certainly been unused: since its last use, or since its creation when never used.
   * When `certainty` is 'unknown', only since the end of the newest gap it crosses (so 0 during a gap):
   * the real idle time may be longer, never shorter.
   */
  idleForMs: number;
  /** 'unknown' when the idle stretch crosses a gap (or began before anything was seen of the volume). */
  certainty: Certainty;
  /** In use when last seen, and no gap since. */
  inUse: boolean;
  /** With 'unknown': the newest gap the idle stretch crosses. */
  gap: HistoryGap | undefined;
}

/** @returns the idle state at `now`; uses from an earlier volume of the same name (before createdAt) are ignored. */
export function idleState(history: VolumeHistory, gaps: readonly HistoryGap[], now: Date): IdleState {
  const t = now.getTime();
  const created = history.createdAt?.getTime();
  const open = new Set<string>();
  let lastUse: number | undefined;
  let lastMount = -Infinity;
  for (const use of [...history.uses].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const at = use.at.getTime();
    if (created !== undefined && at < created) continue;
    if (use.action === 'mount') {
      open.add(use.containerId ?? '');
      lastMount = Math.max(lastMount, at);
    } else {
      open.delete(use.containerId ?? '');
    }
    lastUse = Math.max(lastUse ?? at, at);
  }

  if (open.size > 0) {
    // Still mounted when last seen: in use, unless the recorder is not seeing anything right now.
    const ongoing = newest(gaps.filter((gap) => gap.to.getTime() >= t));
    if (!ongoing) return { lastUsedAt: now, idleForMs: 0, certainty: 'known', inUse: true, gap: undefined };
    const lastSeenInUse = new Date(Math.max(lastMount, ongoing.from.getTime()));
    return { lastUsedAt: lastSeenInUse, idleForMs: 0, certainty: 'unknown', inUse: false, gap: ongoing };
  }

  const lastUsedAt = lastUse === undefined ? undefined : new Date(lastUse);
  // Never used: idle since its creation; with no creation time, since before anything was seen of it.
  const idleSince = lastUse ?? created ?? -Infinity;
  const crossed = newest(gaps.filter((gap) => gap.to.getTime() > idleSince && gap.from.getTime() < t));
  if (crossed) {
    const idleForMs = Math.max(0, t - Math.min(crossed.to.getTime(), t));
    return { lastUsedAt, idleForMs, certainty: 'unknown', inUse: false, gap: crossed };
  }
  if (idleSince === -Infinity) {
    // Nothing is known of it before it was first seen.
    const idleForMs = Math.max(0, t - history.firstSeenAt.getTime());
    return { lastUsedAt, idleForMs, certainty: 'unknown', inUse: false, gap: undefined };
  }
  return {
    lastUsedAt,
    idleForMs: Math.max(0, t - idleSince),
    certainty: 'known',
    inUse: false,
    gap: undefined,
  };
}

function newest(gaps: readonly HistoryGap[]): HistoryGap | undefined {
  let found: HistoryGap | undefined;
  for (const gap of gaps) if (!found || gap.to.getTime() > found.to.getTime()) found = gap;
  return found;
}
