/** Credentials written in a notification URL, sent as an Authorization header rather than in the URL. */

/** `USER:PASSWORD@` → basic auth; `:TOKEN@` (no user) → a bearer token; none → no header. */
export function credentialsHeader(url: URL): Record<string, string> {
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  if (user === '' && password === '') return {};
  if (user === '') return { authorization: `Bearer ${password}` };
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

/** The URL with no user or password: fetch refuses URLs that carry credentials. */
export function withoutCredentials(url: URL): URL {
  const copy = new URL(url);
  copy.username = '';
  copy.password = '';
  return copy;
}
