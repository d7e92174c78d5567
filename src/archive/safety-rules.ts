/**
 * What a restore refuses, entry by entry, in archive order. The rules keep the state extraction would
 * build (which paths exist, which are symlinks now) so that a later entry is judged against what the
 * earlier ones created. Symlinks themselves are content: their targets are never judged.
 */
import { ROOT_PATH, ancestors, normaliseEntryPath } from './entry-path.ts';
import type { ArchiveEntry } from './archive-reader.ts';
import type { ProblemCode, ProblemList } from './problem-list.ts';
import type { EntryType } from './tar-header.ts';

export interface SafetyOptions {
  /** Restore character and block devices (refused by default: they give access to host hardware). */
  allowDevices?: boolean;
}

export type CheckedEntry = Pick<ArchiveEntry, 'name' | 'path' | 'pathProblem' | 'type' | 'linkname'>;

type Finding = [ProblemCode, string];

export class SafetyRules {
  readonly #allowDevices: boolean;
  /** Every path an accepted entry created, with its type. */
  readonly #seen = new Map<string, EntryType>();
  /** Paths that are symlinks now: a later entry of another type at the same path replaces the link. */
  readonly #symlinks = new Set<string>();

  constructor(options: SafetyOptions = {}) {
    this.#allowDevices = options.allowDevices ?? false;
  }

  /**
   * Adds the entry's problems to `problems` and returns whether it is safe. `selected` says whether the
   * entry will be written at all: device files are only refused when they would be.
   */
  check(entry: CheckedEntry, problems: ProblemList, selected = true): boolean {
    const problem = this.#problem(entry, selected);
    if (problem !== undefined) {
      problems.add(problem[0], problem[1], entry.name);
      return false;
    }
    this.#seen.set(entry.path, entry.type);
    if (entry.type === 'symlink') this.#symlinks.add(entry.path);
    else this.#symlinks.delete(entry.path);
    return true;
  }

  /** The type of the entry an accepted entry left at `path`, if any. */
  typeAt(path: string): EntryType | undefined {
    return this.#seen.get(path);
  }

  /** The symlink the archive created that a write to `path` would pass through, if any. */
  symlinkOnTheWay(path: string): string | undefined {
    if (this.#symlinks.size === 0) return undefined;
    return ancestors(path).find((ancestor) => this.#symlinks.has(ancestor));
  }

  #problem(entry: CheckedEntry, selected: boolean): Finding | undefined {
    const named = `entry "${entry.name}"`;
    if (entry.pathProblem === 'absolute') return ['absolute-path', `${named} has an absolute path`];
    if (entry.pathProblem === 'parent') return ['parent-path', `${named} has a ".." component`];
    if (entry.pathProblem === 'empty') return ['empty-name', 'an entry has an empty name'];
    if (entry.path === ROOT_PATH && entry.type !== 'directory') {
      return ['root-type', `${named} would replace the volume root with a ${entry.type}`];
    }
    const link = this.symlinkOnTheWay(entry.path);
    if (link !== undefined) {
      return [
        'through-symlink',
        `${named} would be written through the symlink "${link}" the archive created`,
      ];
    }
    if ((entry.type === 'char-device' || entry.type === 'block-device') && selected && !this.#allowDevices) {
      return ['device', `${named} is a ${entry.type}; devices are restored only when explicitly allowed`];
    }
    if (entry.type === 'hardlink') return this.#hardlinkProblem(entry, named);
    return undefined;
  }

  #hardlinkProblem(entry: CheckedEntry, named: string): Finding | undefined {
    const target = normaliseEntryPath(entry.linkname);
    if (target.problem !== undefined) {
      return ['hardlink-target', `${named} is a hard link to "${entry.linkname}", outside the archive`];
    }
    const link = this.symlinkOnTheWay(target.path);
    if (link !== undefined) {
      return ['hardlink-target', `${named} is a hard link through the symlink "${link}"`];
    }
    const type = this.#seen.get(target.path);
    if (type === undefined) {
      return ['hardlink-target', `${named} is a hard link to "${entry.linkname}", which is no earlier entry`];
    }
    if (type === 'directory') return ['hardlink-target', `${named} is a hard link to a directory`];
    if (target.path === entry.path) return ['hardlink-target', `${named} is a hard link to itself`];
    return undefined;
  }
}
