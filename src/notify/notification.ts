/**
 * What a run of a schedule tells the people who watch it: the report every notification kind renders, and
 * the contract a sender keeps. Types only; no I/O.
 */

/** The report of one run of a schedule. Its JSON is the generic webhook's body (docs/NOTIFICATIONS.md). */
export interface RunNotification {
  event: 'failure' | 'success';
  schedule: string;
  trigger: string;
  host: string;
  engine: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  succeeded: number;
  failed: number;
  runs: {
    id: number;
    volume: string | null;
    result: 'success' | 'failed' | 'interrupted';
    error: string | null;
    bytes: number | null;
    backupId: number | null;
    removed: number | null;
  }[];
}

/** How a sender reaches the outside: injectable so tests can count what goes out without a network. */
export interface SendOptions {
  /** The HTTP transport (default: the global fetch). */
  fetch?: typeof fetch;
  /** Give up on a service that does not answer within this time (default 10 s). */
  timeoutMs?: number;
}

/**
 * One notification kind. `send` resolves once the service accepted the message.
 * @throws Error whose message never holds the URL's secrets (the caller prefixes the redacted URL).
 */
export type Sender = (url: URL, notification: RunNotification, options: SendOptions) => Promise<void>;

/** A notification kind, found by its URL's scheme (registry.ts). */
export interface NotificationKind {
  /** The URL's schemes, without the colon: `discord`, `discord+https`. */
  schemes: readonly string[];
  /** The URL forms, for error messages: `discord://TOKEN@WEBHOOK_ID or discord+https://WEBHOOK_URL`. */
  forms: string;
  /** What is wrong with a URL of this kind, or undefined; checked when the config is read. */
  problem(url: URL): string | undefined;
  send: Sender;
}
