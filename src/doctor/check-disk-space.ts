/**
 * The engine's data root close to full, in bytes or in inodes (many small files exhaust inodes first).
 * When volumes cannot grow, databases stop and images cannot be pulled. Only for an engine on this host:
 * a remote engine's disks are not ours to read.
 */
import { formatBytes } from '../core/units.ts';
import type { Check, DoctorPolicy, Finding, Severity } from './contract.ts';
import { findingFor } from './finding.ts';

/** `used / (used + available)` in percent, rounded up as `df` does; 0 for an empty total. Pure. */
export function usedPercent(used: number, available: number): number {
  const total = used + available;
  return total > 0 ? Math.ceil((used * 100) / total) : 0;
}

export const checkDiskSpace: Check = (facts, policy) => {
  const disk = facts.disk;
  if (!disk) return [];
  if ('error' in disk) {
    return [
      findingFor(disk.path, {
        check: 'disk-space',
        kind: 'unmeasured',
        severity: 'info',
        message: `cannot measure the engine's data root: ${disk.error}`,
        fix: "run stowage doctor on the engine's host, as a user who can read its data root",
      }),
    ];
  }
  const findings: Finding[] = [];
  const bytes = usedPercent(disk.usedBytes, disk.availableBytes);
  const bytesSeverity = severityFor(bytes, policy);
  if (bytesSeverity) {
    findings.push(
      findingFor(disk.path, {
        check: 'disk-space',
        kind: 'bytes',
        severity: bytesSeverity,
        message: `disk ${bytes}% full: ${formatBytes(disk.availableBytes)} left for volumes, images and containers`,
        fix: 'stowage prune (orphan volumes), docker system prune (unused images, containers), or a larger disk',
      }),
    );
  }
  const inodes = usedPercent(disk.usedInodes, disk.availableInodes);
  const inodeSeverity = severityFor(inodes, policy);
  if (inodeSeverity) {
    findings.push(
      findingFor(disk.path, {
        check: 'disk-space',
        kind: 'inodes',
        severity: inodeSeverity,
        message: `inodes ${inodes}% used: ${disk.availableInodes} files more can be created`,
        fix: 'stowage prune (orphan volumes), docker system prune, or remove the volumes holding many small files',
      }),
    );
  }
  return findings;
};

function severityFor(percent: number, policy: DoctorPolicy): Severity | undefined {
  if (percent >= policy.diskCriticalPercent) return 'critical';
  if (percent >= policy.diskWarnPercent) return 'warning';
  return undefined;
}
