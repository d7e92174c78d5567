import { formatAge, formatBytes } from '../../core/units.ts';
import { parseVolumeQuery } from '../../inventory/volume-query.ts';
import { volumeJson } from '../../inventory/volume-json.ts';
import type { VolumeRecord } from '../../inventory/volume-record.ts';
import { parseFormat, renderFormat } from '../format.ts';
import { LS_FIELDS, lsRow } from '../format-rows.ts';
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
  format?: string;
}

export async function ls(session: CliSession, options: LsOptions): Promise<void> {
  const format = parseFormat(options.format);
  // Sizes cost a walk of every volume: measured only when shown (a template that reads .Size or .).
  const showsSize = format ? format.reads('Size') || format.reads('SizeBytes') : !options.quiet;
  const query = parseVolumeQuery({ ...options, sizes: options.size && showsSize });
  const records = await session.inventory().list(query);
  const { out } = session;
  if (options.json) return out.json(records.map(volumeJson));
  // As `docker volume ls`: a template wins over -q; no volumes, no lines.
  if (format) return out.formatted(renderFormat(format, records.map(lsRow), LS_FIELDS));
  if (options.quiet) return out.formatted(records.map((r) => `${r.name}\n`).join(''));
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
