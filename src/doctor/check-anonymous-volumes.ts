/**
 * Anonymous volumes: their data is easy to lose (`docker rm -v`, `docker compose down -v`) and hard to find
 * again. Orphans (dangling and anonymous) are what `stowage prune` removes, so they are warnings. One
 * finding per kind, listing its volumes.
 */
import type { VolumeRecord } from '../inventory/volume-record.ts';
import type { Check, Finding } from './contract.ts';
import { groupedFinding } from './finding.ts';

export const checkAnonymousVolumes: Check = (facts) => {
  const anonymous = facts.volumes.filter((v) => v.anonymous);
  const orphans = anonymous.filter((v) => v.status === 'dangling' && !v.protected);
  const guarded = anonymous.filter((v) => v.status === 'dangling' && v.protected);
  const used = anonymous.filter((v) => v.status !== 'dangling');
  const fields = { check: 'anonymous-volumes' } as const;
  const findings: Finding[] = [];
  if (orphans.length > 0) {
    findings.push(
      groupedFinding(names(orphans), 'volume', {
        ...fields,
        kind: 'orphan',
        severity: 'warning',
        message: 'orphan: anonymous and no container references it, so nothing will use its data again',
        fix: 'stowage prune',
      }),
    );
  }
  if (guarded.length > 0) {
    const which = guarded.length === 1 ? guarded[0]!.name : 'VOLUME...';
    findings.push(
      groupedFinding(names(guarded), 'volume', {
        ...fields,
        kind: 'protected-orphan',
        severity: 'info',
        message: 'orphan (anonymous, no container references it), protected: prune keeps it',
        fix: `stowage unprotect ${which} && stowage prune, if it is no longer needed`,
      }),
    );
  }
  if (used.length > 0) findings.push(inUse(used));
  return findings;
};

function inUse(used: readonly VolumeRecord[]): Finding {
  const fields = { check: 'anonymous-volumes', kind: 'anonymous-in-use', severity: 'info' } as const;
  if (used.length === 1) {
    const volume = used[0]!;
    const users = volume.users.map((u) => `${u.containerName} at ${u.destination}`).join(', ');
    const first = volume.users[0]!;
    return groupedFinding([volume.name], 'volume', {
      ...fields,
      message: `anonymous volume used by ${users}: removing the container with -v loses its data`,
      fix: `give it a name: stowage clone ${volume.name} NAME, then recreate ${first.containerName} with -v NAME:${first.destination}`,
    });
  }
  return groupedFinding(names(used), 'volume', {
    ...fields,
    message: 'anonymous volumes in use: removing their container with -v loses their data',
    fix: 'give each a name: stowage clone VOLUME NAME, then recreate its container with -v NAME:PATH (stowage inspect VOLUME shows who uses it)',
  });
}

const names = (volumes: readonly VolumeRecord[]) => volumes.map((v) => v.name);
