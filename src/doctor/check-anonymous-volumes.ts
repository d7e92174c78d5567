/**
 * Anonymous volumes: their data is easy to lose (`docker rm -v`, `docker compose down -v`) and hard to find
 * again. Orphans (dangling and anonymous) are what `stowage prune` removes, so they are warnings.
 */
import type { Check, Finding } from './contract.ts';

export const checkAnonymousVolumes: Check = (facts) => {
  const findings: Finding[] = [];
  for (const volume of facts.volumes) {
    if (!volume.anonymous) continue;
    const subject = volume.name;
    if (volume.status === 'dangling' && volume.protected) {
      findings.push({
        check: 'anonymous-volumes',
        severity: 'info',
        subject,
        message: 'orphan (anonymous, no container references it), protected: prune keeps it',
        fix: `stowage unprotect ${volume.name} && stowage prune, if it is no longer needed`,
      });
    } else if (volume.status === 'dangling') {
      findings.push({
        check: 'anonymous-volumes',
        severity: 'warning',
        subject,
        message: 'orphan: anonymous and no container references it, so nothing will use its data again',
        fix: 'stowage prune',
      });
    } else {
      const users = volume.users.map((u) => `${u.containerName} at ${u.destination}`).join(', ');
      const first = volume.users[0]!;
      findings.push({
        check: 'anonymous-volumes',
        severity: 'info',
        subject,
        message: `anonymous volume used by ${users}: removing the container with -v loses its data`,
        fix: `give it a name: stowage clone ${volume.name} NAME, then recreate ${first.containerName} with -v NAME:${first.destination}`,
      });
    }
  }
  return findings;
};
