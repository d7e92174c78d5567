/** The check every `KIND+https://ENDPOINT` URL shares: the endpoint is an http(s) URL with a host. */
import { explicitEndpoint } from './http-post.ts';

export function explicitProblem(url: URL): string | undefined {
  let endpoint: URL | undefined;
  try {
    endpoint = explicitEndpoint(url);
  } catch {
    return 'the URL after "+" is not a URL';
  }
  if (!endpoint || (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:') || endpoint.host === '')
    return 'expected KIND+https://HOST/PATH';
  return undefined;
}
