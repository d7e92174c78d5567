import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  idleState,
  type HistoryGap,
  type HistoryUse,
  type IdleState,
  type VolumeHistory,
} from './idle-state.ts';

const NOW = new Date('2026-11-30T00:00:00Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const mount = (days: number, containerId = 'a'): HistoryUse => ({
  action: 'mount',
  containerId,
  at: ago(days),
});
const unmount = (days: number, containerId = 'a'): HistoryUse => ({
  action: 'unmount',
  containerId,
  at: ago(days),
});
const gap = (fromDays: number, toDays: number, reason = 'engine restarted'): HistoryGap => ({
  from: ago(fromDays),
  to: ago(toDays),
  reason,
});
const BEFORE_RECORDING = (startedDaysAgo: number): HistoryGap => ({
  from: new Date(0),
  to: ago(startedDaysAgo),
  reason: 'before recording',
});

/** `createdDaysAgo` null: no creation time known. */
function history(
  uses: HistoryUse[],
  createdDaysAgo: number | null = 100,
  firstSeenDaysAgo = 100,
): VolumeHistory {
  return {
    createdAt: createdDaysAgo === null ? undefined : ago(createdDaysAgo),
    firstSeenAt: ago(firstSeenDaysAgo),
    uses,
  };
}

interface Case {
  name: string;
  history: VolumeHistory;
  gaps?: HistoryGap[];
  /** Expected: last use (days ago, 0 = now), idle days, certainty, in use, and the gap given (index in gaps). */
  lastUsed: number | undefined;
  idleDays: number;
  certainty: IdleState['certainty'];
  inUse?: boolean;
  gap?: number;
}

