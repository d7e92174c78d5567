/** `stowage ls-archive`: the entries of any readable archive, streamed, without hashing their data. */
import { ArchiveReader } from './archive-reader.ts';
import type { EntryType } from './tar-header.ts';

export interface ListedEntry {
  /** As stored in the archive. */
  name: string;
  /** Normalised volume path (`./`, `./a/b`). */
  path: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** Symlink or hard link target, else ''. */
  linkname: string;
}

/**
 * Yields every entry in archive order. Throws `invalid` when the archive is damaged, after yielding the
 * entries before the damage.
 */
export async function* listArchive(archive: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<ListedEntry> {
  for await (const entry of new ArchiveReader(archive, { hash: false })) {
    yield {
      name: entry.name,
      path: entry.path,
      type: entry.type,
      mode: entry.mode,
      uid: entry.uid,
      gid: entry.gid,
      uname: entry.uname,
      gname: entry.gname,
      size: entry.size,
      mtime: entry.mtime,
      linkname: entry.linkname,
    };
  }
}

const TYPE_LETTERS: Readonly<Record<EntryType, string>> = {
  file: '-',
  directory: 'd',
  symlink: 'l',
  hardlink: 'h',
  'char-device': 'c',
  'block-device': 'b',
  fifo: 'p',
};

/** `ls -l`-style mode text, e.g. `drwxr-xr-x`, `-rwsr-xr-x`. */
export function modeString(type: EntryType, mode: number): string {
  const bit = (mask: number, letter: string) => (mode & mask ? letter : '-');
  const special = (execute: number, flag: number, on: string, off: string) =>
    mode & flag ? (mode & execute ? on : off) : bit(execute, 'x');
  return (
    TYPE_LETTERS[type] +
    bit(0o400, 'r') +
    bit(0o200, 'w') +
    special(0o100, 0o4000, 's', 'S') +
    bit(0o040, 'r') +
    bit(0o020, 'w') +
    special(0o010, 0o2000, 's', 'S') +
    bit(0o004, 'r') +
    bit(0o002, 'w') +
    special(0o001, 0o1000, 't', 'T')
  );
}
