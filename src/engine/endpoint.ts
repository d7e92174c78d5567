/**
 * Where the engine is. Resolved like the Docker CLI does, as an ordered list of strategies:
 * `--host`, `--context`, `DOCKER_HOST`, `DOCKER_CONTEXT`, the CLI's current context, the default socket.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { invalid } from '../core/errors.ts';
import { readContext, currentContextName } from './docker-contexts.ts';

export interface TlsFiles {
  caPath?: string;
  certPath?: string;
  keyPath?: string;
  verify: boolean;
}

export interface EngineEndpoint {
  /** As the user would write it: `unix:///var/run/docker.sock`, `tcp://h:2376`, `ssh://u@h`. */
  url: string;
  /** What chose it, for messages: `--host`, `context "prod"`, `DOCKER_HOST`, `default`. */
  source: string;
  tls: TlsFiles | undefined;
}

export interface EndpointChoice {
  host?: string | undefined;
  context?: string | undefined;
}

type Env = Record<string, string | undefined>;

const DEFAULT_SOCKET = 'unix:///var/run/docker.sock';

/** @throws StowageError 'invalid' for conflicting flags, a malformed host or an unknown context. */
export function resolveEndpoint(choice: EndpointChoice, env: Env = process.env): EngineEndpoint {
  if (choice.host && choice.context) {
    throw invalid('conflicting options: either specify --host or --context, not both');
  }
  if (choice.host) return fromHost(choice.host, '--host', env);
  // "default" is the docker CLI's built-in context (DOCKER_HOST or the default socket); it has no meta.json.
  if (choice.context && choice.context !== 'default') return fromContext(choice.context, env);
  if (env.DOCKER_HOST) return fromHost(env.DOCKER_HOST, 'DOCKER_HOST', env);
  if (choice.context === 'default') return { url: defaultSocket(), source: 'default', tls: undefined };
  const named = env.DOCKER_CONTEXT || currentContextName(env);
  if (named && named !== 'default') return fromContext(named, env);
  return { url: defaultSocket(), source: 'default', tls: undefined };
}

function defaultSocket(): string {
  // Docker Desktop and rootless installs put the socket under the home folder.
  const desktop = join(homedir(), '.docker', 'run', 'docker.sock');
  return existsSync(desktop) ? `unix://${desktop}` : DEFAULT_SOCKET;
}

function fromHost(raw: string, source: string, env: Env): EngineEndpoint {
  const url = normaliseHost(raw);
  const scheme = url.slice(0, url.indexOf('://'));
  if (scheme !== 'tcp') return { url, source, tls: undefined };
  const certDir = env.DOCKER_CERT_PATH || join(homedir(), '.docker');
  const verify = Boolean(env.DOCKER_TLS_VERIFY);
  const useTls = verify || Boolean(env.DOCKER_TLS) || url.endsWith(':2376');
  const tls = useTls
    ? existing(
        {
          caPath: join(certDir, 'ca.pem'),
          certPath: join(certDir, 'cert.pem'),
          keyPath: join(certDir, 'key.pem'),
        },
        verify,
      )
    : undefined;
  return { url, source, tls };
}

function existing(paths: Omit<TlsFiles, 'verify'>, verify: boolean): TlsFiles {
  const tls: TlsFiles = { verify };
  for (const key of ['caPath', 'certPath', 'keyPath'] as const) {
    const path = paths[key];
    if (path && existsSync(path)) tls[key] = path;
  }
  return tls;
}

function fromContext(name: string, env: Env): EngineEndpoint {
  const context = readContext(name, env);
  const url = normaliseHost(context.host);
  return { url, source: `context "${name}"`, tls: url.startsWith('tcp://') ? context.tls : undefined };
}

/** Accepts what `docker -H` accepts: `unix:///p`, `tcp://h:p`, `ssh://u@h`, bare `h:p`, `/path.sock`. */
export function normaliseHost(raw: string): string {
  const host = raw.trim();
  if (host.startsWith('/')) return `unix://${host}`;
  if (!host.includes('://')) return `tcp://${host}`;
  const scheme = host.slice(0, host.indexOf('://'));
  if (scheme === 'http' || scheme === 'https') return `tcp://${host.slice(scheme.length + 3)}`;
  if (!['unix', 'tcp', 'ssh', 'npipe'].includes(scheme)) {
    throw invalid(
      `invalid engine address "${raw}": unsupported scheme "${scheme}"`,
      'use unix:///path/docker.sock, tcp://HOST:PORT or ssh://USER@HOST',
    );
  }
  if (scheme === 'unix' && host.length === 'unix://'.length) return DEFAULT_SOCKET;
  return host;
}
