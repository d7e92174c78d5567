/** The one HTTP call every web notification kind makes: a POST with a time limit and a 2xx expected. */
import type { SendOptions } from './notification.ts';
import { credentialsHeader, withoutCredentials } from './url-credentials.ts';

/**
 * POSTs `body` (JSON unless a string) to `endpoint`. Credentials written in the endpoint
 * (`https://USER:PASSWORD@…`) go as an Authorization header: fetch refuses them in a URL.
 * @throws Error saying what went wrong — no answer in time, a refused connection, a non-2xx status with the
 *   start of the service's answer — but never the endpoint, which holds secrets.
 */
export async function postTo(
  endpoint: URL,
  body: unknown,
  options: SendOptions,
  headers: Record<string, string> = {},
): Promise<void> {
  const send = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await send(withoutCredentials(endpoint), {
      method: 'POST',
      headers: {
        'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
        'user-agent': 'stowage',
        ...credentialsHeader(endpoint),
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message;
    throw new Error(`${(error as Error).message}${cause ? ` (${cause})` : ''}`, { cause: error });
  }
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  const answer = (await response.text().catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, 200);
  throw new Error(`the service answered ${response.status}${answer ? `: ${answer}` : ''}`);
}

/**
 * The endpoint a `KIND+https://…` URL names: the URL without its `KIND+` prefix. Every web kind takes this
 * form besides its short one, for self-hosted services and anything at another address.
 */
export function explicitEndpoint(url: URL): URL | undefined {
  const plus = url.protocol.indexOf('+');
  return plus < 0 ? undefined : new URL(url.href.slice(plus + 1));
}

/** The path's segments, decoded (`/a/b%2Fc/` → `['a', 'b/c']`). */
export function pathSegments(url: URL): string[] {
  return url.pathname
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => decodeURIComponent(segment));
}
