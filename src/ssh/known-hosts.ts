/**
 * Host key checking for everything Stowage reaches over ssh (`ssh://` engines, `sftp://` targets), as OpenSSH does it with its default StrictHostKeyChecking: the
 * server's key must be listed for that host in `~/.ssh/known_hosts` (or `/etc/ssh/ssh_known_hosts`); an
 * unknown host or a different key refuses the connection. Hashed entries (`|1|salt|hash`), `[host]:port`
 * for other ports, patterns with `*`/`?`/`!` and `@revoked` are understood; `@cert-authority` lines are not
 * (such hosts need their key listed plainly). `STOWAGE_SSH_KNOWN_HOSTS` names another file.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type HostKeyVerdict = 'known' | 'unknown' | 'changed' | 'revoked';

export function knownHostsFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.STOWAGE_SSH_KNOWN_HOSTS) return [env.STOWAGE_SSH_KNOWN_HOSTS];
  return [join(homedir(), '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'];
}

/** How OpenSSH names a host in known_hosts: `host`, or `[host]:port` when the port is not 22. */
export function hostEntryName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** `key` is the server's public key blob as sent in the ssh handshake. */
export function checkHostKey(text: string, host: string, port: number, key: Buffer): HostKeyVerdict {
  const name = hostEntryName(host, port);
  let sawHost = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0]!.startsWith('@') ? fields.shift() : undefined;
    if (marker === '@cert-authority') continue;
    const [patterns, , encoded] = fields;
    if (!patterns || !encoded || !matchesHost(patterns, name)) continue;
    const same = Buffer.from(encoded, 'base64').equals(key);
    if (marker === '@revoked') {
      if (same) return 'revoked';
      continue;
    }
    if (same) return 'known';
    sawHost = true;
  }
  return sawHost ? 'changed' : 'unknown';
}

function matchesHost(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of patterns.split(',')) {
    const negated = pattern.startsWith('!');
    if (glob(negated ? pattern.slice(1) : pattern).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );

/** Reads every known_hosts file there is; the first definite answer wins. */
export function verifyHostKey(
  host: string,
  port: number,
  key: Buffer,
  env: NodeJS.ProcessEnv = process.env,
): HostKeyVerdict {
  let verdict: HostKeyVerdict = 'unknown';
  for (const file of knownHostsFiles(env)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const found = checkHostKey(text, host, port, key);
    if (found !== 'unknown') return found;
    verdict = found;
  }
  return verdict;
}

/**
 * What to tell the user when a connection was refused because of the server's key (any verdict but
 * 'known'): which way it failed, and the OpenSSH command that settles it.
 */
export function hostKeyRefusal(
  verdict: Exclude<HostKeyVerdict, 'known'>,
  host: string,
  port: number,
  username: string,
  env: NodeJS.ProcessEnv = process.env,
): { problem: string; hint: string } {
  const name = hostEntryName(host, port);
  const files = knownHostsFiles(env).join(' or ');
  const problem =
    verdict === 'unknown'
      ? `the ssh host key of ${name} is not in ${files}`
      : verdict === 'revoked'
        ? `the ssh host key of ${name} is revoked in ${files}`
        : `the ssh host key of ${name} has CHANGED: someone may be intercepting the connection`;
  const hint =
    verdict === 'unknown'
      ? `check the key and accept it as ssh would: \`ssh -p ${port} ${username}@${host} true\``
      : `if the host was really reinstalled, remove its old key with \`ssh-keygen -R '${name}'\` and connect once with ssh`;
  return { problem, hint };
}
