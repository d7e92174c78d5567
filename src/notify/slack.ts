/**
 * Slack incoming webhooks, and the services that accept their body (Mattermost, Rocket.Chat, Zulip's
 * Slack-compatible endpoint…): `{"text": …}` in Slack's mrkdwn.
 * `slack://TOKEN_A/TOKEN_B/TOKEN_C` is https://hooks.slack.com/services/TOKEN_A/TOKEN_B/TOKEN_C (shoutrrr's
 * form); `slack+https://…` is any Slack-compatible webhook URL.
 */
import { explicitEndpoint, pathSegments, postTo } from './http-post.ts';
import { renderMessage } from './message.ts';
import type { NotificationKind } from './notification.ts';
import { explicitProblem } from './explicit-problem.ts';

export const slack: NotificationKind = {
  schemes: ['slack', 'slack+https', 'slack+http'],
  forms: 'slack://TOKEN_A/TOKEN_B/TOKEN_C or slack+https://WEBHOOK_URL',
  problem(url) {
    if (url.protocol !== 'slack:') return explicitProblem(url);
    return url.host !== '' && pathSegments(url).length === 2
      ? undefined
      : 'expected the three tokens of the webhook URL (…/services/TOKEN_A/TOKEN_B/TOKEN_C)';
  },
  send(url, notification, options) {
    const endpoint =
      explicitEndpoint(url) ??
      new URL(`https://hooks.slack.com/services/${url.host}/${pathSegments(url).join('/')}`);
    const { title, lines } = renderMessage(notification);
    const icon = notification.event === 'failure' ? ':x:' : ':white_check_mark:';
    return postTo(
      endpoint,
      { text: `${icon} *${escapeMrkdwn(title)}*\n${lines.map(escapeMrkdwn).join('\n')}` },
      options,
    );
  },
};

/** Slack's three control characters; everything else is shown as written. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
