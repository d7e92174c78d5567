/**
 * Discord webhooks: one message with an embed, red for a failure, green for a success.
 * `discord://TOKEN@WEBHOOK_ID` (shoutrrr's form) is https://discord.com/api/webhooks/WEBHOOK_ID/TOKEN;
 * `discord+https://…` is any webhook URL.
 */
import { explicitProblem } from './explicit-problem.ts';
import { explicitEndpoint, postTo } from './http-post.ts';
import { renderMessage } from './message.ts';
import type { NotificationKind } from './notification.ts';

/** Discord's limits: an embed's title 256 characters, its description 4096. */
const TITLE_MAX = 256;
const DESCRIPTION_MAX = 4096;

export const discord: NotificationKind = {
  schemes: ['discord', 'discord+https', 'discord+http'],
  forms: 'discord://TOKEN@WEBHOOK_ID or discord+https://WEBHOOK_URL',
  problem(url) {
    if (url.protocol !== 'discord:') return explicitProblem(url);
    return url.username !== '' && url.host !== '' && (url.pathname === '' || url.pathname === '/')
      ? undefined
      : 'expected discord://TOKEN@WEBHOOK_ID (from https://discord.com/api/webhooks/WEBHOOK_ID/TOKEN)';
  },
  send(url, notification, options) {
    const endpoint =
      explicitEndpoint(url) ??
      new URL(
        `https://discord.com/api/webhooks/${encodeURIComponent(url.host)}/${encodeURIComponent(decodeURIComponent(url.username))}`,
      );
    const { title, lines } = renderMessage(notification);
    return postTo(
      endpoint,
      {
        username: 'Stowage',
        embeds: [
          {
            title: clip(title, TITLE_MAX),
            description: clip(lines.join('\n'), DESCRIPTION_MAX),
            color: notification.event === 'failure' ? 0xd1242f : 0x1a7f37,
            timestamp: notification.finishedAt,
          },
        ],
      },
      options,
    );
  },
};

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
