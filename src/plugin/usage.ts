/** How much a volume holds, for the Status: never throws, null when it cannot be measured. */
import { treeSize } from '../inventory/volume-sizes.ts';

export async function treeSizeOf(path: string): Promise<number | null> {
  return treeSize(path).catch(() => null);
}
