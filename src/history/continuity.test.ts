import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkContinuity, ENGINE_EVENT_BUFFER, type Continuity, type ContinuityInput } from './continuity.ts';

const S = 1_000_000_000n; // one second in nanoseconds
const at = (seconds: number) => ({ time: seconds * 1000, timeNano: BigInt(seconds) * S });
const events = (...seconds: number[]) => seconds.map(at);
const many = (from: number, count: number) => Array.from({ length: count }, (_, i) => at(from + i));

const previous = { endedAt: 100_000, lastEventNano: 90n * S }; // stopped at 100 s; last event at 90 s

const cases: { name: string; input: Partial<ContinuityInput>; expected: Continuity | 'gap' }[] = [
  {
    name: 'first start: nothing to compare',
    input: { previous: undefined, replay: events(1, 2) },
    expected: { kind: 'first' },
  },
  {
    name: 'the last event seen comes back first: nothing missed',
    input: { replay: events(90, 120, 130) },
    expected: { kind: 'continuous' },
  },
  {
    name: 'only the last event seen (nothing happened since)',
    input: { replay: events(90) },
    expected: { kind: 'continuous' },
  },
  {
    name: 'the engine restarted: its buffer is empty',
    input: { replay: [] },
    expected: {
      kind: 'gap',
      from: 100_000,
      to: 200_000,
      reason: 'Stowage was not recording; the engine restarted meanwhile and kept none of its earlier events',
    },
  },
  {
    name: 'the engine restarted and has new events: the gap ends at its oldest',
    input: { replay: events(150, 160) },
    expected: {
      kind: 'gap',
      from: 100_000,
      to: 150_000,
      reason: 'Stowage was not recording; the engine restarted meanwhile and kept none of its earlier events',
    },
  },
  {
    name: 'more than 256 events since: the oldest were dropped',
    input: { replay: many(105, ENGINE_EVENT_BUFFER) },
    expected: {
      kind: 'gap',
      from: 100_000,
      to: 105_000,
      reason: `Stowage was not recording; more than ${ENGINE_EVENT_BUFFER} engine events happened meanwhile and the oldest were dropped`,
    },
  },
  {
    name: 'a lost connection says so',
    input: { replay: [], reconnect: true },
    expected: {
      kind: 'gap',
      from: 100_000,
      to: 200_000,
      reason:
        'the connection to the engine was lost; the engine restarted meanwhile and kept none of its earlier events',
    },
  },
  {
    name: 'no event ever seen, but the engine still has one from before: nothing missed',
    input: { previous: { endedAt: 100_000, lastEventNano: null }, replay: events(50, 150) },
    expected: { kind: 'continuous' },
  },
  {
    name: 'no event ever seen and nothing older in the engine: cannot tell, so a gap',
    input: { previous: { endedAt: 100_000, lastEventNano: null }, replay: events(150) },
    expected: {
      kind: 'gap',
      from: 100_000,
      to: 150_000,
      reason:
        'Stowage was not recording; the engine kept no event from before, so it may have restarted or dropped events',
    },
  },
  {
    name: 'an oldest event before the stop (clock drift) never makes a gap end before it starts',
    input: { previous: { endedAt: 100_000, lastEventNano: 90n * S }, replay: events(95) },
    expected: 'gap',
  },
];

describe('checkContinuity', () => {
  for (const c of cases) {
    test(c.name, () => {
      const result = checkContinuity({
        previous,
        replay: [],
        requestedAt: 200_000,
        reconnect: false,
        ...c.input,
      });
      if (c.expected === 'gap') {
        assert.equal(result.kind, 'gap');
        if (result.kind === 'gap') assert.ok(result.to >= result.from);
      } else assert.deepEqual(result, c.expected);
    });
  }
});
