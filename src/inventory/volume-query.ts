/**
 * What `stowage ls` may ask: Docker's own filters (passed to the engine, so their meaning is the engine's)
 * and Stowage's extras, applied here. Parsing is pure and strict.
 */
import { invalid } from '../core/errors.ts';
import { compareText, parseDuration, parseSize } from '../core/units.ts';
import { compareVolumeNames } from '../core/volume-name.ts';
import type { VolumeFilters } from '../engine/contract.ts';
import type { VolumeRecord } from './volume-record.ts';

export const DOCKER_FILTER_KEYS = ['dangling', 'driver', 'label', 'name'] as const;
export const SORT_KEYS = ['name', 'size', 'created', 'containers', 'driver'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface VolumeQueryInput {
  filter?: string[];
  unused?: boolean;
  anonymous?: boolean;
  largerThan?: string;
  olderThan?: string;
  sort?: string;
  sizes?: boolean;
}

export interface VolumeQuery {
  dockerFilters: VolumeFilters;
  unused: boolean;
  anonymous: boolean;
  largerThanBytes: number | undefined;
  olderThanMs: number | undefined;
  sort: SortKey;
  sizes: boolean;
}

/** @throws StowageError 'invalid' naming the bad filter, size, duration or sort key. */
export function parseVolumeQuery(input: VolumeQueryInput): VolumeQuery {
  const sort = (input.sort ?? 'name') as SortKey;
  if (!SORT_KEYS.includes(sort)) {
    throw invalid(`invalid sort key "${input.sort}"`, `sort by one of: ${SORT_KEYS.join(', ')}`);
  }
  const largerThanBytes =
    input.largerThan === undefined ? undefined : parseSize(input.largerThan, '--larger-than size');
  const sizes = input.sizes ?? true;
  if (!sizes && (largerThanBytes !== undefined || sort === 'size')) {
    throw invalid(
      '--no-size cannot be combined with --larger-than or --sort size',
      'drop --no-size to measure sizes',
    );
  }
  return {
    dockerFilters: parseDockerFilters(input.filter ?? []),
    unused: input.unused ?? false,
    anonymous: input.anonymous ?? false,
    largerThanBytes,
    olderThanMs:
      input.olderThan === undefined ? undefined : parseDuration(input.olderThan, '--older-than duration'),
    sort,
    sizes,
  };
}

/** `--filter key=value` as `docker volume ls` reads it; repeated keys are OR'd, different keys AND'd. */
export function parseDockerFilters(raw: readonly string[]): VolumeFilters {
  const filters: Record<string, string[]> = {};
  for (const item of raw) {
    const at = item.indexOf('=');
    if (at <= 0) throw invalid(`bad format of filter "${item}" (expected name=value)`, filterHint());
    const key = item.slice(0, at).trim().toLowerCase();
    const value = item.slice(at + 1);
    if (!(DOCKER_FILTER_KEYS as readonly string[]).includes(key)) {
      throw invalid(`Invalid filter '${key}'`, filterHint());
    }
    if (key === 'dangling' && !['true', 'false', '1', '0'].includes(value.toLowerCase())) {
      throw invalid(`Invalid filter 'dangling=[${value}]'`, 'dangling takes true, false, 1 or 0');
    }
    (filters[key] ??= []).push(value);
  }
  return filters;
}

function filterHint(): string {
  return 'filters: dangling=true|false, driver=NAME, label=KEY or label=KEY=VALUE, name=TEXT; see also --unused, --anonymous, --larger-than, --older-than';
}

/** Stowage's extra filters and the sort, applied to records already narrowed by the engine. */
export function applyQuery(records: VolumeRecord[], query: VolumeQuery, now = Date.now()): VolumeRecord[] {
  const kept = records.filter((record) => {
    if (query.unused && record.status === 'in-use') return false;
    if (query.anonymous && !record.anonymous) return false;
    if (query.largerThanBytes !== undefined && !((record.sizeBytes ?? -1) > query.largerThanBytes))
      return false;
    if (query.olderThanMs !== undefined) {
      const created = record.createdAt ? Date.parse(record.createdAt) : NaN;
      if (!(now - created > query.olderThanMs)) return false;
    }
    return true;
  });
  return kept.sort(comparator(query.sort));
}

function comparator(key: SortKey): (a: VolumeRecord, b: VolumeRecord) => number {
  // Docker's order for names (natural: vol-9 before vol-10), so `ls` lists as `docker volume ls` does.
  const byName = (a: VolumeRecord, b: VolumeRecord) => compareVolumeNames(a.name, b.name);
  switch (key) {
    case 'name':
      return byName;
    case 'driver':
      return (a, b) => compareText(a.driver, b.driver) || byName(a, b);
    case 'size': // largest first; unknown sizes last
      return (a, b) => (b.sizeBytes ?? -1) - (a.sizeBytes ?? -1) || byName(a, b);
    case 'created': // newest first
      return (a, b) => compareText(b.createdAt ?? '', a.createdAt ?? '') || byName(a, b);
    case 'containers':
      return (a, b) => b.users.length - a.users.length || byName(a, b);
  }
}
