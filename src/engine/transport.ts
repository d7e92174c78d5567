/**
 * HTTP to one engine. Unix sockets and TCP (with or without TLS) go through Node's own http/https
 * modules; `ssh://` goes through docker-modem (dockerode's transport), loaded only for ssh because it
 * pulls in an SSH stack that would slow every start-up. See docs/decisions.md.
 * Negotiates the API version once, like the Docker CLI, and turns every failure into a StowageError.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { EngineEndpoint } from './endpoint.ts';
import { engineError } from './engine-errors.ts';
import { openHttpConnection } from './http-connection.ts';
import type { VersionCache } from './version-cache.ts';

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

/** One raw HTTP exchange: resolves with the response whatever its status; rejects on transport failure. */
export interface Connection {
  request(
    method: string,
    path: string,
    body: Buffer | Readable | undefined,
    headers: Record<string, string>,
    operation: string,
  ): Promise<IncomingMessage>;
  close(): void;
}

export class Transport {
  readonly endpoint: EngineEndpoint;
  #connection: Promise<Connection> | undefined;
  #version: Promise<string> | undefined;

  readonly #cache: VersionCache | undefined;
  #negotiated = false;

  constructor(endpoint: EngineEndpoint, cache?: VersionCache) {
    this.endpoint = endpoint;
    this.#cache = cache;
  }

  /** The negotiated API version (`1.41`); remembered from an earlier run, or asked with a ping. */
  apiVersion(): Promise<string> {
    const remembered = this.#cache?.get(this.endpoint.url);
    this.#version ??= remembered ? Promise.resolve(remembered) : this.#negotiate();
    return this.#version;
  }

  async json<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const response = await this.#send(method, path, options);
    const text = await readBody(response);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A response body as a stream (archives, events). */
  stream(method: string, path: string, options: RequestOptions): Promise<IncomingMessage> {
    return this.#send(method, path, options);
  }

  /** Sends `body` as the request body (`PUT /containers/{id}/archive`) and waits for the answer. */
  async upload(path: string, body: Readable, options: RequestOptions): Promise<void> {
    const response = await this.streamUpload('PUT', path, body, options);
    await readBody(response);
  }

  /** Sends a tar body and returns the response stream (`POST /images/create?fromSrc=-` reports progress). */
  streamUpload(
    method: string,
    path: string,
    body: Readable,
    options: RequestOptions,
  ): Promise<IncomingMessage> {
    return this.#send(method, path, options, body, 'application/x-tar');
  }

  close(): void {
    void this.#connection?.then((connection) => connection.close());
    this.#connection = undefined;
  }

  async #negotiate(): Promise<string> {
    this.#negotiated = true;
    const connection = await this.#connect();
    const response = await connection.request('GET', '/_ping', undefined, {}, 'connect to the engine');
    response.resume();
    const server = response.headers['api-version'];
    const serverVersion = typeof server === 'string' ? server : MIN_API_VERSION;
    const version = compareVersions(serverVersion, MAX_API_VERSION) < 0 ? serverVersion : MAX_API_VERSION;
    this.#cache?.set(this.endpoint.url, version);
    return version;
  }

  async #send(
    method: string,
    path: string,
    options: RequestOptions,
    upload?: Readable,
    contentType?: string,
  ): Promise<IncomingMessage> {
    // An upload cannot be sent twice, so it never relies on a remembered version.
    if (upload && !this.#negotiated) this.#version = this.#negotiate();
    const [version, connection] = await Promise.all([this.apiVersion(), this.#connect()]);
    const query = toQueryString(options.query);
    const headers: Record<string, string> = {};
    let body: Buffer | Readable | undefined = upload;
    if (upload && contentType) headers['content-type'] = contentType;
    if (options.body !== undefined) {
      body = Buffer.from(JSON.stringify(options.body));
      headers['content-type'] = 'application/json';
    }
    const response = await connection.request(
      method,
      `/v${version}${path}${query}`,
      body,
      headers,
      options.operation,
    );
    const status = response.statusCode ?? 0;
    // 304: the container was already started or stopped, which is what the caller wanted.
    if ((status >= 200 && status < 300) || status === 304) return response;
    const message = errorMessage(await readBody(response));
    // A remembered version the engine no longer speaks (it was upgraded or replaced): negotiate, retry once.
    if (status === 400 && /client version .* is too (old|new)/i.test(message) && !upload) {
      this.#version = this.#negotiate();
      if ((await this.#version) !== version) return this.#send(method, path, options, upload, contentType);
    }
    throw engineError(status, message, options.operation);
  }

  #connect(): Promise<Connection> {
    this.#connection ??= this.endpoint.url.startsWith('ssh://')
      ? import('./ssh-connection.ts').then((ssh) => ssh.openSshConnection(this.endpoint))
      : openHttpConnection(this.endpoint);
    return this.#connection;
  }
}

/** Docker's query encoding: arrays as repeated keys, objects (filters) as JSON, booleans as 1/0. */
function toQueryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const item of value as unknown[]) params.append(key, String(item));
      continue;
    }
    params.set(
      key,
      typeof value === 'object'
        ? JSON.stringify(value)
        : typeof value === 'boolean'
          ? value
            ? '1'
            : '0'
          : String(value),
    );
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function readBody(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function errorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: the engine (or a proxy in front of it) answered in plain text
  }
  return body.trim() || 'no error message';
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
