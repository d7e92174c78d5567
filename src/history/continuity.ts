/**
 * Did the recorder miss anything while it was not looking? Pure.
 *
 * The engine keeps its last 256 events in memory (none across its own restart) and `since` is inclusive.
 * So when the replay from the last event seen still starts with that event, or with anything at or before
 * the moment the recorder stopped looking, nothing after that moment was dropped: the buffer drops its
 * oldest events first. Otherwise events may be missing, and the stretch is a gap: from when the recorder
 * stopped looking to the oldest event the engine still has (after which it has everything), or to now.
 */
import type { EngineEvent } from '../engine/contract.ts';

/** The engine's in-memory event buffer (moby's daemon/events: eventsLimit). */
export const ENGINE_EVENT_BUFFER = 256;

export interface PreviousCoverage {
  /** The last moment the recorder saw everything (ms since the epoch, this host's clock). */
  endedAt: number;
  /** The newest event it handled (engine clock, exact); null when it saw none. */
  lastEventNano: bigint | null;
}

export interface ContinuityInput {
  previous: PreviousCoverage | undefined;
  /** The replay from `lastEventNano` (or from the epoch without one), oldest first. */
  replay: readonly Pick<EngineEvent, 'time' | 'timeNano'>[];
  /** When the replay was asked for (ms). */
  requestedAt: number;
  /** True when this recorder was following the engine and lost the connection; false after a (re)start. */
  reconnect: boolean;
}

export type Continuity =
  { kind: 'first' } | { kind: 'continuous' } | { kind: 'gap'; from: number; to: number; reason: string };

export function checkContinuity(input: ContinuityInput): Continuity {
  const { previous, replay } = input;
  if (!previous) return { kind: 'first' };
  const boundary = previous.lastEventNano ?? BigInt(previous.endedAt) * 1_000_000n;
  const oldest = replay[0];
  if (oldest && oldest.timeNano <= boundary) return { kind: 'continuous' };
  const from = previous.endedAt;
  const to = Math.max(from, oldest ? oldest.time : input.requestedAt);
  const who = input.reconnect ? 'the connection to the engine was lost' : 'Stowage was not recording';
  let why: string;
  if (previous.lastEventNano === null) {
    why = 'the engine kept no event from before, so it may have restarted or dropped events';
  } else if (replay.length < ENGINE_EVENT_BUFFER) {
    // Its buffer never filled since that event, yet the event is gone: the engine lost its memory.
    why = 'the engine restarted meanwhile and kept none of its earlier events';
  } else {
    why = `more than ${ENGINE_EVENT_BUFFER} engine events happened meanwhile and the oldest were dropped`;
  }
  return { kind: 'gap', from, to, reason: `${who}; ${why}` };
}
