/**
 * Volumes that two or more containers can write at once: nothing coordinates their writes, so files get
 * interleaved or corrupted. The seeds' sidecar lesson is the healthy shape: one writer, readers mount `:ro`.
 * The writer can be named with the container label `stowage.writer=true`; the fix then keeps it read-write
 * and turns every other container's mount read-only.
 */
import { compareText } from '../core/units.ts';
import type { MountRow } from '../inventory/mount-listing.ts';
import type { Check, Finding } from './contract.ts';

/** Container label naming the one container meant to write a shared volume. */
export const WRITER_LABEL = 'stowage.writer';

export const checkSharedWriters: Check = (facts) => {
  const byVolume = new Map<string, MountRow[]>();
  for (const row of facts.mounts) {
    if (row.type === 'volume' && row.source)
      byVolume.set(row.source, [...(byVolume.get(row.source) ?? []), row]);
  }
  const findings: Finding[] = [];
  for (const [volume, rows] of [...byVolume].sort(([a], [b]) => compareText(a, b))) {
    const writeRows = rows.filter((row) => !row.readOnly);
    const writers = unique(writeRows.map((row) => row.containerId));
    if (writers.length < 2) continue;
    const labelled = unique(
      rows
        .filter((row) => facts.containerLabels.get(row.containerId)?.[WRITER_LABEL] === 'true')
        .map((row) => row.containerId),
    );
    const writer =
      labelled.length === 1 ? rows.find((row) => row.containerId === labelled[0])!.container : undefined;
    const toReadOnly = writeRows.filter((row) => row.container !== writer);
    const who = writeRows
      .map((row) => `${row.container} (${row.destination}${row.running ? '' : ', stopped'})`)
      .join(', ');
    const note = writer
      ? `; ${writer} is labelled the writer`
      : labelled.length > 1
        ? `; ${labelled.length} containers are labelled ${WRITER_LABEL}=true`
        : '';
    const readers = toReadOnly.map((row) => `${row.container} ${readOnlyForm(volume, row)}`).join(', ');
    findings.push({
      check: 'shared-writers',
      severity: 'warning',
      subject: volume,
      message: `mounted read-write by ${writers.length} containers: ${who}${note}`,
      fix: writer
        ? `keep ${writer} as the only writer; mount it read-only in the others: ${readers}`
        : `keep one writer (label it ${WRITER_LABEL}=true) and mount it read-only in the others: ${readers}`,
    });
  }
  return findings;
};

/** How a reader should mount the volume: `-v vol:/path:ro`, or `--volumes-from donor:ro` where it came that way. */
function readOnlyForm(volume: string, row: MountRow): string {
  return row.viaVolumesFrom
    ? `--volumes-from ${row.viaVolumesFrom}:ro`
    : `-v ${volume}:${row.destination}:ro`;
}

const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];
