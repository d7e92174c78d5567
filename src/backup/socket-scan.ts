/**
 * Sockets cannot pass through the engine's archive API: the engine leaves them out of the tar without a
 * word. Where the engine runs on this host and the volume's folder is readable, Stowage walks it alongside
 * the backup to name them; elsewhere it cannot know, and says nothing it does not know.
 */
import { opendir } from 'node:fs/promises';
import { join, relative } from 'node:path';

const MAX_REPORTED = 100;

/** Paths (relative to the volume root, `./`-prefixed) of the sockets in `root`; empty when unreadable. */
export async function findSockets(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of await opendir(dir)) {
      if (found.length >= MAX_REPORTED) return;
      const path = join(dir, entry.name);
      if (entry.isSocket()) found.push(`./${relative(root, path)}`);
      else if (entry.isDirectory()) await walk(path);
    }
  };
  try {
    await walk(root);
  } catch {
    // Not readable from here (another user's engine, a remote mount): nothing to report.
  }
  return found;
}
