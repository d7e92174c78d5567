import { archiveStream, openArchiveSource } from '../../backup/archive-source.ts';
import { listArchive, modeString } from '../../archive/list-archive.ts';
import { shownName } from '../../archive/problem-list.ts';
import type { CliSession } from '../session.ts';

/** Like `tar tv`, streamed: memory stays flat whatever the archive holds. */
export async function lsArchive(
  session: CliSession,
  archive: string,
  options: { json?: boolean },
): Promise<void> {
  const source = await openArchiveSource(archive, session.catalog());
  const entries = listArchive(await archiveStream(source));
  if (options.json) {
    const all = [];
    for await (const entry of entries) all.push(entry);
    return session.out.json(all);
  }
  for await (const entry of entries) {
    const owner = `${entry.uname || entry.uid}/${entry.gname || entry.gid}`;
    const link = entry.linkname ? ` -> ${shownName(entry.linkname)}` : '';
    session.out.write(
      `${modeString(entry.type, entry.mode)} ${owner.padEnd(12)} ${String(entry.size).padStart(10)} ${new Date(entry.mtime * 1000).toISOString().slice(0, 19).replace('T', ' ')} ${shownName(entry.path)}${link}`,
    );
  }
}
