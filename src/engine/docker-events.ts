/**
 * The engine's event stream: `GET /events` answers with one JSON object per line, first the events it
 * still holds from `since` on (its last 256, in memory only), then new ones as they happen, until `until`.
 */
import type { IncomingMessage } from 'node:http';
import type { EngineEvent, EventFilters, EventsOptions } from './contract.ts';
import type { Query, Transport } from './transport.ts';

/** An event as the engine writes it (API 1.41 and later); internal to this file. */
interface WireEvent {
  Type?: string;
  Action?: string;
  /** Older field names, still sent for container and image events. */
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> | null };
  time?: number;
  timeNano?: number;
}

// timeNano (~1.8e18) is beyond a double's exact integers: it is read from the text, not from JSON.parse.
// Attribute keys and values are JSON strings, so this cannot match inside them.
const TIME_NANO = /"timeNano":\s*(\d+)/;

/** One line of the stream → an EngineEvent; undefined for a blank line. @throws SyntaxError on bad JSON. */
export function parseEventLine(line: string): EngineEvent | undefined {
  const text = line.trim();
  if (!text) return undefined;
  const wire = JSON.parse(text) as WireEvent;
  const nano = TIME_NANO.exec(text)?.[1];
  const timeNano = nano ? BigInt(nano) : BigInt(wire.time ?? 0) * 1_000_000_000n;
  const attributes = wire.Actor?.Attributes ?? {};
  const type = wire.Type ?? '';
  const id = wire.Actor?.ID ?? wire.id ?? '';
  return {
    type,
    action: wire.Action ?? wire.status ?? '',
    id,
    name: type === 'volume' ? id : attributes.name,
    attributes,
    time: Number(timeNano / 1_000_000n),
    timeNano,
  };
}

/** `since`/`until` as the engine reads them: unix seconds with a nanosecond fraction (`1732560000.123456789`). */
export function eventTimeParameter(time: Date | bigint): string {
  const nano = typeof time === 'bigint' ? time : BigInt(time.getTime()) * 1_000_000n;
  const seconds = nano / 1_000_000_000n;
  const fraction = nano % 1_000_000_000n;
  return `${seconds}.${fraction.toString().padStart(9, '0')}`;
}

export function eventsQuery(options: EventsOptions): Query {
  return {
    since: options.since === undefined ? undefined : eventTimeParameter(options.since),
    until: options.until === undefined ? undefined : eventTimeParameter(options.until),
    filters: options.filters && hasFilters(options.filters) ? toFilterMap(options.filters) : undefined,
  };
}

/** Follows `GET /events`; see Engine.events for when it ends. */
export async function* streamEvents(
  transport: Transport,
  options: EventsOptions = {},
): AsyncGenerator<EngineEvent> {
  const { signal } = options;
  if (signal?.aborted) return;
  const response = await transport.stream('GET', '/events', {
    query: eventsQuery(options),
    operation: 'follow engine events',
  });
  const onAbort = () => response.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();
  try {
    yield* eventLines(response);
  } catch (error) {
    if (signal?.aborted) return; // the caller asked to stop: not an error
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    response.destroy();
  }
}

async function* eventLines(response: IncomingMessage): AsyncGenerator<EngineEvent> {
  response.setEncoding('utf8');
  let pending = '';
  for await (const chunk of response as AsyncIterable<string>) {
    pending += chunk;
    let end: number;
    while ((end = pending.indexOf('\n')) >= 0) {
      const event = parseEventLine(pending.slice(0, end));
      pending = pending.slice(end + 1);
      if (event) yield event;
    }
  }
  const last = parseEventLine(pending);
  if (last) yield last;
}

function hasFilters(filters: EventFilters): boolean {
  return Object.values(filters).some((values) => values && values.length > 0);
}

/** Docker's filter encoding: `{"type": {"volume": true}}`, which every API version accepts. */
function toFilterMap(filters: EventFilters): Record<string, Record<string, boolean>> {
  const map: Record<string, Record<string, boolean>> = {};
  for (const [key, values] of Object.entries(filters)) {
    if (values?.length) map[key] = Object.fromEntries(values.map((value) => [value, true]));
  }
  return map;
}
