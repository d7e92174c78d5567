/** `stowage rm`: refuses, naming them, while any container references the volume (as the engine would). */
import { StowageError, inUseError } from '../core/errors.ts';
import type { Engine } from '../engine/contract.ts';
import type { InventoryService } from '../inventory/inventory-service.ts';

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
