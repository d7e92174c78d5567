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

/**
 * `operation` names what was refused (`remove`, `rename`...); `then` is what to run once they are gone;
 * `hint` replaces the advice when removing the containers is not what the user should do.
 */
export function inUseError(
  name: string,
  users: readonly VolumeUser[],
  operation = 'remove',
  then = `stowage rm ${name}`,
  hint?: string,
): StowageError {
  const names = [...new Set(users.map((u) => `${u.containerName} (${u.running ? 'running' : 'stopped'})`))];
  const containers = [...new Set(users.map((u) => u.containerName))];
  const running = [...new Set(users.filter((u) => u.running).map((u) => u.containerName))];
  const stopFirst = running.length ? `docker stop ${running.join(' ')} && ` : '';
  const those = containers.length === 1 ? 'that container' : 'those containers';
  return new StowageError('in-use', `${operation} ${name}: volume is in use by ${names.join(', ')}`, {
    hint:
      hint ??
      `remove ${those} first (\`${stopFirst}docker rm ${containers.join(' ')}\`), then run \`${then}\` again`,
  });
}
