import { stat } from 'node:fs/promises';
import type { HostProbe } from './mount-spec.ts';

/**
 * A `HostProbe` for an engine on this host: paths are looked up on this filesystem (following symlinks, as the
 * engine's `stat` does). `daemonRoot` is the engine's `DockerRootDir` and `volumeExists` asks the engine,
 * when the caller can.
 */
export function localHostProbe(
  options: { daemonRoot?: string; volumeExists?: (name: string) => Promise<boolean> } = {},
): HostProbe {
  return {
    async pathExists(path) {
      try {
        await stat(path);
        return true;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return false;
        throw error;
      }
    },
    daemonRoot: () => Promise.resolve(options.daemonRoot),
    ...(options.volumeExists && { volumeExists: options.volumeExists }),
  };
}
