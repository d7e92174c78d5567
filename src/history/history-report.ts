/** `stowage history VOL`: everything the recorded history says about one volume, as one document. */
import type { Catalog } from '../catalog/catalog.ts';
import type { FirstUser, VolumeAction } from '../catalog/history-store.ts';
import { isStowageError, notFound } from '../core/errors.ts';
import type { Engine, EngineVolume } from '../engine/contract.ts';
import { idleState, type Certainty } from './idle-state.ts';
import {
  currentLifetime,
  engineHistory,
  historyGaps,
  STALE_AFTER_MS,
  toVolumeHistory,
} from './volume-history.ts';

export interface HistoryEntry {
  at: string;
  action: VolumeAction;
  containerId: string | null;
  containerName: string | null;
  image: string | null;
  destination: string | null;
  readOnly: boolean | null;
  /** 'reconcile': inferred from the engine's state when the daemon reconnected; `at` is when it was seen. */
  source: 'event' | 'reconcile';
}

export interface VolumeHistoryReport {
  volume: string;
  engineId: string;
  /** Whether the engine has a volume of this name now. */
  exists: boolean;
  createdAt: string | null;
  firstSeenAt: string | null;
  lastMountedAt: string | null;
  destroyedAt: string | null;
  /** The first container that used it after its creation: for an anonymous volume, the one that made it. */
  firstUser: FirstUser | null;
  /** Every recorded event of this name, oldest first (earlier volumes of the same name included). */
  events: HistoryEntry[];
  /** Idle state of the volume now on the engine; null without history of it. */
  lastUsedAt: string | null;
  idleForMs: number | null;
  certainty: Certainty | null;
  inUse: boolean | null;
  /** Stretches the recorder did not see during this volume's life (`from` null: since ever). */
  gaps: { from: string | null; to: string; reason: string }[];
  /** The recorder on this engine: since when, last report, and whether it is recording now. */
  recording: { since: string; lastSeenAt: string; active: boolean } | null;
}

/** @throws StowageError 'not-found' when neither the engine nor the history knows the volume. */
export async function volumeHistoryReport(
  catalog: Catalog | undefined,
  engine: Engine,
  volume: string,
  now: Date = new Date(),
): Promise<VolumeHistoryReport> {
  const [info, onEngine] = await Promise.all([engine.info(), inspectOrUndefined(engine, volume)]);
  const history = await engineHistory(catalog, engine);
  const summary = history?.store.summary(info.id, volume);
  if (!summary && !onEngine) {
    throw notFound(
      `history "${volume}": no such volume, and no recorded history of one`,
      history ? undefined : 'the daemon (`stowage daemon`) records volume history',
    );
  }
  const report: VolumeHistoryReport = {
    volume,
    engineId: info.id,
    exists: onEngine !== undefined,
    createdAt: onEngine?.createdAt ?? summary?.createdAt ?? null,
    firstSeenAt: summary?.firstSeenAt ?? null,
    lastMountedAt: summary?.lastMountedAt ?? null,
    destroyedAt: onEngine ? null : (summary?.destroyedAt ?? null),
    firstUser: summary?.firstUser ?? null,
    events: [],
    lastUsedAt: null,
    idleForMs: null,
    certainty: null,
    inUse: null,
    gaps: [],
    recording: null,
  };
  if (!history || !summary) return report;

  report.events = history.store.events(info.id, volume).map((e) => ({
    at: e.at,
    action: e.action,
    containerId: e.containerId,
    containerName: e.containerName,
    image: e.image,
    destination: e.destination,
    readOnly: e.readOnly,
    source: e.source,
  }));
  const coverage = history.store.coverage(info.id)!;
  report.recording = {
    since: coverage.first.startedAt,
    lastSeenAt: coverage.latest.endedAt,
    active: now.getTime() - Date.parse(coverage.latest.endedAt) <= STALE_AFTER_MS,
  };
  const gaps = historyGaps(history, now) ?? [];
  const lifeStart = Date.parse(summary.createdAt ?? summary.firstSeenAt);
  const lifeEnd = summary.destroyedAt && !onEngine ? Date.parse(summary.destroyedAt) : now.getTime();
  report.gaps = gaps
    .filter((gap) => gap.to.getTime() > lifeStart && gap.from.getTime() < lifeEnd)
    .map((gap) => ({
      from: gap.from.getTime() === 0 ? null : gap.from.toISOString(),
      to: gap.to.toISOString(),
      reason: gap.reason,
    }));

  const lifetime = onEngine && currentLifetime(history, volume, onEngine.createdAt);
  if (lifetime) {
    const state = idleState(toVolumeHistory(lifetime.summary, lifetime.events), gaps, now);
    report.lastUsedAt = state.lastUsedAt?.toISOString() ?? null;
    report.idleForMs = state.idleForMs;
    report.certainty = state.certainty;
    report.inUse = state.inUse;
  }
  return report;
}

async function inspectOrUndefined(engine: Engine, volume: string): Promise<EngineVolume | undefined> {
  try {
    return await engine.volumes.inspect(volume);
  } catch (error) {
    if (isStowageError(error, 'not-found')) return undefined;
    throw error;
  }
}
