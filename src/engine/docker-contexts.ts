/**
 * Reads the Docker CLI's context store (`~/.docker/contexts`), so `--context NAME` reaches the same engine
 * as `docker --context NAME`. Layout: meta/<sha256(name)>/meta.json and tls/<sha256(name)>/docker/*.pem.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { notFound, invalid } from '../core/errors.ts';
import type { TlsFiles } from './endpoint.ts';

type Env = Record<string, string | undefined>;

export interface DockerContext {
  name: string;
  host: string;
  tls: TlsFiles | undefined;
}

interface ContextMeta {
  Name?: string;
  Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
}

const configDir = (env: Env) => env.DOCKER_CONFIG || join(homedir(), '.docker');
// node:crypto is fetched on use: loading it costs more start-up time than most commands need.
const contextDigest = (name: string) =>
  process.getBuiltinModule('node:crypto').createHash('sha256').update(name).digest('hex');

/** The CLI's `currentContext` from config.json, or undefined. */
export function currentContextName(env: Env): string | undefined {
  const file = join(configDir(env), 'config.json');
  if (!existsSync(file)) return undefined;
  try {
    const config = JSON.parse(readFileSync(file, 'utf8')) as { currentContext?: unknown };
    return typeof config.currentContext === 'string' ? config.currentContext : undefined;
  } catch {
    return undefined; // a broken CLI config must not stop Stowage; the docker CLI reports it itself
  }
}

/** @throws StowageError 'not-found' naming the contexts that exist. */
export function readContext(name: string, env: Env): DockerContext {
  const root = join(configDir(env), 'contexts');
  const digest = contextDigest(name);
  const metaFile = join(root, 'meta', digest, 'meta.json');
  if (!existsSync(metaFile)) {
    const known = listContextNames(root);
    throw notFound(
      `context "${name}" does not exist`,
      known.length ? `known contexts: ${known.join(', ')}` : 'create one with `docker context create`',
    );
  }
  const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as ContextMeta;
  const endpoint = meta.Endpoints?.docker;
  if (!endpoint?.Host) throw invalid(`context "${name}" has no docker endpoint`);
  const tlsDir = join(root, 'tls', digest, 'docker');
  const tls = existsSync(tlsDir) ? readTls(tlsDir, !endpoint.SkipTLSVerify) : undefined;
  return { name, host: endpoint.Host, tls };
}

function readTls(dir: string, verify: boolean): TlsFiles {
  const tls: TlsFiles = { verify };
  const files = { caPath: 'ca.pem', certPath: 'cert.pem', keyPath: 'key.pem' } as const;
  for (const [key, file] of Object.entries(files) as [keyof typeof files, string][]) {
    if (existsSync(join(dir, file))) tls[key] = join(dir, file);
  }
  return tls;
}

function listContextNames(root: string): string[] {
  const metaRoot = join(root, 'meta');
  if (!existsSync(metaRoot)) return [];
  return readdirSync(metaRoot).flatMap((digest) => {
    try {
      const meta = JSON.parse(readFileSync(join(metaRoot, digest, 'meta.json'), 'utf8')) as ContextMeta;
      return meta.Name ? [meta.Name] : [];
    } catch {
      return [];
    }
  });
}
