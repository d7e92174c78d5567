/**
 * What a restore refuses, entry by entry, in archive order: the one rule set that `restore`, `verify`,
 * restore tests and the daemon all judge archives by (through planRestore). The rules keep the tree that
 * extraction would build (which paths exist and as what, including the folders a deeper entry creates
 * implicitly) so that a later entry is judged against what the earlier ones created. Symlinks themselves
 * are content: where they point is never judged, only whether something would be written through them.
 *
 * The guarantee (fuzzed by safety-rules.property.test.ts and bench/fuzz/archive.ts): extracting the
 * accepted entries in any order that keeps each entry after its parent folders and each hard link after
 * its target never writes outside the volume, never writes through a symlink, never needs to replace an
 * existing path, and never hands the engine a name the kernel refuses. That order independence matters:
 * a restore extracts in parallel parts (see restore-stream.ts).
 */
import { ROOT_PATH, normaliseEntryPath } from './entry-path.ts';
import type { ArchiveEntry } from './archive-reader.ts';
import type { ProblemCode, ProblemList } from './problem-list.ts';
import { quoteName } from './problem-list.ts';
import type { EntryType } from './tar-header.ts';

export interface SafetyOptions {
  /** Restore character and block devices (refused by default: they give access to host hardware). */
  allowDevices?: boolean;
}

export type CheckedEntry = Pick<ArchiveEntry, 'name' | 'path' | 'pathProblem' | 'type' | 'linkname'>;

type Finding = [ProblemCode, string];

/**
 * Linux limits, in bytes: PATH_MAX (4096, counting the final NUL) for a path given to one system call and
 * for a symlink's target, NAME_MAX (255) for one component. A longer name makes the engine's extraction
 * fail half way with ENAMETOOLONG (an HTTP 500), so a path thousands of levels deep is refused here
 * instead. The engine opens each entry as `/v/<path>` inside the restore helper (HELPER_MOUNT in
 * engine/helper-containers.ts), so those 3 bytes and the NUL come off PATH_MAX. A volume cannot hold a
 * longer path that Stowage could back up either: the engine reads it by the same kind of path.
 */
export const EXTRACTION_PREFIX = '/v/';
export const MAX_PATH_BYTES = 4096 - 1 - EXTRACTION_PREFIX.length;
export const MAX_NAME_BYTES = 255;

/**
 * NUL ends a name for the kernel: `a\0b` would be created as `a` (Go's os package refuses it and the
 * engine answers HTTP 500). Other control characters (newline, tab, ESC…) are legal in Linux names and
 * occur in real volumes (macOS writes `Icon\r`), so refusing them would make honest backups impossible to
 * restore; Stowage escapes them wherever it prints a name instead (see quoteName).
 */
const NUL = '\0';

/** What a path holds once the accepted entries are extracted. 'implicit' folders come from deeper entries. */
type Node = EntryType | 'implicit';

/**
 * The extracted tree, one node per path component: a lookup walks the components once, so a path
 * thousands of levels deep costs its length, not its length squared.
 */
interface TreeNode {
  node: Node;
  children: Map<string, TreeNode> | undefined;
}

export class SafetyRules {
  readonly #allowDevices: boolean;
  readonly #root: TreeNode = { node: 'implicit', children: undefined };

  constructor(options: SafetyOptions = {}) {
    this.#allowDevices = options.allowDevices ?? false;
  }

