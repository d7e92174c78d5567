/**
 * After (re)connecting and replaying what the engine still had, the history is brought in line with the
 * engine's current state: volumes that appeared or disappeared unseen, containers running now that mount
 * volumes (mounted "now"), mounts whose container stopped unseen (unmounted "now"). Inferred rows carry
 * source 'reconcile' and the time they were seen, which is never earlier than the truth: a volume looks
 * used more recently than it was, never less.
 */
import type { HistoryStore, VolumeSummary } from '../catalog/history-store.ts';
import { mapLimited } from '../core/concurrency.ts';
import type { Engine } from '../engine/contract.ts';
import { isAnonymous } from '../inventory/anonymous.ts';
import { findCreator } from '../inventory/volume-details.ts';

export interface ReconcileInput {
  volumes: readonly { name: string; createdAt: string | undefined }[];
  /** Running containers (helpers excluded) and their volume mounts. */
  running: readonly {
    id: string;
    name: string;
    image: string;
    mounts: readonly { volume: string; destination: string; readOnly: boolean }[];
  }[];
  summaries: readonly VolumeSummary[];
  openMounts: readonly { volume: string; containerId: string; containerName: string | null }[];
}

export interface ReconcilePlan {
  /** Volumes the history has not seen yet. */
  seen: { volume: string; createdAt: string | null }[];
  /** Volumes destroyed and created again (or replaced) while unseen: a new lifetime. */
  recreated: { volume: string; createdAt: string | null; replaced: boolean }[];
  /** Volumes the history thinks exist and the engine does not have. */
  destroyed: string[];
  mounted: {
    volume: string;
    containerId: string;
    containerName: string;
    image: string;
    destination: string;
    readOnly: boolean;
  }[];
  unmounted: { volume: string; containerId: string; containerName: string | null }[];
}

/** A creation time this much later than the recorded one is another volume of the same name. */
const SAME_VOLUME_SLACK_MS = 1000;

export function planReconcile(input: ReconcileInput): ReconcilePlan {
  const plan: ReconcilePlan = { seen: [], recreated: [], destroyed: [], mounted: [], unmounted: [] };
  const summaries = new Map(input.summaries.map((summary) => [summary.volume, summary]));
  const onEngine = new Set<string>();
  for (const volume of input.volumes) {
    onEngine.add(volume.name);
    const createdAt = isoOrNull(volume.createdAt);
    const summary = summaries.get(volume.name);
    if (!summary) plan.seen.push({ volume: volume.name, createdAt });
    else if (summary.destroyedAt) plan.recreated.push({ volume: volume.name, createdAt, replaced: false });
    else if (
      createdAt &&
      summary.createdAt &&
      Date.parse(createdAt) > Date.parse(summary.createdAt) + SAME_VOLUME_SLACK_MS
    )
      plan.recreated.push({ volume: volume.name, createdAt, replaced: true });
  }
  for (const summary of input.summaries) {
    if (!summary.destroyedAt && !onEngine.has(summary.volume)) plan.destroyed.push(summary.volume);
  }

  const pair = (volume: string, container: string) => `${volume}\0${container}`;
  const open = new Set(input.openMounts.map((m) => pair(m.volume, m.containerId)));
  const runningPairs = new Set<string>();
  for (const container of input.running) {
    for (const mount of container.mounts) {
      const key = pair(mount.volume, container.id);
      if (runningPairs.has(key)) continue; // one volume at two paths: one use
      runningPairs.add(key);
      if (open.has(key)) continue;
      plan.mounted.push({
        volume: mount.volume,
        containerId: container.id,
        containerName: container.name,
        image: container.image,
        destination: mount.destination,
        readOnly: mount.readOnly,
      });
    }
  }
  for (const mount of input.openMounts) {
    if (!runningPairs.has(pair(mount.volume, mount.containerId))) plan.unmounted.push(mount);
  }
  return plan;
}

/** Reads the engine's state, plans, and records the plan at `at`. @returns the plan applied. */
export async function reconcile(
  engine: Engine,
  store: HistoryStore,
  engineId: string,
  at: Date,
): Promise<ReconcilePlan> {
  const [volumes, containers] = await Promise.all([engine.volumes.list(), engine.containers.list()]);
  const running = containers
    .filter((container) => container.running)
    .map((container) => ({
      ...container,
      mounts: container.mounts.flatMap((m) =>
        m.type === 'volume' && m.name
          ? [{ volume: m.name, destination: m.destination, readOnly: m.readOnly }]
          : [],
      ),
    }));
  const plan = planReconcile({
    volumes,
    running,
    summaries: store.summaries(engineId),
    openMounts: store.openMounts(engineId),
  });
  const now = at.toISOString();
  const row = {
    engineId,
    containerId: null,
    containerName: null,
    image: null,
    destination: null,
    readOnly: null,
  };
  const inferred = { source: 'reconcile' as const, eventKey: null };
  store.transaction(() => {
    for (const { volume, createdAt } of plan.seen) store.noteSeen(engineId, volume, now, createdAt);
    for (const { volume, createdAt, replaced } of plan.recreated) {
      const when = createdAt ?? now;
      if (replaced) store.addEvent({ ...row, ...inferred, volume, action: 'destroy', at: when });
      store.addEvent({ ...row, ...inferred, volume, action: 'create', at: when });
      store.noteCreated(engineId, volume, when, now);
    }
    for (const volume of plan.destroyed) {
      store.addEvent({ ...row, ...inferred, volume, action: 'destroy', at: now });
      store.noteDestroyed(engineId, volume, now);
    }
    for (const m of plan.mounted) {
      store.noteSeen(engineId, m.volume, now, null);
      store.addEvent({ ...row, ...inferred, ...m, action: 'mount', at: now });
    }
    for (const m of plan.unmounted) {
      store.addEvent({
        ...row,
        ...inferred,
        volume: m.volume,
        containerId: m.containerId,
        containerName: m.containerName,
        action: 'unmount',
        at: now,
      });
    }
  });
  await recordCreators(engine, store, engineId, volumes, containers);
  return plan;
}

/**
 * Anonymous volumes whose creation the recorder did not see: their creator, while it still exists, is
 * the earliest container mounting them at a path it declares as a volume (as `stowage inspect` finds it).
 */
async function recordCreators(
  engine: Engine,
  store: HistoryStore,
  engineId: string,
  volumes: Awaited<ReturnType<Engine['volumes']['list']>>,
  containers: Awaited<ReturnType<Engine['containers']['list']>>,
): Promise<void> {
  const missing = volumes.filter(
    (volume) => isAnonymous(volume) && !store.summary(engineId, volume.name)?.firstUser,
  );
  if (missing.length === 0) return;
  const users = containers.filter((c) => c.mounts.some((m) => missing.some((v) => v.name === m.name)));
  const details = (
    await mapLimited(users, 4, (c) => engine.containers.inspect(c.id).catch(() => undefined))
  ).filter((d) => d !== undefined);
  for (const volume of missing) {
    const creator = findCreator(volume.name, details);
    if (!creator) continue;
    store.noteFirstUser(engineId, volume.name, {
      containerId: creator.containerId,
      containerName: creator.containerName,
      image: creator.image,
      destination: creator.path,
    });
  }
}

function isoOrNull(text: string | undefined): string | null {
  const time = text ? Date.parse(text) : NaN;
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
