/**
 * Volumes that two or more containers can write at once: nothing coordinates their writes, so files get
 * interleaved or corrupted. The seeds' sidecar lesson is the healthy shape: one writer, readers mount `:ro`.
 * The fix keeps exactly one writer, named, and turns every other container's read-write mount read-only:
 * the container labelled `stowage.writer=true`, or else one picked by a fixed rule (see pickWriter).
 */
import { compareText } from '../core/units.ts';
import type { MountRow } from '../inventory/mount-listing.ts';
import type { Check, Finding } from './contract.ts';
import { findingFor } from './finding.ts';

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
    const labelled = writers.filter((id) => facts.containerLabels.get(id)?.[WRITER_LABEL] === 'true');
    const writerId = labelled.length === 1 ? labelled[0]! : pickWriter(writeRows, labelled);
    const writer = writeRows.find((row) => row.containerId === writerId)!.container;
    const toReadOnly = writeRows.filter((row) => row.containerId !== writerId);
    const who = writeRows
      .map((row) => `${row.container} (${row.destination}${row.running ? '' : ', stopped'})`)
      .join(', ');
    const note =
      labelled.length === 1
        ? `; ${writer} is labelled the writer`
        : labelled.length > 1
          ? `; ${labelled.length} containers are labelled ${WRITER_LABEL}=true`
          : '';
    const readers = toReadOnly.map((row) => `${row.container} ${readOnlyForm(volume, row)}`).join(', ');
    const choice =
      labelled.length === 1
        ? `keep ${writer} as the only writer`
        : labelled.length > 1
          ? `keep ${writer} as the only writer (and only it labelled ${WRITER_LABEL}=true)`
          : `keep ${writer} as the only writer (or label the one that should write ${WRITER_LABEL}=true)`;
    findings.push(
      findingFor(volume, {
        check: 'shared-writers',
        kind: 'shared-writers',
        severity: 'warning',
        message: `mounted read-write by ${writers.length} containers: ${who}${note}`,
        fix: `${choice}; mount it read-only in the others: ${readers}`,
      }),
    );
  }
  return findings;
};

/**
 * The writer to keep when no single container is labelled: among the labelled ones if several are, a
 * running one before a stopped one (it is the one writing now), then the first by name, so that the advice
 * is the same each time.
 */
function pickWriter(writeRows: readonly MountRow[], labelled: readonly string[]): string {
  const candidates = writeRows.filter((row) => labelled.length === 0 || labelled.includes(row.containerId));
  const [first] = [...candidates].sort(
    (a, b) => Number(b.running) - Number(a.running) || compareText(a.container, b.container),
  );
  return first!.containerId;
}

/** How a reader should mount the volume: `-v vol:/path:ro`, or `--volumes-from donor:ro` where it came that way. */
function readOnlyForm(volume: string, row: MountRow): string {
  return row.viaVolumesFrom
    ? `--volumes-from ${row.viaVolumesFrom}:ro`
    : `-v ${volume}:${row.destination}:ro`;
}

const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];
