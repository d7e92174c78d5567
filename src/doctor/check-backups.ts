/**
 * Volumes whose data has no recent good copy: never backed up, newest backup older than the policy allows,
 * or newest backup found damaged by `stowage verify`. One finding per kind of problem, listing its volumes.
 * An empty volume never backed up is information: it holds nothing to lose yet (a fresh engine with many
 * empty volumes would otherwise drown the one real warning). Orphans are left to the orphan finding (the fix
 * there is prune, not backup), and so are volumes that hold nothing across restarts (tmpfs) or that Stowage
 * creates for a moment (scratch).
 */
import type { BackupRecord } from '../catalog/backup-store.ts';
import { LABELS } from '../core/labels.ts';
import { compareText, formatAge } from '../core/units.ts';
import type { VolumeRecord } from '../inventory/volume-record.ts';
import type { Check, Finding } from './contract.ts';
import { groupedFinding, SUBJECTS_SHOWN } from './finding.ts';

type Problem = 'never-backed-up' | 'never-backed-up-empty' | 'stale' | 'verify-failed';

export const checkBackups: Check = (facts, policy) => {
  const newest = newestByVolume(facts.backups);
  const byProblem = new Map<Problem, VolumeRecord[]>();
  for (const volume of facts.volumes) {
    if (!needsBackup(volume)) continue;
    const problem = backupProblem(volume, newest.get(volume.name), facts.now, policy.staleAfterMs);
    if (problem) byProblem.set(problem, [...(byProblem.get(problem) ?? []), volume]);
  }
  const findings: Finding[] = [];
  for (const [problem, volumes] of byProblem) {
    const names = volumes.map((v) => v.name);
    const backup = backupCommand(names);
    const fields = { check: 'backups', kind: problem } as const;
    if (problem === 'never-backed-up-empty') {
      findings.push(
        groupedFinding(names, 'volume', {
          ...fields,
          severity: 'info',
          message: 'empty and never backed up: nothing to lose yet',
          fix: `${backup} once it holds data`,
        }),
      );
    } else if (problem === 'never-backed-up') {
      findings.push(
        groupedFinding(names, 'volume', {
          ...fields,
          severity: 'warning',
          message: 'never backed up (no backup of it in the catalog)',
          fix: backup,
        }),
      );
    } else if (problem === 'stale') {
      const oldest = Math.max(...names.map((n) => facts.now - finishedAt(newest.get(n)!)));
      findings.push(
        groupedFinding(names, 'volume', {
          ...fields,
          severity: 'warning',
          message:
            names.length === 1
              ? `newest backup is ${formatAge(oldest)} old (older than ${formatAge(policy.staleAfterMs)})`
              : `newest backup older than ${formatAge(policy.staleAfterMs)} (the oldest: ${formatAge(oldest)})`,
          fix: backup,
        }),
      );
    } else {
      findings.push(
        groupedFinding(names, 'volume', {
          ...fields,
          severity: 'warning',
          message: names.length === 1 ? failedMessage(newest.get(names[0]!)!, facts.now) : failedGroupMessage,
          fix: backup,
        }),
      );
    }
  }
  return findings;
};

const failedGroupMessage = 'newest backup failed verification (stowage backups VOL shows why)';

function failedMessage(backup: BackupRecord, now: number): string {
  const reason = backup.verifyError ? `: ${backup.verifyError}` : '';
  return `newest backup (ID ${backup.id}, ${formatAge(now - finishedAt(backup))} old) failed verification${reason}`;
}

/** `stowage backup a b`; past a few names, a placeholder (the finding's subjects list them all). */
function backupCommand(names: readonly string[]): string {
  const sorted = [...names].sort(compareText);
  return sorted.length <= SUBJECTS_SHOWN
    ? `stowage backup ${sorted.join(' ')}`
    : `stowage backup VOLUME... (each of the ${sorted.length} volumes)`;
}

function needsBackup(volume: VolumeRecord): boolean {
  if (volume.anonymous && volume.status === 'dangling') return false;
  if (volume.labels[LABELS.scratch] !== undefined) return false;
  return volume.driver !== 'local' || volume.options.type !== 'tmpfs';
}

function backupProblem(
  volume: VolumeRecord,
  backup: BackupRecord | undefined,
  now: number,
  staleAfterMs: number,
): Problem | undefined {
  // Only a measured 0 is empty: an unknown size (null, undefined) may hide data.
  if (!backup) return volume.sizeBytes === 0 ? 'never-backed-up-empty' : 'never-backed-up';
  if (backup.verifyStatus === 'failed') return 'verify-failed';
  return now - finishedAt(backup) > staleAfterMs ? 'stale' : undefined;
}

const finishedAt = (backup: BackupRecord) => Date.parse(backup.finishedAt);

/** The latest-finished backup of each volume; the catalog's order is not relied on. */
function newestByVolume(backups: readonly BackupRecord[]): Map<string, BackupRecord> {
  const newest = new Map<string, BackupRecord>();
  for (const backup of backups) {
    const current = newest.get(backup.volume);
    if (!current || finishedAt(backup) > finishedAt(current)) newest.set(backup.volume, backup);
  }
  return newest;
}
