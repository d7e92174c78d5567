import { VERSION } from '../../core/version.ts';
import type { CliSession } from '../session.ts';

export async function info(session: CliSession, options: { json?: boolean }): Promise<void> {
  const engine = session.engine();
  const details = await engine.info();
  const report = {
    stowageVersion: VERSION,
    endpoint: engine.endpoint,
    local: engine.local,
    dataDir: session.dataDir,
    engine: details,
  };
  if (options.json) return session.out.json(report);
  session.out.write(
    [
      `Stowage:     ${VERSION}`,
      `Engine:      ${engine.endpoint}${engine.local ? ' (local)' : ''}`,
      `Version:     Docker ${details.serverVersion}, API ${details.apiVersion}, ${details.os}`,
      // The reported ID alone may be shared by several engines: Stowage's key tells them apart.
      `Engine ID:   ${details.label} (key ${details.id}, reported ID ${details.reportedId})`,
      `Data folder: ${session.dataDir}`,
    ].join('\n'),
  );
}
