/**
 * Docker's volume plugin protocol over HTTP on a unix socket: POST /Plugin.Activate and
 * /VolumeDriver.{Create,Remove,Mount,Unmount,Path,Get,List,Capabilities}, PascalCase JSON, an `Err` in
 * every reply, content type `application/vnd.docker.plugins.v1.2+json`. node:http, not fastify: the engine
 * sends bodies under its own content type (and `null` for empty requests), the routes are nine fixed
 * names, and nothing else (schemas, hooks, OpenAPI) would be used; this file is the whole server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isStowageError } from '../core/errors.ts';
import type { VolumeDriver } from './volume-driver.ts';

export const PLUGIN_CONTENT_TYPE = 'application/vnd.docker.plugins.v1.2+json';

interface Request {
  Name?: unknown;
  Opts?: unknown;
  ID?: unknown;
}

type Handler = (
  driver: VolumeDriver,
  body: Request,
) => Promise<Record<string, unknown>> | Record<string, unknown>;

const name = (body: Request) => {
  if (typeof body.Name !== 'string' || !body.Name) throw new TypeError('Name is missing');
  return body.Name;
};
const id = (body: Request) => (typeof body.ID === 'string' ? body.ID : '');

/** Options arrive as strings; anything else is refused rather than silently turned into "[object Object]". */
function opts(body: Request): Record<string, string> {
  if (body.Opts === undefined || body.Opts === null) return {};
  if (typeof body.Opts !== 'object') throw new TypeError('Opts is not an object');
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(body.Opts)) {
    if (typeof value !== 'string') throw new TypeError(`option ${key} is not a string`);
    result[key] = value;
  }
  return result;
}

const ROUTES: Record<string, Handler> = {
  '/Plugin.Activate': () => ({ Implements: ['VolumeDriver'] }),
  '/VolumeDriver.Capabilities': () => ({ Capabilities: { Scope: 'local' } }),
  '/VolumeDriver.Create': async (driver, body) => (await driver.create(name(body), opts(body)), {}),
  '/VolumeDriver.Remove': async (driver, body) => (await driver.remove(name(body)), {}),
  '/VolumeDriver.Mount': async (driver, body) => ({ Mountpoint: await driver.mount(name(body), id(body)) }),
  '/VolumeDriver.Unmount': async (driver, body) => (await driver.unmount(name(body), id(body)), {}),
  '/VolumeDriver.Path': (driver, body) => ({ Mountpoint: driver.path(name(body)) }),
  '/VolumeDriver.Get': async (driver, body) => {
    const volume = await driver.get(name(body));
    return {
      Volume: {
        Name: volume.name,
        Mountpoint: volume.mountpoint,
        CreatedAt: volume.createdAt,
        Status: volume.status,
      },
    };
  },
  '/VolumeDriver.List': (driver) => ({
    Volumes: driver.list().map((v) => ({ Name: v.name, Mountpoint: v.mountpoint, CreatedAt: v.createdAt })),
  }),
};

/** The text the engine shows after "VolumeDriver.X: ": the message, then what to do. */
export function errorText(error: unknown): string {
  if (isStowageError(error)) return error.hint ? `${error.message} (${error.hint})` : error.message;
  if (error instanceof TypeError) return `bad request: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

function reply(response: ServerResponse, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': PLUGIN_CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1024 * 1024) throw new TypeError('request body over 1 MiB');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text || text === 'null') return {};
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new TypeError('body is not a JSON object');
  return parsed;
}

/**
 * A server answering the protocol for `driver`. Errors from the driver are answered with status 200 and
 * `Err` (the protocol's documented way; the engine reads `Err` on any status); an unknown endpoint is 404
 * and a body that is not JSON is 400, both with `Err` too.
 */
export function createProtocolServer(driver: VolumeDriver, log?: (line: string) => void): Server {
  return createServer((request, response) => {
    const route = request.method === 'POST' ? ROUTES[request.url ?? ''] : undefined;
    if (!route) {
      request.resume();
      return reply(response, 404, {
        Err: `${request.method} ${request.url}: no such endpoint of the volume plugin protocol`,
      });
    }
    readBody(request).then(
      async (body) => {
        try {
          reply(response, 200, { Err: '', ...(await route(driver, body)) });
        } catch (error) {
          log?.(`${request.url}: ${errorText(error)}`);
          reply(response, 200, { Err: errorText(error) });
        }
      },
      (error: unknown) => reply(response, 400, { Err: `bad request: ${(error as Error).message}` }),
    );
  });
}
