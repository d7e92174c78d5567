/**
 * `ssh://user@host` engines through docker-modem, which runs `docker system dial-stdio` on the remote
 * host over ssh2 (authenticating with the ssh agent, as the docker CLI does). Loaded only for ssh.
 */
import type { IncomingMessage } from 'node:http';
import DockerModem from 'docker-modem';
import type { EngineEndpoint } from './endpoint.ts';
import { transportError } from './engine-errors.ts';
import type { Connection } from './transport.ts';

export function openSshConnection(endpoint: EngineEndpoint): Connection {
  const url = new URL(endpoint.url);
  // Every key is set: docker-modem merges our options over what it reads from DOCKER_HOST itself.
  const modem = new DockerModem({
    socketPath: undefined,
    version: undefined,
    protocol: 'ssh',
    host: url.hostname,
    port: url.port || 22,
    username: decodeURIComponent(url.username) || undefined,
    sshOptions: { agent: process.env.SSH_AUTH_SOCK },
  });
  return {
    request(method, path, body, headers, operation) {
      // Every status is "expected" here: the transport above reads error bodies itself.
      const statusCodes = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [i + 100, true]));
      const options: DockerModem.DialOptions = {
        path,
        method,
        headers,
        isStream: true,
        statusCodes,
        options: {},
      };
      if (body !== undefined) options.file = body;
      return new Promise<IncomingMessage>((resolve, reject) => {
        modem.dial(options, (error, response) => {
          if (error) reject(transportError(error, endpoint, operation));
          else resolve(response as IncomingMessage);
        });
      });
    },
    close: () => undefined,
  };
}
