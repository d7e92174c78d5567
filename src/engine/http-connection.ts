/** Unix socket and TCP (optionally TLS) connections to an engine, with Node's http and https modules. */
import { readFileSync } from 'node:fs';
import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import type { Readable, Writable } from 'node:stream';
import type { EngineEndpoint } from './endpoint.ts';
import { transportError } from './engine-errors.ts';
import type { Connection } from './transport.ts';

export async function openHttpConnection(endpoint: EngineEndpoint): Promise<Connection> {
  const url = new URL(endpoint.url);
  const tls = endpoint.tls;
  let base: RequestOptions;
  let send = httpRequest;
  if (url.protocol === 'unix:') {
    base = { socketPath: decodeURIComponent(url.pathname), agent: new HttpAgent({ keepAlive: true }) };
  } else if (tls) {
    // Loaded only for TLS engines: the TLS stack is a noticeable part of start-up time.
    const https = await import('node:https');
    const read = (path: string | undefined) => (path ? readFileSync(path) : undefined);
    const agent = new https.Agent({
      keepAlive: true,
      ca: read(tls.caPath),
      cert: read(tls.certPath),
      key: read(tls.keyPath),
      rejectUnauthorized: tls.verify,
    });
    base = { host: url.hostname, port: Number(url.port || 2376), agent };
    send = https.request;
  } else {
    base = { host: url.hostname, port: Number(url.port || 2375), agent: new HttpAgent({ keepAlive: true }) };
  }
  const agent = base.agent as HttpAgent;
  return {
    request(method, path, body, headers, operation) {
      return new Promise<IncomingMessage>((resolve, reject) => {
        const request = send({ ...base, method, path, headers: { host: 'docker', ...headers } }, resolve);
        request.on('error', (error) => reject(transportError(error, endpoint, operation)));
        if (body === undefined) request.end();
        else if (Buffer.isBuffer(body)) request.end(body);
        else pipeBody(body, request, reject);
      });
    },
    close: () => agent.destroy(),
  };
}

function pipeBody(body: Readable, request: Writable, reject: (error: Error) => void): void {
  body.on('error', (error) => {
    request.destroy(error);
    reject(error);
  });
  body.pipe(request);
}
