/**
 * DNS rebinding guard. A web page on `evil.example` can make its own name resolve to 127.0.0.1 and then
 * call the daemon from the victim's browser as a "same-origin" request; CORS does not stop that, the Host
 * header does: it still says `evil.example`. So only names that mean this daemon are accepted: loopback
 * names, the listen address, and (for a wildcard listen address) the host's own interface addresses.
 */
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** The Host header without its port, lower case, IPv6 without brackets; undefined when it is malformed. */
export function hostName(header: string): string | undefined {
  const value = header.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed) return bracketed[1];
  const plain = /^([a-z0-9.-]+)(?::\d{1,5})?$/.exec(value);
  return plain?.[1]?.replace(/\.$/, '');
}

function isLoopback(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name.startsWith('::ffff:')) return isLoopback(name.slice('::ffff:'.length)); // IPv4-mapped
  if (isIP(name) === 4) return name.startsWith('127.');
  return name === '::1';
}

/**
 * Whether a request carrying this Host header may be served by a daemon listening on `listenHost`.
 * `extra` names (from the caller's configuration) are accepted as well. A request without a Host header is
 * accepted: browsers always send one, so it cannot be a rebinding attack.
 */
export function hostAllowed(
  header: string | undefined,
  listenHost: string,
  extra: readonly string[] = [],
): boolean {
  if (header === undefined) return true;
  const name = hostName(header);
  if (name === undefined) return false;
  if (isLoopback(name)) return true;
  const listen = listenHost.toLowerCase().replace(/^\[|\]$/g, '');
  if (name === listen) return true;
  if (extra.some((allowed) => allowed.toLowerCase() === name)) return true;
  // Listening everywhere: every address of this host reaches the daemon; names still do not.
  if (WILDCARDS.has(listen) && isIP(name) !== 0) return ownAddresses().has(name);
  return false;
}

function ownAddresses(): Set<string> {
  const addresses = new Set<string>();
  for (const list of Object.values(networkInterfaces()))
    for (const entry of list ?? []) addresses.add(entry.address.toLowerCase().replace(/%.*$/, ''));
  return addresses;
}
