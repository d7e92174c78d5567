/** Problems found in an archive, capped so that a hostile archive cannot fill memory with reports. */

export type ProblemCode =
  | 'not-archive' // the file is no tar (random bytes, a text file), compressed or not
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
  | 'root-type' // the volume root entry is not a directory
  | 'duplicate-path' // an entry would replace one an earlier entry created (two folders merge instead)
  | 'under-non-directory' // an entry below a file, device or hard link the archive created
  | 'control-character' // a NUL byte in a name or link target
  | 'path-too-long' // beyond Linux's PATH_MAX or NAME_MAX
  | 'link-target'; // a link with an empty target

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

/**
 * A name for a message: in double quotes, with control characters, quotes and backslashes escaped the way
 * JSON writes them, so that a hostile name cannot drive the terminal or forge a line of output.
 */
export function quoteName(name: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\u0000-\u001f\u007f-\u009f"\\]/.test(name)) return `"${name}"`;
  // JSON leaves DEL and the C1 controls (0x9b starts a terminal sequence too) as they are.
  return JSON.stringify(name).replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A name for a listing: as it is, unless it holds control characters, quotes or backslashes (then as quoteName gives it, as `ls` quotes such names). */
export function shownName(name: string): string {
  const quoted = quoteName(name);
  return quoted === `"${name}"` ? name : quoted;
}
