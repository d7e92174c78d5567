/**
 * What volumes nobody runs cost per month at a price per GB-month: orphans (dangling and anonymous),
 * dangling named volumes, and idle ones (referenced only by stopped containers), per volume and in total.
 * Volumes in use are not counted: they are doing their job. Pure.
 */
import { invalid } from '../core/errors.ts';
import type { IdleState } from '../history/idle-state.ts';
import type { VolumeRecord } from '../inventory/volume-record.ts';

/** Storage is billed in decimal gigabytes here, as Stowage and `docker system df` print sizes. */
export const GIGABYTE = 1e9;

/** The glossary's words: orphan = dangling and anonymous; dangling = no container; idle = none running. */
export type CostCategory = 'orphan' | 'dangling' | 'idle';
export const COST_CATEGORIES: readonly CostCategory[] = ['orphan', 'dangling', 'idle'];

export interface CostLine {
  name: string;
  category: CostCategory;
  anonymous: boolean;
  protected: boolean;
  sizeBytes: number | null;
  /** Null where the size is unknown. */
  monthlyCost: number | null;
  /** From the daemon's history when it knows the volume; null otherwise. */
  lastUsedAt: string | null;
  unusedForMs: number | null;
  certainty: 'known' | 'unknown' | null;
}

export interface CostTotal {
  volumes: number;
  bytes: number;
  monthlyCost: number;
  /** Volumes whose size could not be had: not in `bytes` nor in `monthlyCost`. */
  unknownSizes: number;
}

export interface CostEstimate {
  pricePerGbMonth: number;
  /** Most expensive first; unknown sizes last. */
  volumes: CostLine[];
  byCategory: Record<CostCategory, CostTotal>;
  total: CostTotal;
}

/** `0.10`, `0.023`: a price per GB-month. @throws StowageError 'invalid'. */
export function parsePrice(text: string): number {
  const price = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(price)) {
    throw invalid(`invalid --price-per-gb-month "${text}"`, 'use a price per GB and month, e.g. 0.10');
  }
  return price;
}

export function categoryOf(volume: Pick<VolumeRecord, 'status' | 'anonymous'>): CostCategory | undefined {
  if (volume.status === 'dangling') return volume.anonymous ? 'orphan' : 'dangling';
  if (volume.status === 'idle') return 'idle';
  return undefined;
}

export function estimateCost(
  volumes: readonly VolumeRecord[],
  pricePerGbMonth: number,
  idle: ReadonlyMap<string, IdleState> = new Map(),
): CostEstimate {
  const empty = (): CostTotal => ({ volumes: 0, bytes: 0, monthlyCost: 0, unknownSizes: 0 });
  const estimate: CostEstimate = {
    pricePerGbMonth,
    volumes: [],
    byCategory: { orphan: empty(), dangling: empty(), idle: empty() },
    total: empty(),
  };
  for (const volume of volumes) {
    const category = categoryOf(volume);
    if (!category) continue;
    const sizeBytes = volume.sizeBytes ?? null;
    const monthlyCost = sizeBytes === null ? null : (sizeBytes / GIGABYTE) * pricePerGbMonth;
    const state = idle.get(volume.name);
    estimate.volumes.push({
      name: volume.name,
      category,
      anonymous: volume.anonymous,
      protected: volume.protected,
      sizeBytes,
      monthlyCost,
      lastUsedAt: state?.lastUsedAt?.toISOString() ?? null,
      unusedForMs: state ? state.idleForMs : null,
      certainty: state ? state.certainty : null,
    });
    for (const total of [estimate.byCategory[category], estimate.total]) {
      total.volumes++;
      if (sizeBytes === null) total.unknownSizes++;
      else {
        total.bytes += sizeBytes;
        total.monthlyCost += monthlyCost!;
      }
    }
  }
  estimate.volumes.sort(
    (a, b) =>
      (b.monthlyCost ?? -1) - (a.monthlyCost ?? -1) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  return estimate;
}

/** `12.34`, `0.05`, `<0.01` for a cost that is not zero but rounds to it. */
export function formatCost(cost: number): string {
  if (cost > 0 && cost < 0.005) return '<0.01';
  return cost.toFixed(2);
}
