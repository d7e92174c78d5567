/**
 * The generic webhook: `http(s)://…` gets the run's report as JSON, exactly `RunNotification`, for scripts,
 * automation services and anything Stowage has no kind for.
 */
import { postTo } from './http-post.ts';
import type { NotificationKind } from './notification.ts';

export const genericWebhook: NotificationKind = {
  schemes: ['http', 'https'],
  forms: 'https://HOST/PATH (the run report as JSON)',
  problem: (url) => (url.host === '' ? 'the URL has no host' : undefined),
  send: (url, notification, options) => postTo(url, notification, options),
};
