/**
 * Volumes of Stowage's own volume plugin (docs/PLUGIN.md). The engine measures only local volumes, so
 * their usage comes from the Status the plugin reports through the engine's volume inspect (`usedBytes`),
 * which works for remote engines too. Pure rules; the caller does the inspect.
 */
import type { EngineVolume } from '../engine/contract.ts';

/** The plugin is named by its socket: `stowage`, or `stowage-…`/`stowage_…`/`stowage.…`. */
export function isStowagePluginVolume(volume: Pick<EngineVolume, 'driver'>): boolean {
  return /^stowage(?:[-_.][a-zA-Z0-9_.-]*)?$/.test(volume.driver);
}

/** The plugin's measured usage from a volume's Status, or undefined when it reported none. */
export function pluginUsage(volume: Pick<EngineVolume, 'status'>): number | undefined {
  const used = volume.status?.usedBytes;
  return typeof used === 'number' && Number.isFinite(used) && used >= 0 ? used : undefined;
}
