/**
 * Notification URLs carry their secrets everywhere: a password (`smtp://user:pass@…`), a token as the user
 * (`discord://TOKEN@ID`) or in the path (Slack, Discord, Teams, Gotify webhooks, an ntfy topic). Whatever
 * Stowage prints about one shows only its scheme and host.
 */

/** `scheme://[***@]host[:port][/…]`: no user, password, path or query; never throws. */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(text.trim())?.[0];
    return scheme ? `${scheme}…` : '(not a URL)';
  }
  const secretUser = url.username !== '' || url.password !== '';
  const more = (url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '';
  return `${url.protocol}//${secretUser ? '***@' : ''}${url.host}${more ? '/…' : ''}`;
}
