/** The human-readable form of a run's report, shared by every kind that shows text (mail, chat, push). */
import { formatBytes } from '../core/units.ts';
import type { RunNotification } from './notification.ts';
import { plural } from '../core/terminal-text.ts';

export interface RenderedMessage {
  /** One line: the schedule, the outcome, the host. A mail's subject, a chat message's heading. */
  title: string;
  /** The facts, one per line: schedule, outcome, volumes, engine, timing, then one line per volume's run. */
  lines: string[];
}

export function renderMessage(notification: RunNotification): RenderedMessage {
  const { schedule, host, succeeded, failed } = notification;
  const total = succeeded + failed;
  const title =
    notification.event === 'failure'
      ? `Stowage: schedule ${schedule} failed (${failed} of ${total} volume run${total === 1 ? '' : 's'}) on ${host}`
      : `Stowage: schedule ${schedule} succeeded (${total} volume${total === 1 ? '' : 's'}) on ${host}`;
  const volumes = notification.runs.map((run) => run.volume ?? '(no volume)');
  const lines = [
    `Schedule: ${schedule} (trigger: ${notification.trigger})`,
    `Outcome: ${notification.event === 'failure' ? `failed: ${failed} of ${plural(total, 'volume run')} failed` : 'success'}`,
    `Volumes: ${volumes.join(', ')}`,
    `Engine: ${notification.engine} (host ${host})`,
    `Started: ${notification.startedAt}, took ${formatDuration(notification.durationMs)}`,
    ...notification.runs.map(describeRun),
  ];
  return { title, lines };
}

function describeRun(run: RunNotification['runs'][number]): string {
  const facts = [
    run.backupId !== null ? `backup #${run.backupId}` : '',
    run.bytes !== null ? formatBytes(run.bytes) : '',
    run.removed ? `${plural(run.removed, 'old backup')} removed` : '',
  ].filter(Boolean);
  return (
    `- ${run.volume ?? '(no volume)'}: ${run.result}` +
    (facts.length ? ` (${facts.join(', ')})` : '') +
    (run.error ? `: ${run.error}` : '')
  );
}

function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}
