/** Who mounts which volume, from one container listing. Pure. */
import { compareText } from '../core/units.ts';
import type { EngineContainer } from '../engine/contract.ts';
import type { VolumeStatus, VolumeUser } from './volume-record.ts';

/** Volume name → the containers that mount it (helpers are already excluded by the engine layer). */
export function usersByVolume(containers: readonly EngineContainer[]): Map<string, VolumeUser[]> {
  const users = new Map<string, VolumeUser[]>();
  for (const container of containers) {
    for (const mount of container.mounts) {
      if (mount.type !== 'volume' || !mount.name) continue;
      const user: VolumeUser = {
        containerId: container.id,
        containerName: container.name,
        image: container.image,
        destination: mount.destination,
        readOnly: mount.readOnly,
        running: container.running,
      };
      const list = users.get(mount.name);
      if (list) list.push(user);
      else users.set(mount.name, [user]);
    }
  }
  for (const list of users.values()) list.sort((a, b) => compareText(a.containerName, b.containerName));
  return users;
}

export function statusOf(users: readonly VolumeUser[]): VolumeStatus {
  if (users.length === 0) return 'dangling';
  return users.some((user) => user.running) ? 'in-use' : 'idle';
}
