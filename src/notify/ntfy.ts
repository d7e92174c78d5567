/**
 * ntfy: one message published as JSON to the server's root, with the topic in the body, a title, tags and
 * a priority (high for a failure).
 * `ntfy://[USER:PASSWORD@]HOST[:PORT]/TOPIC` is HTTPS; `ntfy+http(s)://…/TOPIC` names the scheme (and a
 * server under a sub-path). `USER:PASSWORD` is sent as basic auth; `:TOKEN@` (no user) as a bearer token.
 */
import { explicitProblem } from './explicit-problem.ts';
import { explicitEndpoint, pathSegments, postTo } from './http-post.ts';
import { renderMessage } from './message.ts';
import type { NotificationKind } from './notification.ts';
import { credentialsHeader, withoutCredentials } from './url-credentials.ts';

export const ntfy: NotificationKind = {
  schemes: ['ntfy', 'ntfy+https', 'ntfy+http'],
  forms: 'ntfy://[USER:PASSWORD@]HOST/TOPIC or ntfy+http(s)://HOST/TOPIC',
  problem(url) {
    const problem =
      url.protocol === 'ntfy:' ? (url.host === '' ? 'the URL has no host' : undefined) : explicitProblem(url);
    return (
      problem ??
      (pathSegments(url).length === 0 ? 'expected the topic as the path: ntfy://HOST/TOPIC' : undefined)
    );
  },
  send(url, notification, options) {
    const endpoint = withoutCredentials(
      explicitEndpoint(url) ?? new URL(`https://${url.host}${url.pathname}`),
    );
    const segments = pathSegments(endpoint);
    const topic = segments.pop()!;
    // JSON is published to the server's root (the path above the topic), not to the topic's URL.
    const root = new URL(`${endpoint.origin}/${segments.map(encodeURIComponent).join('/')}`);
    const { title, lines } = renderMessage(notification);
    const failed = notification.event === 'failure';
    return postTo(
      root,
      {
        topic,
        title,
        message: lines.join('\n'),
        tags: [failed ? 'rotating_light' : 'white_check_mark', 'stowage'],
        priority: failed ? 4 : 3,
      },
      options,
      credentialsHeader(url),
    );
  },
};
