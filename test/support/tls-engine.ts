/**
 * A second private dockerd that also listens on tcp://127.0.0.1:PORT with TLS verification, as a remote
 * engine protected the documented way would. Like scripts/private-engine.ts: its own data root, exec root,
 * socket and pidfile in a temporary folder (it is one, with a TLS listener added), stopped by its pidfile.
 */
import { startPrivateEngine } from '../../scripts/private-engine.ts';
import { freePort, listening, waitFor } from './loopback.ts';
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

export async function startTlsEngine(certs: TestCertificates): Promise<TlsEngine> {
  const port = await freePort();
  const engine = await startPrivateEngine({
    extraArgs: [
      '-H',
      `tcp://127.0.0.1:${port}`,
      '--tlsverify',
      '--tlscacert',
      certs.server.ca,
      '--tlscert',
      certs.server.cert,
      '--tlskey',
      certs.server.key,
    ],
  });
  try {
    await waitFor(
      'the TLS listener',
      () => listening(port),
      () => false,
      () => `see ${engine.dir}/dockerd.log`,
    );
  } catch (error) {
    await engine.stop();
    throw error;
  }
  return {
    dir: engine.dir,
    port,
    tcpHost: `tcp://127.0.0.1:${port}`,
    unixHost: engine.host,
    stop: () => engine.stop(),
  };
}
