/**
 * The history's read side, for `stowage history`, prune's `--unused-for`, `stowage cost` and the API:
 * a volume's recorded lifetime, the gaps that touch it, and how long it has gone unused.
 */
import type { Catalog } from '../catalog/catalog.ts';
import type { HistoryStore, VolumeEventRecord, VolumeSummary } from '../catalog/history-store.ts';
import type { Engine } from '../engine/contract.ts';
import { idleState, type HistoryGap, type IdleState, type VolumeHistory } from './idle-state.ts';

/** How often a running recorder notes that it is still seeing everything. */
export const HEARTBEAT_MS = 15_000;
/** A recorder silent for longer is taken as not running: the time since is a gap. */
export const STALE_AFTER_MS = 4 * HEARTBEAT_MS;

export const BEFORE_RECORDING = 'before Stowage began recording this engine';
export const NOT_RECORDING =
  'Stowage is not recording (the daemon is not running or cannot reach the engine)';

/** One engine's history in a catalog. */
export interface EngineHistory {
  store: HistoryStore;
  engineId: string;
}

/**
 * The engine's history, or undefined when there is none to read (no catalog, or the recorder never ran):
 * then the engine is not even asked for its ID.
 */
export async function engineHistory(
  catalog: Catalog | undefined,
  engine: Engine,
): Promise<EngineHistory | undefined> {
  if (!catalog || catalog.history.isEmpty()) return undefined;
  const info = await engine.info();
  // The first look at this engine hands it the history kept under its reported ID (when that is safe).
  catalog.engines.register(info);
  const { id } = info;
  return catalog.history.coverage(id) ? { store: catalog.history, engineId: id } : undefined;
}

/**
 * Every stretch the recorder did not see: the recorded gaps, the time before it first ran, and the time
 * since it last reported when it is not running now. Undefined when it never ran against this engine.
 */
export function historyGaps(history: EngineHistory, now: Date): HistoryGap[] | undefined {
  const coverage = history.store.coverage(history.engineId);
  if (!coverage) return undefined;
  const gaps: HistoryGap[] = [
    { from: new Date(0), to: new Date(coverage.first.startedAt), reason: BEFORE_RECORDING },
  ];
  for (const gap of history.store.gaps(history.engineId)) {
    gaps.push({ from: new Date(gap.startsAt), to: new Date(gap.endsAt), reason: gap.reason });
  }
  const lastSeen = Date.parse(coverage.latest.endedAt);
  if (now.getTime() - lastSeen > STALE_AFTER_MS)
    gaps.push({ from: new Date(lastSeen), to: now, reason: NOT_RECORDING });
  return gaps;
}

/** The recorded lifetime of a volume now on the engine; undefined when the history does not know this one. */
export function currentLifetime(
  history: EngineHistory,
  volume: string,
  engineCreatedAt: string | undefined,
): { summary: VolumeSummary; events: VolumeEventRecord[] } | undefined {
  const summary = history.store.summary(history.engineId, volume);
  if (!summary || summary.destroyedAt) return undefined;
  // Created again while unseen: the history is about an earlier volume of that name.
  const engineCreated = engineCreatedAt ? Date.parse(engineCreatedAt) : NaN;
  if (summary.createdAt && engineCreated > Date.parse(summary.createdAt) + 1000) return undefined;
  return { summary, events: history.store.events(history.engineId, volume, summary.createdAt ?? undefined) };
}

export function toVolumeHistory(summary: VolumeSummary, events: readonly VolumeEventRecord[]): VolumeHistory {
  return {
    createdAt: summary.createdAt ? new Date(summary.createdAt) : undefined,
    firstSeenAt: new Date(summary.firstSeenAt),
    uses: events.flatMap((e) =>
      e.action === 'mount' || e.action === 'unmount'
        ? [{ action: e.action, containerId: e.containerId, at: new Date(e.at) }]
        : [],
    ),
  };
}

/**
 * Idle states of the given volumes, from the history; volumes it does not know are absent (callers fall
 * back to their creation time and say so). Empty without a history.
 */
export function idleStates(
  history: EngineHistory | undefined,
  volumes: readonly { name: string; createdAt: string | undefined }[],
  now: Date,
): Map<string, IdleState> {
  const states = new Map<string, IdleState>();
  const gaps = history && historyGaps(history, now);
  if (!history || !gaps) return states;
  for (const volume of volumes) {
    const lifetime = currentLifetime(history, volume.name, volume.createdAt);
    if (lifetime)
      states.set(volume.name, idleState(toVolumeHistory(lifetime.summary, lifetime.events), gaps, now));
  }
  return states;
}

/** For `--unused-for` and `cost`: idle states from this engine's history, if the catalog has one. */
export function historyIdleStates(
  catalog: Catalog | undefined,
  engine: Engine,
): (
  volumes: readonly { name: string; createdAt: string | undefined }[],
  now: Date,
) => Promise<Map<string, IdleState>> {
  return async (volumes, now) => idleStates(await engineHistory(catalog, engine), volumes, now);
}
