import { catalogExists } from '../../catalog/catalog.ts';
import { escapeControls } from '../../core/terminal-text.ts';
import { formatBytes } from '../../core/units.ts';
import { inspectVolume, type VolumeDetails } from '../../inventory/volume-details.ts';
import { parseFormat, renderFormat } from '../format.ts';
import { INSPECT_FIELDS, inspectRow } from '../format-rows.ts';
import type { CliSession } from '../session.ts';
import { volumeDetailsJson } from '../../inventory/volume-json.ts';

export async function inspect(
  session: CliSession,
  names: string[],
  options: { json?: boolean; format?: string },
): Promise<void> {
  const format = parseFormat(options.format);
  const engine = session.engine();
  const inventory = session.inventory();
  // All names are looked up before anything prints, so one unknown name fails the command cleanly.
  // The daemon's history names creators that are gone; no catalog, no history (and none is created).
  const catalog = catalogExists(session.dataDir) ? session.catalog() : undefined;
  const details = await Promise.all(names.map((name) => inspectVolume(engine, inventory, name, { catalog })));
  if (options.json) return session.out.json(details.map(volumeDetailsJson));
  if (format) return session.out.formatted(renderFormat(format, details.map(inspectRow), INSPECT_FIELDS));
  session.out.write(details.map(describe).join('\n'));
}

function describe(d: VolumeDetails): string {
  const lines = [
    `Volume:      ${d.name}`,
    `Driver:      ${d.driver} (scope ${d.scope})`,
    `Kind:        ${d.anonymous ? 'anonymous' : 'named'}${d.protected ? ', protected' : ''}`,
    `Status:      ${d.status}`,
    `Mountpoint:  ${d.mountpoint}`,
    `Created:     ${d.createdAt ?? 'unknown'}`,
    `Size:        ${d.sizeBytes === null || d.sizeBytes === undefined ? 'n/a' : formatBytes(d.sizeBytes)}`,
  ];
  if (d.composeProject) lines.push(`Project:     ${d.composeProject}`);
  const listing = (map: Record<string, string>) =>
    Object.entries(map)
      // One value per item: a newline inside a label must not start a line of its own.
      .map(([k, v]) => `${escapeControls(k)}=${escapeControls(v)}`)
      .join(', ');
  if (Object.keys(d.options).length) lines.push(`Options:     ${listing(d.options)}`);
  if (Object.keys(d.labels).length) lines.push(`Labels:      ${listing(d.labels)}`);
  if (d.createdBy === 'unknown') lines.push('Created by:  unknown (the container that created it is gone)');
  else if (d.createdBy)
    lines.push(
      `Created by:  ${d.createdBy.containerName} (image ${d.createdBy.image}) at ${d.createdBy.path}` +
        (d.createdBy.recorded ? ' (recorded by the daemon; that container is gone)' : ''),
    );
  if (d.users.length === 0) lines.push('Containers:  none');
  else {
    lines.push('Containers:');
    for (const u of d.users) {
      lines.push(
        `  ${u.containerName}  ${u.image}  ${u.destination}  ${u.readOnly ? 'ro' : 'rw'}  ${u.running ? 'running' : 'stopped'}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}
