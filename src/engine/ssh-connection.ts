/**
 * `ssh://user@host` engines through docker-modem's ssh agent, which runs `docker system dial-stdio` on the
 * remote host over ssh2 (authenticating with the ssh agent, as the docker CLI does). Loaded only for ssh.
 *
 * Requests are sent with Node's http over that agent, as for sockets and TCP. docker-modem's own
 * `Modem.dial` is not used: it cuts the last character off a path that carries a query, labels every
 * body `application/tar` (the engine refuses JSON sent so) and prints a deprecation warning per request
 * for an address with a port.
 */
import { request as httpRequest, type Agent, type IncomingMessage } from 'node:http';
import { userInfo } from 'node:os';
import type { Readable, Writable } from 'node:stream';
// @ts-expect-error docker-modem ships no types for its ssh agent; its shape is declared below.
import untypedSshAgent from 'docker-modem/lib/ssh.js';
import { StowageError } from '../core/errors.ts';
import type { EngineEndpoint } from './endpoint.ts';
import { hostKeyRefusal, verifyHostKey, type HostKeyVerdict } from '../ssh/known-hosts.ts';
import { transportError } from './engine-errors.ts';
import type { Connection } from './transport.ts';

/** What docker-modem's ssh agent passes to ssh2's `Client.connect`. */
interface SshTarget {
  host: string;
  port: number;
  username: string;
  agent: string | undefined;
  /** ssh2 calls it with the server's key blob; false refuses the connection. */
  hostVerifier: (key: Buffer) => boolean;
}

/** An http.Agent whose one socket is an ssh session running `docker system dial-stdio`. */
const sshAgent = untypedSshAgent as (target: SshTarget) => Agent;

export function openSshConnection(endpoint: EngineEndpoint): Connection {
  const url = new URL(endpoint.url);
  const host = url.hostname;
  const port = Number(url.port || 22);
  let hostKey: HostKeyVerdict = 'known';
  const target: SshTarget = {
    host,
    port,
    hostVerifier: (key) => (hostKey = verifyHostKey(host, port, key)) === 'known',
    // As ssh does when the address names no user: the current one.
    username: decodeURIComponent(url.username) || userInfo().username,
    agent: process.env.SSH_AUTH_SOCK,
  };
  return {
    request(method, path, body, headers, operation) {
      return new Promise<IncomingMessage>((resolve, reject) => {
        // One ssh session per request, as docker-modem does: its agent carries a single socket.
        const request = httpRequest(
          { agent: sshAgent(target), method, path, headers: { host: 'docker', ...headers } },
          resolve,
        );
        request.on('error', (error) =>
          reject(
            hostKeyError(hostKey, target, endpoint, operation, error) ??
              sshError(error, target, endpoint, operation) ??
              transportError(error, endpoint, operation),
          ),
        );
        if (body === undefined) request.end();
        else if (Buffer.isBuffer(body)) request.end(body);
        else pipeBody(body, request, reject);
      });
    },
    close: () => undefined,
  };
}

/** The connection was refused because of the server's key: say which way, and what to check. */
function hostKeyError(
  verdict: HostKeyVerdict,
  target: SshTarget,
  endpoint: EngineEndpoint,
  operation: string,
  cause: Error,
): StowageError | undefined {
  if (verdict === 'known') return undefined;
  const { problem, hint } = hostKeyRefusal(verdict, target.host, target.port, target.username);
  const message = `cannot ${operation}: ${problem}`;
  return new StowageError('unreachable', `${message} (${endpoint.url}, from ${endpoint.source})`, {
    hint,
    cause,
  });
}

/** ssh2 marks a refused login with `level: 'client-authentication'`; the generic hint would mislead. */
function sshError(
  error: Error,
  target: SshTarget,
  endpoint: EngineEndpoint,
  operation: string,
): StowageError | undefined {
  if ((error as { level?: unknown }).level !== 'client-authentication') return undefined;
  return new StowageError(
    'unreachable',
    `cannot ${operation}: ssh login as ${target.username} refused at ${endpoint.url} (from ${endpoint.source})`,
    {
      hint: target.agent
        ? 'Stowage logs in with the keys of the ssh agent at SSH_AUTH_SOCK: add the right one with `ssh-add`'
        : 'Stowage logs in with the keys of an ssh agent, and SSH_AUTH_SOCK is not set: start one (`eval $(ssh-agent)`) and `ssh-add` your key',
      cause: error,
    },
  );
}

function pipeBody(body: Readable, request: Writable, reject: (error: Error) => void): void {
  body.on('error', (error) => {
    request.destroy(error);
    reject(error);
  });
  body.pipe(request);
}
