/** Tars that are byte-for-byte the same for the same files: fixed times and owners, a fixed order. */
import { pack } from 'tar-stream';

export const FIXED_TIME = '2000-01-01T00:00:00Z';

/** Regular files (their folders are added) and empty `folders`, in the order given. */
export async function fixedTar(
  files: [name: string, content: Buffer][],
  folders: string[] = [],
): Promise<Buffer> {
  const archive = pack();
  const fixed = { mtime: new Date(FIXED_TIME), uid: 0, gid: 0, uname: '', gname: '' };
  const parents = files.map(([name]) => name.split('/').slice(0, -1).join('/')).filter(Boolean);
  for (const folder of new Set([...folders, ...parents]))
    archive.entry({ ...fixed, name: folder, type: 'directory', mode: 0o755 });
  for (const [name, content] of files) archive.entry({ ...fixed, name, mode: 0o644 }, content);
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
