/**
 * A second private dockerd that also listens on tcp://127.0.0.1:PORT with TLS verification, as a remote
 * engine protected the documented way would. Like scripts/private-engine.ts: its own data root, exec root,
 * socket and pidfile in a temporary folder, stopped by the pid in its pidfile.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureEngineInstalled, stopPrivateEngine } from '../../scripts/private-engine.ts';
import { freePort, listening, stopPid, waitFor, which } from './loopback.ts';
import type { TestCertificates } from './tls-certs.ts';

export interface TlsEngine {
  dir: string;
  port: number;
  /** `tcp://127.0.0.1:PORT`: TLS only, client certificate required. */
  tcpHost: string;
  /** `unix://…/docker.sock`: the same engine without TLS, for setting up and checking. */
  unixHost: string;
  stop(): Promise<void>;
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export async function startTlsEngine(certs: TestCertificates): Promise<TlsEngine> {
  ensureEngineInstalled();
  // Short path: a unix socket path must stay under 108 bytes.
  const dir = mkdtempSync(join(tmpdir(), 'stwg-tls-'));
  const socket = join(dir, 'docker.sock');
  const port = await freePort();
  const logFile = join(dir, 'dockerd.log');
  const log = openSync(logFile, 'a');
  const child = spawn(
    which('dockerd')!,
    [
      '--data-root',
      join(dir, 'root'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'pid'),
      '-H',
      `unix://${socket}`,
      '-H',
      `tcp://127.0.0.1:${port}`,
      '--tlsverify',
      '--tlscacert',
      certs.server.ca,
      '--tlscert',
      certs.server.cert,
      '--tlskey',
      certs.server.key,
      '--iptables=false',
      '--bridge=none',
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  child.unref();
  try {
    await waitFor(
      'the TLS engine',
      async () => (await ping(socket)) && (await listening(port)),
      () => child.exitCode !== null,
      () => `see ${logFile}:\n${readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n')}`,
    );
  } catch (error) {
    await stopPid(child.pid); // it may have failed before writing its pidfile
    await stopPrivateEngine(dir);
    throw error;
  }
  return {
    dir,
    port,
    tcpHost: `tcp://127.0.0.1:${port}`,
    unixHost: `unix://${socket}`,
    stop: () => stopPrivateEngine(dir),
  };
}
