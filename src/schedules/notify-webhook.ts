/**
 * Run notifications: one JSON POST per run of a schedule to the configured webhook, for the events the
 * config asks for (`notify.on`, failures by default). A notification that cannot be delivered is logged by
 * the caller; it never changes the run's result.
 */
import type { NotifyEvent, StowageConfig } from '../config/config-types.ts';
import type { RunResult, RunTrigger } from '../catalog/run-store.ts';

export interface RunNotification {
  event: NotifyEvent;
  schedule: string;
  trigger: RunTrigger;
  host: string;
  engine: string;
  startedAt: string;
  finishedAt: string;
  succeeded: number;
  failed: number;
  runs: {
    id: number;
    volume: string | null;
    result: RunResult;
    error: string | null;
    bytes: number | null;
    backupId: number | null;
    removed: number | null;
  }[];
}

/** The webhook to call for this run's outcome, or undefined when the config asks for none. */
export function webhookFor(config: StowageConfig['notify'], event: NotifyEvent): string | undefined {
  return config.webhook !== undefined && config.on.includes(event) ? config.webhook : undefined;
}

/** @throws Error naming the URL and what went wrong (no answer within `timeoutMs`, or a non-2xx status). */
export async function postWebhook(
  url: string,
  notification: RunNotification,
  options: { timeoutMs?: number; fetch?: typeof fetch } = {},
): Promise<void> {
  const send = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'stowage' },
      body: JSON.stringify(notification),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message;
    throw new Error(`notify ${redact(url)}: ${(error as Error).message}${cause ? ` (${cause})` : ''}`, {
      cause: error,
    });
  }
  await response.body?.cancel();
  if (!response.ok) throw new Error(`notify ${redact(url)}: the webhook answered ${response.status}`);
}

/** A webhook URL often carries a secret in its path or query: messages show only its origin. */
function redact(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return 'the webhook';
  }
}
