/**
 * Notification kinds found by URL scheme, as restic finds its backends: the one place that knows them
 * all. Checks a URL when the config is read, and sends a run's report where a URL says, with errors that
 * never show the URL's secrets.
 */
import { StowageError } from '../core/errors.ts';
import { discord } from './discord.ts';
import { genericWebhook } from './generic-webhook.ts';
import { gotify } from './gotify.ts';
import type { NotificationKind, RunNotification, SendOptions } from './notification.ts';
import { ntfy } from './ntfy.ts';
import { redactUrl } from './redact-url.ts';
import { slack } from './slack.ts';
import { smtp } from './smtp.ts';
import { teams } from './teams.ts';

const KINDS: readonly NotificationKind[] = [genericWebhook, smtp, slack, discord, teams, ntfy, gotify];

const KNOWN = `${KINDS.flatMap((kind) => kind.schemes.filter((scheme) => !scheme.includes('+'))).join(', ')}, and KIND+https:// for the others`;

function kindOf(url: URL): NotificationKind | undefined {
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  return KINDS.find((kind) => kind.schemes.includes(scheme));
}

/**
 * What is wrong with a notification URL, naming it redacted, or undefined when it can be sent to. Pure:
 * the config's validation lists these with their lines.
 */
export function notificationUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `notification URL ${redactUrl(text)} is not a URL (a password or token with "@", "/", ":" or "#" must be percent-encoded)`;
  }
  const kind = kindOf(url);
  if (!kind) return `notification URL ${redactUrl(text)}: unknown scheme "${url.protocol}"; known: ${KNOWN}`;
  const problem = kind.problem(url);
  return problem && `notification URL ${redactUrl(text)}: ${problem} (${kind.forms})`;
}

/**
 * Sends `notification` where `text` says.
 * @throws StowageError 'invalid' for a URL that `notificationUrlProblem` rejects; 'failed' when the
 *   service cannot be reached or refuses the message — both name the URL redacted, never its secrets.
 */
export async function sendNotification(
  text: string,
  notification: RunNotification,
  options: SendOptions = {},
): Promise<void> {
  const problem = notificationUrlProblem(text);
  if (problem) throw new StowageError('invalid', problem, { hint: 'see docs/NOTIFICATIONS.md' });
  const url = new URL(text);
  try {
    await kindOf(url)!.send(url, notification, options);
  } catch (error) {
    throw new StowageError('failed', `notify ${redactUrl(text)}: ${scrub((error as Error).message, url)}`, {
      cause: error,
    });
  }
}

/**
 * A library's message may quote what it was given: take out anything secret the URL holds — its user and
 * password, and path segments long enough to be tokens (shorter ones such as `api` or `webhooks` are words
 * an error message may well contain). Exported for its tests.
 */
export function scrub(message: string, url: URL): string {
  const secrets = [
    ...[url.username, url.password].filter((part) => part.length >= 4),
    ...url.pathname.split('/').filter((segment) => segment.length >= 10),
  ]
    .flatMap((secret) => [secret, safeDecode(secret)])
    .sort((a, b) => b.length - a.length);
  return secrets.reduce((text, secret) => text.split(secret).join('***'), message);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
