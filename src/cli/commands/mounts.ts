import { formatBytes } from '../../core/units.ts';
import { listMounts, sharedVolumes } from '../../inventory/mount-listing.ts';
import { parseFormat, renderFormat } from '../format.ts';
import { MOUNT_FIELDS, mountRow, SHARED_FIELDS, sharedRow } from '../format-rows.ts';
import type { CliSession } from '../session.ts';

export interface MountsOptions {
  shared?: boolean;
  type?: 'volume' | 'bind' | 'tmpfs';
  json?: boolean;
  format?: string;
}

export async function mounts(session: CliSession, options: MountsOptions): Promise<void> {
  const format = parseFormat(options.format);
  const rows = (await listMounts(session.engine())).filter(
    (row) => !options.type || row.type === options.type,
  );
  const { out } = session;
  if (options.shared) {
    const shared = sharedVolumes(rows);
    if (options.json) return out.json(shared);
    if (format) return out.formatted(renderFormat(format, shared.map(sharedRow), SHARED_FIELDS));
    return out.table(
      ['VOLUME', 'CONTAINERS', 'WRITERS'],
      shared.map((s) => [
        out.volumeName(s.volume),
        s.containers.map((c) => `${c.name}:${c.destination}:${c.readOnly ? 'ro' : 'rw'}`).join(' '),
        s.writers.length ? s.writers.join(' ') : 'none',
      ]),
      { cut: ['CONTAINERS', 'WRITERS', 'VOLUME'], middle: ['VOLUME'] },
    );
  }
  if (options.json) return out.json(rows);
  if (format) return out.formatted(renderFormat(format, rows.map(mountRow), MOUNT_FIELDS));
  out.table(
    ['CONTAINER', 'STATE', 'TYPE', 'SOURCE', 'DESTINATION', 'MODE', 'PROPAGATION', 'DETAILS'],
    rows.map((r) => [
      r.container,
      r.running ? 'running' : 'stopped',
      r.type,
      r.type === 'volume' ? out.volumeName(r.source) : r.source || '-',
      r.destination,
      r.readOnly ? 'ro' : 'rw',
      r.propagation || '-',
      details(r.tmpfsSize, r.tmpfsOptions, r.viaVolumesFrom),
    ]),
    { cut: [['SOURCE', 'DESTINATION', 'CONTAINER', 'DETAILS']], middle: ['SOURCE', 'DESTINATION'] },
  );
}

function details(
  tmpfsSize: number | undefined,
  tmpfsOptions: string | undefined,
  via: string | undefined,
): string {
  const parts: string[] = [];
  if (tmpfsOptions) parts.push(tmpfsOptions);
  else if (tmpfsSize !== undefined) parts.push(`size=${formatBytes(tmpfsSize)}`);
  if (via) parts.push(`via --volumes-from ${via}`);
  return parts.join(', ');
}
