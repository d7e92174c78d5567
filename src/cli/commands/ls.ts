import { formatAge, formatBytes } from '../../core/units.ts';
import { parseVolumeQuery } from '../../inventory/volume-query.ts';
import { volumeJson } from '../../inventory/volume-json.ts';
import type { VolumeRecord } from '../../inventory/volume-record.ts';
import type { CliSession } from '../session.ts';

export interface LsOptions {
  filter?: string[];
  unused?: boolean;
  anonymous?: boolean;
  largerThan?: string;
  olderThan?: string;
  sort?: string;
  size: boolean;
  quiet?: boolean;
  json?: boolean;
}

export async function ls(session: CliSession, options: LsOptions): Promise<void> {
  const query = parseVolumeQuery({ ...options, sizes: options.size && !options.quiet });
  const records = await session.inventory().list(query);
  const { out } = session;
  if (options.json) return out.json(records.map(volumeJson));
  if (options.quiet) return out.write(records.map((r) => r.name).join('\n'));
  const now = Date.now();
  const sizeColumn = query.sizes ? ['SIZE'] : [];
  out.table(
    ['VOLUME', 'DRIVER', 'SCOPE', ...sizeColumn, 'CONTAINERS', 'STATUS', 'KIND', 'PROJECT', 'CREATED'],
    records.map((r) => [
      out.volumeName(r.name),
      r.driver,
      r.scope,
      ...(query.sizes
        ? [r.sizeBytes === null || r.sizeBytes === undefined ? 'n/a' : formatBytes(r.sizeBytes)]
        : []),
      containersCell(r),
      r.status + (r.protected ? ' (protected)' : ''),
      r.anonymous ? 'anonymous' : 'named',
      r.composeProject ?? '',
      r.createdAt ? `${formatAge(now - Date.parse(r.createdAt))} ago` : 'unknown',
    ]),
    // The name identifies the volume: the project gives way first, then the name, in its middle.
    { cut: ['PROJECT', 'VOLUME'], middle: ['VOLUME'] },
  );
}

function containersCell(record: VolumeRecord): string {
  if (record.users.length === 0) return '0';
  const running = record.users.filter((u) => u.running).length;
  return `${record.users.length} (${running} running)`;
}
