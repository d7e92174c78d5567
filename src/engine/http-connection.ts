/** Unix socket and TCP (optionally TLS) connections to an engine, with Node's http and https modules. */
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
// https' options are http's plus TLS ones (servername); a type import loads nothing.
import type { RequestOptions } from 'node:https';
import { isIP } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { StowageError } from '../core/errors.ts';
import type { EngineEndpoint, TlsFiles } from './endpoint.ts';
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
    // The certificate is checked against the engine's address, not the Host header ("docker") sent below;
    // an IP address is not a valid SNI name, so it is checked without one.
    const servername = isIP(url.hostname) ? '' : url.hostname;
    base = { host: url.hostname, port: Number(url.port || 2376), agent, servername };
    send = https.request;
  } else {
    base = { host: url.hostname, port: Number(url.port || 2375), agent: new HttpAgent({ keepAlive: true }) };
  }
  const agent = base.agent as HttpAgent;
  return {
    request(method, path, body, headers, operation) {
      return new Promise<IncomingMessage>((resolve, reject) => {
        const request = send(
          { ...base, method, path, headers: { host: 'docker', ...headers } },
          (response) => {
            if (!tls && url.protocol === 'tcp:' && answeredLikeHttps(response)) {
              response.resume();
              reject(tlsRequired(endpoint, operation));
            } else resolve(response);
          },
        );
        request.on('error', (error) =>
          reject(
            (tls && tlsError(error, tls, endpoint, operation)) || transportError(error, endpoint, operation),
          ),
        );
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

const where = (endpoint: EngineEndpoint) => `${endpoint.url} (from ${endpoint.source})`;

/**
 * Go's HTTPS server answers a plain HTTP request with a bare `HTTP/1.0 400` ("Client sent an HTTP request
 * to an HTTPS server."); the engine itself always answers HTTP/1.1 with an Api-Version header.
 */
function answeredLikeHttps(response: IncomingMessage): boolean {
  return (
    response.statusCode === 400 &&
    response.httpVersion === '1.0' &&
    response.headers['api-version'] === undefined
  );
}

function tlsRequired(endpoint: EngineEndpoint, operation: string): StowageError {
  return new StowageError(
    'unreachable',
    `cannot ${operation}: ${where(endpoint)} only speaks TLS, and no TLS settings were given`,
    {
      hint: 'set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to a folder with ca.pem, cert.pem and key.pem, or use a context made with `docker context create NAME --docker host=…,ca=…,cert=…,key=…`',
    },
  );
}

/** A TLS handshake failure, said as such (OpenSSL's own text is several lines long), or undefined. */
function tlsError(
  error: Error,
  tls: TlsFiles,
  endpoint: EngineEndpoint,
  operation: string,
): StowageError | undefined {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (/ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|CERTIFICATE_UNKNOWN)$/.test(code)) {
    const [problem, hint] = tls.certPath
      ? [
          `the engine refused the client certificate ${tls.certPath}`,
          'the engine accepts certificates signed by its --tlscacert only',
        ]
      : [
          'the engine requires a client certificate and none was found',
          'put cert.pem and key.pem in DOCKER_CERT_PATH, or use a context made with cert= and key=',
        ];
    return new StowageError('unreachable', `cannot ${operation}: ${problem}, at ${where(endpoint)}`, {
      hint,
      cause: error,
    });
  }
  if (!/CERT|SIGNATURE|ISSUER|ALTNAME|HOSTNAME|UNTRUSTED|INVALID_CA|INVALID_PURPOSE/.test(code))
    return undefined;
  // Node suggests its own --use-system-ca flag, which means nothing to a Stowage user.
  const reason = error.message.split(';')[0]!.split('\n')[0]!;
  return new StowageError(
    'unreachable',
    `cannot ${operation}: TLS verification failed for ${where(endpoint)}: ${reason}`,
    {
      hint: tls.caPath
        ? `the engine's certificate must be issued for this address by the CA in ${tls.caPath}: check DOCKER_CERT_PATH or the context's ca=`
        : 'no ca.pem was found: set DOCKER_CERT_PATH to a folder with ca.pem, cert.pem and key.pem',
      cause: error,
    },
  );
}