const cases: Case[] = [
  {
    name: 'never used: idle since creation',
    history: history([], 10),
    lastUsed: undefined,
    idleDays: 10,
    certainty: 'known',
  },
  {
    name: 'mounted then unmounted: idle since the unmount',
    history: history([mount(5), unmount(4)]),
    lastUsed: 4,
    idleDays: 4,
    certainty: 'known',
  },
  {
    name: 'still mounted: in use',
    history: history([mount(5)]),
    lastUsed: 0,
    idleDays: 0,
    certainty: 'known',
    inUse: true,
  },
  {
    name: 'one of two containers still mounts it: in use',
    history: history([mount(5, 'a'), mount(4, 'b'), unmount(3, 'a')]),
    lastUsed: 0,
    idleDays: 0,
    certainty: 'known',
    inUse: true,
  },
  {
    name: 'both unmounted: idle since the last one',
    history: history([mount(5, 'a'), mount(4, 'b'), unmount(3, 'a'), unmount(2, 'b')]),
    lastUsed: 2,
    idleDays: 2,
    certainty: 'known',
  },
  {
    name: 'uses given out of order are sorted',
    history: history([unmount(2, 'b'), mount(4, 'b'), unmount(3, 'a'), mount(5, 'a')]),
    lastUsed: 2,
    idleDays: 2,
    certainty: 'known',
  },
  {
    name: 'a gap inside the idle stretch: unknown, idle only since the gap ended',
    history: history([mount(11), unmount(10)]),
    gaps: [gap(6, 5)],
    lastUsed: 10,
    idleDays: 5,
    certainty: 'unknown',
    gap: 0,
  },
  {
    name: 'a gap before the last use does not matter',
    history: history([mount(11), unmount(10)]),
    gaps: [gap(20, 19)],
    lastUsed: 10,
    idleDays: 10,
    certainty: 'known',
  },
  {
    name: 'a gap that ends at the last use does not matter (the use was seen after it)',
    history: history([mount(11), unmount(10)]),
    gaps: [gap(12, 10)],
    lastUsed: 10,
    idleDays: 10,
    certainty: 'known',
  },
  {
    name: 'several gaps: the newest one bounds what is known',
    history: history([mount(31), unmount(30)]),
    gaps: [gap(20, 19), gap(10, 9)],
    lastUsed: 30,
    idleDays: 9,
    certainty: 'unknown',
    gap: 1,
  },
  {
    name: 'the recorder is not seeing anything now: idle time unknown, 0 certain',
    history: history([mount(11), unmount(10)]),
    gaps: [gap(1, 0)],
    lastUsed: 10,
    idleDays: 0,
    certainty: 'unknown',
    gap: 0,
  },
  {
    name: 'mounted when the recorder stopped seeing: maybe in use, maybe not',
    history: history([mount(10)]),
    gaps: [gap(1, 0)],
    lastUsed: 1,
    idleDays: 0,
    certainty: 'unknown',
    inUse: false,
    gap: 0,
  },
  {
    name: 'mounted before a gap that ended (and was reconciled): still in use',
    history: history([mount(10)]),
    gaps: [gap(5, 4)],
    lastUsed: 0,
    idleDays: 0,
    certainty: 'known',
    inUse: true,
  },
  {
    name: 'stopped during a gap (reconciliation recorded the unmount when it reconnected)',
    history: history([mount(10), unmount(4)]),
    gaps: [gap(5, 4)],
    lastUsed: 4,
    idleDays: 4,
    certainty: 'known',
  },
  {
    name: 'created before recording began, never seen used: unknown, idle since recording began',
    history: history([], 90, 40),
    gaps: [BEFORE_RECORDING(40)],
    lastUsed: undefined,
    idleDays: 40,
    certainty: 'unknown',
    gap: 0,
  },
  {
    name: 'created after recording began, never used: known',
    history: history([], 10, 10),
    gaps: [BEFORE_RECORDING(40)],
    lastUsed: undefined,
    idleDays: 10,
    certainty: 'known',
  },
  {
    name: 'no creation time, never used: unknown, idle since first seen',
    history: history([], null, 7),
    lastUsed: undefined,
    idleDays: 7,
    certainty: 'unknown',
  },
  {
    name: 'no creation time, never used, recording began later: idle since recording began',
    history: history([], null, 7),
    gaps: [BEFORE_RECORDING(7)],
    lastUsed: undefined,
    idleDays: 7,
    certainty: 'unknown',
    gap: 0,
  },
  {
    name: 'uses of an earlier volume of the same name are ignored',
    history: history([mount(31), unmount(30)], 20),
    lastUsed: undefined,
    idleDays: 20,
    certainty: 'known',
  },
  {
    name: 'an unmount whose mount was never seen is still a use',
    history: history([unmount(3)]),
    lastUsed: 3,
    idleDays: 3,
    certainty: 'known',
  },
  {
    name: 'a use in the future (clock skew) is idle 0, never negative',
    history: history([
      mount(0.1),
      { action: 'unmount', containerId: 'a', at: new Date(NOW.getTime() + 60_000) },
    ]),
    lastUsed: -60_000 / DAY,
    idleDays: 0,
    certainty: 'known',
  },
  {
    name: 'a use seen inside a gap (replayed from before recording) still counts',
    history: history([mount(50), unmount(45)], 90, 40),
    gaps: [BEFORE_RECORDING(40)],
    lastUsed: 45,
    idleDays: 40,
    certainty: 'unknown',
    gap: 0,
  },
];

describe('idleState', () => {
  for (const c of cases) {
    test(c.name, () => {
      const gaps = c.gaps ?? [];
      const state = idleState(c.history, gaps, NOW);
      assert.equal(
        state.lastUsedAt?.getTime(),
        c.lastUsed === undefined ? undefined : ago(c.lastUsed).getTime(),
      );
      assert.equal(state.idleForMs, Math.round(c.idleDays * DAY));
      assert.equal(state.certainty, c.certainty);
      assert.equal(state.inUse, c.inUse ?? false);
      assert.equal(state.gap, c.gap === undefined ? undefined : gaps[c.gap]);
    });
  }

  test('"unknown" never claims more idle time than "known" would', () => {
    // The same history with and without a gap: the gap only ever shortens the certain idle time.
    for (const c of cases) {
      const without = idleState(c.history, [], NOW);
      const withGaps = idleState(c.history, c.gaps ?? [], NOW);
      assert.ok(withGaps.idleForMs <= without.idleForMs, c.name);
    }
  });
});
