/** `stowage rm`: refuses, naming them, while any container references the volume (as the engine would). */
import { StowageError } from '../core/errors.ts';
import type { Engine } from '../engine/contract.ts';
import type { InventoryService } from '../inventory/inventory-service.ts';
import type { VolumeUser } from '../inventory/volume-record.ts';

export interface RemoveOptions {
  /** Also remove a protected volume. Never removes one in use: the engine refuses that even with force. */
  force?: boolean;
}

/** @throws StowageError 'in-use' naming the containers, 'conflict' for a protected volume, 'not-found'. */
export async function removeVolume(
  engine: Engine,
  inventory: InventoryService,
  name: string,
  options: RemoveOptions = {},
): Promise<void> {
  const record = await inventory.get(name, { sizes: false });
  if (record.users.length > 0) throw inUseError(name, record.users);
  if (record.protected && !options.force) {
    throw new StowageError('conflict', `remove ${name}: volume is protected`, {
      hint: `run \`stowage unprotect ${name}\` first, or add --force`,
    });
  }
  await engine.volumes.remove(name);
}

/** `operation` names what was refused (`remove`, `rename`...); `then` is what to run once they are gone. */
export function inUseError(
  name: string,
  users: readonly VolumeUser[],
  operation = 'remove',
  then = `stowage rm ${name}`,
): StowageError {
  const names = [...new Set(users.map((u) => `${u.containerName} (${u.running ? 'running' : 'stopped'})`))];
  const containers = [...new Set(users.map((u) => u.containerName))].join(' ');
  return new StowageError('in-use', `${operation} ${name}: volume is in use by ${names.join(', ')}`, {
    hint: `remove those containers first (\`docker rm -f ${containers}\`), then run \`${then}\` again`,
  });
}
