/**
 * How Stowage logs in over ssh2, on OpenSSH's conventions: the user named in the URL or the current one;
 * the keys of the agent at SSH_AUTH_SOCK, then an identity file given as an option, then the default
 * identities in ~/.ssh (id_ed25519, id_ecdsa, id_rsa) that need no passphrase; a password only when the
 * URL carries one. Host keys are checked against known_hosts (`known-hosts.ts`) before any of it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import ssh2, { type AuthMethod, type ConnectConfig } from 'ssh2';
import { verifyHostKey, type HostKeyVerdict } from './known-hosts.ts';

export interface SshLogin {
  host: string;
  port: number;
  username: string | undefined;
  password?: string | undefined;
  identityFile?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/**
 * ssh2's connect options for `login`, and `verdict()`, what the host key check found (so a refused
 * connection can say why).
 */
export function sshConnectConfig(login: SshLogin): { config: ConnectConfig; verdict: () => HostKeyVerdict } {
  const env = login.env ?? process.env;
  const username = login.username ?? userInfo().username;
  const methods: AuthMethod[] = [];
  if (env.SSH_AUTH_SOCK) methods.push({ type: 'agent', username, agent: env.SSH_AUTH_SOCK } as AuthMethod);
  const home = env.HOME ?? homedir();
  const files = [
    ...(login.identityFile ? [login.identityFile] : []),
    ...DEFAULT_IDENTITIES.map((name) => join(home, '.ssh', name)),
  ];
  for (const file of files) {
    const key = usableKey(file);
    if (key) methods.push({ type: 'publickey', username, key } as AuthMethod);
  }
  if (login.password !== undefined)
    methods.push({ type: 'password', username, password: login.password } as AuthMethod);
  let verdict: HostKeyVerdict = 'known';
  const config: ConnectConfig = {
    host: login.host,
    port: login.port,
    username,
    authHandler: methods,
    hostVerifier: (key: Buffer) => (verdict = verifyHostKey(login.host, login.port, key, env)) === 'known',
    readyTimeout: 20_000,
    keepaliveInterval: 15_000,
  };
  return { config, verdict: () => verdict };
}

/** The key in `file` when it exists and opens without a passphrase (ssh would prompt; Stowage cannot). */
function usableKey(file: string): Buffer | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const text = readFileSync(file);
    return ssh2.utils.parseKey(text) instanceof Error ? undefined : text;
  } catch {
    return undefined;
  }
}
