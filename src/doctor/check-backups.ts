/**
 * Volumes whose data has no recent good copy: never backed up, newest backup older than the policy allows,
 * or newest backup found damaged by `stowage verify`. Orphans are left to the orphan finding (the fix
 * there is prune, not backup), and so are volumes that hold nothing across restarts (tmpfs) or that
 * Stowage creates for a moment (scratch).
 */
import type { BackupRecord } from '../catalog/backup-store.ts';
import { LABELS } from '../core/labels.ts';
import { formatAge } from '../core/units.ts';
import type { VolumeRecord } from '../inventory/volume-record.ts';
import type { Check, Finding } from './contract.ts';

export const checkBackups: Check = (facts, policy) => {
  const newest = newestByVolume(facts.backups);
  const findings: Finding[] = [];
  for (const volume of facts.volumes) {
    if (!needsBackup(volume)) continue;
    const problem = backupProblem(newest.get(volume.name), facts.now, policy.staleAfterMs);
    if (problem === undefined) continue;
    findings.push({
      check: 'backups',
      severity: 'warning',
      subject: volume.name,
      message: problem,
      fix: `stowage backup ${volume.name}`,
    });
  }
  return findings;
};

function needsBackup(volume: VolumeRecord): boolean {
  if (volume.anonymous && volume.status === 'dangling') return false;
  if (volume.labels[LABELS.scratch] !== undefined) return false;
  return volume.driver !== 'local' || volume.options.type !== 'tmpfs';
}

function backupProblem(
  backup: BackupRecord | undefined,
  now: number,
  staleAfterMs: number,
): string | undefined {
  if (!backup) return 'never backed up (no backup of it in the catalog)';
  const age = now - Date.parse(backup.finishedAt);
  if (backup.verifyStatus === 'failed') {
    const reason = backup.verifyError ? `: ${backup.verifyError}` : '';
    return `newest backup (ID ${backup.id}, ${formatAge(age)} old) failed verification${reason}`;
  }
  if (age <= staleAfterMs) return undefined;
  return `newest backup is ${formatAge(age)} old (older than ${formatAge(staleAfterMs)})`;
}

/** The latest-finished backup of each volume; the catalog's order is not relied on. */
function newestByVolume(backups: readonly BackupRecord[]): Map<string, BackupRecord> {
  const newest = new Map<string, BackupRecord>();
  for (const backup of backups) {
    const current = newest.get(backup.volume);
    if (!current || Date.parse(backup.finishedAt) > Date.parse(current.finishedAt))
      newest.set(backup.volume, backup);
  }
  return newest;
}
