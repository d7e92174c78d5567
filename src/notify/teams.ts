/**
 * Microsoft Teams: a workflow's "When a Teams webhook request is received" URL (Power Automate), which
 * posts the Adaptive Card it is sent. Microsoft retired the Office 365 connectors that shoutrrr's
 * `teams://` form addressed, so Teams is only `teams+https://WORKFLOW_URL`.
 */
import { explicitProblem } from './explicit-problem.ts';
import { explicitEndpoint, postTo } from './http-post.ts';
import { renderMessage } from './message.ts';
import type { NotificationKind } from './notification.ts';

export const teams: NotificationKind = {
  schemes: ['teams', 'teams+https', 'teams+http'],
  forms: 'teams+https://WORKFLOW_WEBHOOK_URL',
  problem(url) {
    if (url.protocol === 'teams:')
      return 'Teams is reached through a workflow webhook: use teams+https://WORKFLOW_WEBHOOK_URL';
    return explicitProblem(url);
  },
  send(url, notification, options) {
    const { title, lines } = renderMessage(notification);
    const card = {
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      type: 'AdaptiveCard',
      version: '1.4',
      body: [
        {
          type: 'TextBlock',
          text: title,
          weight: 'Bolder',
          size: 'Medium',
          wrap: true,
          color: notification.event === 'failure' ? 'Attention' : 'Good',
        },
        ...lines.map((line) => ({ type: 'TextBlock', text: line, wrap: true, spacing: 'None' })),
      ],
    };
    return postTo(
      explicitEndpoint(url)!,
      {
        type: 'message',
        attachments: [
          { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card },
        ],
      },
      options,
    );
  },
};
