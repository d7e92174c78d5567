/** Problems found in an archive, capped so that a hostile archive cannot fill memory with reports. */

export type ProblemCode =
  | 'damaged' // the compressed data or the tar structure is broken
  | 'truncated' // no end-of-archive marker, or fewer entries than the file list
  | 'archive-checksum' // the archive's SHA-256 or size differs from the manifest
  | 'entry-mismatch' // an entry differs from its file-list record (data checksum, size, metadata)
  | 'extra-entry' // the archive holds entries the file list does not
  | 'file-list' // the file list is damaged or does not match the manifest
  | 'counts' // the manifest's counts differ from the archive
  | 'absolute-path'
  | 'parent-path' // a `..` component
  | 'empty-name'
  | 'through-symlink' // would be written through a symlink the archive created
  | 'hardlink-target' // a hardlink out of the archive or to no earlier entry
  | 'device' // a device file while devices are not allowed
  | 'root-type'; // the volume root entry is not a directory

export interface ArchiveProblem {
  code: ProblemCode;
  /** The entry as it is named in the archive, when the problem is about one entry. */
  entry?: string;
  message: string;
}

export const MAX_PROBLEMS = 100;

export class ProblemList {
  readonly items: ArchiveProblem[] = [];
  omitted = 0;

  get empty(): boolean {
    return this.items.length === 0 && this.omitted === 0;
  }

  add(code: ProblemCode, message: string, entry?: string): void {
    if (this.items.length >= MAX_PROBLEMS) this.omitted += 1;
    else this.items.push(entry === undefined ? { code, message } : { code, entry, message });
  }
}
