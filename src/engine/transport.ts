/**
 * HTTP to one engine, over docker-modem (dockerode's transport: unix sockets, TCP+TLS, ssh with
 * `docker system dial-stdio`). Negotiates the API version once, like the Docker CLI, and turns every
 * failure into a classified StowageError. Only this file knows docker-modem exists.
 */
import { Agent as HttpsAgent } from 'node:https';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import DockerModem from 'docker-modem';
import type { EngineEndpoint } from './endpoint.ts';
import { engineError, transportError } from './engine-errors.ts';

/** The newest API version whose behaviour Stowage knows; newer engines are spoken to at this version. */
export const MAX_API_VERSION = '1.47';
/** Docker 20.10, the oldest engine Stowage supports. */
export const MIN_API_VERSION = '1.41';

export type Query = Record<string, string | number | boolean | object | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** What the request is doing, for error messages: `inspect volume "x"`. */
  operation: string;
}

const OK = { 200: true, 201: true, 204: true, 304: true } as const;

export class Transport {
  readonly endpoint: EngineEndpoint;
  #modem: DockerModem | undefined;
  #version: Promise<string> | undefined;

  constructor(endpoint: EngineEndpoint) {
    this.endpoint = endpoint;
  }

  /** The negotiated API version (`1.41`); pings the engine on first use. */
  apiVersion(): Promise<string> {
    this.#version ??= this.#negotiate();
    return this.#version;
  }

  async json<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const version = await this.apiVersion();
    return this.#dial<T>({ method, path, version, options, stream: false });
  }

  /** A response body as a stream (archives, events). */
  async stream(method: string, path: string, options: RequestOptions): Promise<IncomingMessage> {
    const version = await this.apiVersion();
    return this.#dial<IncomingMessage>({ method, path, version, options, stream: true });
  }

  /** Sends `body` as the request body (`PUT /containers/{id}/archive`). */
  async upload(path: string, body: Readable, options: RequestOptions): Promise<void> {
    const version = await this.apiVersion();
    await this.#dial<unknown>({ method: 'PUT', path, version, options, stream: false, file: body });
  }

  close(): void {
    this.#modem = undefined;
  }

  async #negotiate(): Promise<string> {
    const response = await this.#dial<IncomingMessage>({
      method: 'GET',
      path: '/_ping',
      version: undefined,
      options: { operation: 'connect to the engine' },
      stream: true,
    });
    response.resume();
    const server = response.headers['api-version'];
    const serverVersion = typeof server === 'string' ? server : MIN_API_VERSION;
    return compareVersions(serverVersion, MAX_API_VERSION) < 0 ? serverVersion : MAX_API_VERSION;
  }

  #dial<T>(request: {
    method: string;
    path: string;
    version: string | undefined;
    options: RequestOptions;
    stream: boolean;
    file?: Readable;
  }): Promise<T> {
    const { method, path, version, options, stream, file } = request;
    const modem = this.#connect();
    const hasQuery = options.query !== undefined && Object.keys(options.query).length > 0;
    const prefixed = (version ? `/v${version}` : '') + path + (hasQuery ? '?' : '');
    const dialOptions: DockerModem.DialOptions = {
      path: prefixed,
      method,
      statusCodes: OK,
      isStream: stream,
      options: { _query: stripUndefined(options.query ?? {}), _body: options.body },
    };
    if (file) dialOptions.file = file;
    if (options.body !== undefined && method === 'POST') dialOptions.allowEmpty = true;
    return new Promise<T>((resolve, reject) => {
      modem.dial(dialOptions, (error, result) => {
        if (!error) return resolve(result as T);
        const status = (error as { statusCode?: number }).statusCode;
        reject(
          status
            ? engineError(status, messageOf(error), options.operation)
            : transportError(error, this.endpoint, options.operation),
        );
      });
    });
  }

  #connect(): DockerModem {
    this.#modem ??= new DockerModem(modemOptions(this.endpoint));
    return this.#modem;
  }
}

function modemOptions(endpoint: EngineEndpoint): DockerModem.ConstructorOptions {
  // Every key is set: docker-modem merges our options over what it reads from DOCKER_HOST itself.
  const base = { socketPath: undefined, host: undefined, port: undefined, version: undefined };
  const url = new URL(endpoint.url);
  switch (url.protocol) {
    case 'unix:':
      return { ...base, socketPath: decodeURIComponent(url.pathname) };
    case 'ssh:':
      return {
        ...base,
        protocol: 'ssh',
        host: url.hostname,
        port: url.port || 22,
        username: decodeURIComponent(url.username) || undefined,
        sshOptions: { agent: process.env.SSH_AUTH_SOCK },
      };
    default: {
      const tls = endpoint.tls;
      if (!tls) return { ...base, protocol: 'http', host: url.hostname, port: url.port || 2375 };
      const read = (path: string | undefined) => (path ? readFileSync(path) : undefined);
      const agent = new HttpsAgent({
        ca: read(tls.caPath),
        cert: read(tls.certPath),
        key: read(tls.keyPath),
        rejectUnauthorized: tls.verify,
        keepAlive: true,
      });
      return { ...base, protocol: 'https', host: url.hostname, port: url.port || 2376, agent };
    }
  }
}

function messageOf(error: Error): string {
  const json = (error as { json?: unknown }).json;
  if (json && typeof json === 'object' && 'message' in json) return String(json.message);
  if (Buffer.isBuffer(json)) return json.toString().trim();
  return error.message.replace(/^\(HTTP code \d+\) \w+ - /, '').trim();
}

function stripUndefined(query: Query): Query {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
}

/** Compares dotted versions numerically: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