  /**
   * Adds the entry's problem to `problems` and returns whether it is safe. `selected` says whether the
   * entry will be written at all: device files are only refused when they would be. Memory: one small
   * node per distinct path component, since a hard link may point at any earlier entry.
   */
  check(entry: CheckedEntry, problems: ProblemList, selected = true): boolean {
    const problem = this.#problem(entry, selected);
    if (problem !== undefined) {
      problems.add(problem[0], problem[1], entry.name);
      return false;
    }
    let at = this.#root;
    for (const part of components(entry.path)) {
      at.children ??= new Map();
      let next = at.children.get(part);
      if (next === undefined) {
        next = { node: 'implicit', children: undefined };
        at.children.set(part, next);
      }
      at = next;
    }
    if (!(entry.type === 'directory' && at === this.#root)) at.node = entry.type;
    return true;
  }

  /** The type of the entry an accepted entry left at `path`, if any (implied folders count as 'directory'). */
  typeAt(path: string): EntryType | undefined {
    const found = this.#walk(path);
    if (found.blocked !== undefined || found.node === undefined) return undefined;
    return found.node.node === 'implicit' ? 'directory' : found.node.node;
  }

  #problem(entry: CheckedEntry, selected: boolean): Finding | undefined {
    const named = `entry ${quoteName(entry.name)}`;
    if (entry.name.includes(NUL)) return ['control-character', `${named} has a NUL byte in its name`];
    if (entry.pathProblem === 'absolute') return ['absolute-path', `${named} has an absolute path`];
    if (entry.pathProblem === 'parent') return ['parent-path', `${named} has a ".." component`];
    if (entry.pathProblem === 'empty') return ['empty-name', 'an entry has an empty name'];
    const tooLong = lengthProblem(entry.path, named);
    if (tooLong !== undefined) return tooLong;
    if (entry.path === ROOT_PATH && entry.type !== 'directory') {
      return ['root-type', `${named} would replace the volume root with a ${entry.type}`];
    }
    const { blocked, node } = this.#walk(entry.path);
    if (blocked !== undefined) {
      const [at, type] = blocked;
      if (type === 'symlink') {
        return [
          'through-symlink',
          `${named} would be written through the symlink ${quoteName(at)} the archive created`,
        ];
      }
      return ['under-non-directory', `${named} would be written inside ${quoteName(at)}, which is a ${type}`];
    }
    // Two folders of one name merge; anything else would replace what is there. Extraction runs in parallel
    // parts, so which one wins is not even defined: a symlink then a folder of its name, a file replaced by
    // a folder, a hard link's target replaced after the link — all the same shape, all refused.
    if (node !== undefined && !(entry.type === 'directory' && isFolder(node.node))) {
      const what = node.node === 'implicit' ? 'folder' : node.node;
      return ['duplicate-path', `${named} names the same path as an earlier entry (a ${what})`];
    }
    if ((entry.type === 'char-device' || entry.type === 'block-device') && selected && !this.#allowDevices) {
      return ['device', `${named} is a ${entry.type}; devices are restored only when explicitly allowed`];
    }
    if (entry.type === 'symlink') return linkTextProblem(entry.linkname, named, 'symlink');
    if (entry.type === 'hardlink') return this.#hardlinkProblem(entry, named);
    return undefined;
  }

  #hardlinkProblem(entry: CheckedEntry, named: string): Finding | undefined {
    const text = linkTextProblem(entry.linkname, named, 'hard link');
    if (text !== undefined) return text;
    const shown = quoteName(entry.linkname);
    const target = normaliseEntryPath(entry.linkname);
    if (target.problem !== undefined) {
      return ['hardlink-target', `${named} is a hard link to ${shown}, outside the archive`];
    }
    const { blocked, node } = this.#walk(target.path);
    if (blocked?.[1] === 'symlink') {
      return ['hardlink-target', `${named} is a hard link through the symlink ${quoteName(blocked[0])}`];
    }
    if (node === undefined || blocked !== undefined) {
      return ['hardlink-target', `${named} is a hard link to ${shown}, which is no earlier entry`];
    }
    if (isFolder(node.node)) return ['hardlink-target', `${named} is a hard link to a directory`];
    return undefined;
  }

  /**
   * Follows `path` down the tree. `blocked`: the first proper ancestor extraction made something other
   * than a folder (a symlink, a file…), with its path; `node`: what is at `path` itself, if anything.
   */
  #walk(path: string): { blocked?: [string, Node]; node?: TreeNode } {
    const parts = components(path);
    let at: TreeNode = this.#root;
    for (let i = 0; i < parts.length; i += 1) {
      if (i > 0 && !isFolder(at.node)) return { blocked: [`./${parts.slice(0, i).join('/')}`, at.node] };
      const next = at.children?.get(parts[i]!);
      if (next === undefined) return {};
      at = next;
    }
    return { node: at };
  }
}

function isFolder(node: Node): boolean {
  return node === 'directory' || node === 'implicit';
}

/** `./a/b` → ['a', 'b']; the root has none. */
function components(path: string): string[] {
  return path === ROOT_PATH ? [] : path.slice(2).split('/');
}

function lengthProblem(path: string, named: string): Finding | undefined {
  const inside = path === ROOT_PATH ? '' : path.slice(2);
  const bytes = Buffer.byteLength(inside);
  if (bytes > MAX_PATH_BYTES) {
    return [
      'path-too-long',
      `${named} has a path of ${bytes} bytes; a restore can write at most ${MAX_PATH_BYTES} (Linux PATH_MAX)`,
    ];
  }
  for (const part of inside.split('/')) {
    if (Buffer.byteLength(part) > MAX_NAME_BYTES) {
      return [
        'path-too-long',
        `${named} has a name component of ${Buffer.byteLength(part)} bytes; Linux allows ${MAX_NAME_BYTES}`,
      ];
    }
  }
  return undefined;
}

/** A link target the kernel cannot store: NUL, empty, or longer than PATH_MAX. */
function linkTextProblem(linkname: string, named: string, kind: string): Finding | undefined {
  if (linkname.includes(NUL))
    return ['control-character', `${named} is a ${kind} whose target has a NUL byte`];
  if (linkname === '') return ['link-target', `${named} is a ${kind} with an empty target`];
  if (Buffer.byteLength(linkname) >= 4096) {
    return ['path-too-long', `${named} is a ${kind} whose target is longer than Linux allows (4095 bytes)`];
  }
  return undefined;
}
