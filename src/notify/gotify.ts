/**
 * Gotify: one message to the server's /message with the application token in the X-Gotify-Key header (so
 * it is in no URL a proxy logs), priority 8 for a failure, 4 for a success.
 * `gotify://HOST[:PORT][/PATH]/APP_TOKEN` (shoutrrr's form) is HTTPS; `gotify+http(s)://…/APP_TOKEN`
 * names the scheme.
 */
import { explicitProblem } from './explicit-problem.ts';
import { explicitEndpoint, pathSegments, postTo } from './http-post.ts';
import { renderMessage } from './message.ts';
import type { NotificationKind } from './notification.ts';

export const gotify: NotificationKind = {
  schemes: ['gotify', 'gotify+https', 'gotify+http'],
  forms: 'gotify://HOST/APP_TOKEN or gotify+http(s)://HOST/APP_TOKEN',
  problem(url) {
    const problem =
      url.protocol === 'gotify:'
        ? url.host === ''
          ? 'the URL has no host'
          : undefined
        : explicitProblem(url);
    return (
      problem ??
      (pathSegments(url).length === 0
        ? 'expected the application token as the path: gotify://HOST/APP_TOKEN'
        : undefined)
    );
  },
  send(url, notification, options) {
    const endpoint = explicitEndpoint(url) ?? new URL(`https://${url.host}${url.pathname}`);
    const segments = pathSegments(endpoint);
    const token = segments.pop()!;
    const base = segments.map(encodeURIComponent).join('/');
    const { title, lines } = renderMessage(notification);
    return postTo(
      new URL(`${endpoint.origin}/${base ? `${base}/` : ''}message`),
      {
        title,
        message: lines.join('\n'),
        priority: notification.event === 'failure' ? 8 : 4,
        extras: { 'client::display': { contentType: 'text/plain' } },
      },
      options,
      { 'x-gotify-key': token },
    );
  },
};
