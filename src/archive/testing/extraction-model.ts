/**
 * A reference model of extracting a tar into a volume, written independently of SafetyRules to judge it:
 * names are resolved component by component the way the kernel resolves them (`..` included, symlinks
 * noticed), missing parent folders are created as the engine's extraction does (MkdirAll), and anything a
 * restore must never do is reported as a violation. Used by the property test and bench/fuzz/archive.ts.
 */
import type { EntryType } from '../tar-header.ts';

export interface ModelEntry {
  name: string;
  type: EntryType;
  linkname: string;
}

type Kind = 'folder' | 'file' | 'symlink' | 'device' | 'fifo';

interface VNode {
  kind: Kind;
  children: Map<string, VNode> | undefined;
}

/** Linux: PATH_MAX counts the final NUL, NAME_MAX is per component. */
const PATH_MAX = 4096;
/** The engine extracts each entry by this absolute path in the restore helper: `/v/<path>`. */
const ENGINE_PREFIX = '/v/';
const NAME_MAX = 255;

/**
 * The first thing extracting `entries` in this order would do wrong, or undefined: write outside the root,
 * write through a symlink, replace an existing path (not two folders merging), write below a non-folder,
 * use a name the kernel refuses (NUL, too long), link to nothing or to a folder, or create a device when
 * devices are not allowed.
 */
export function extractionViolation(
  entries: readonly ModelEntry[],
  allowDevices: boolean,
): string | undefined {
  const root: VNode = { kind: 'folder', children: new Map() };
  for (const entry of entries) {
    const problem = extractOne(root, entry, allowDevices);
    if (problem !== undefined) return `${JSON.stringify(entry.name)}: ${problem}`;
  }
  return undefined;
}

/**
 * The order a split restore may use (see restore-stream.ts): every non-folder entry in archive order, then
 * the folders (whose times and modes are applied last).
 */
export function splitOrder(entries: readonly ModelEntry[]): ModelEntry[] {
  return [...entries.filter((e) => e.type !== 'directory'), ...entries.filter((e) => e.type === 'directory')];
}

function extractOne(root: VNode, entry: ModelEntry, allowDevices: boolean): string | undefined {
  const { name, type, linkname } = entry;
  if (name.includes('\0')) return 'the kernel refuses a NUL in a name';
  if (name.startsWith('/')) return 'an absolute path';
  const walked = walk(root, name, true);
  if (typeof walked === 'string') return walked;
  const { parent, last, depthBytes } = walked;
  if (ENGINE_PREFIX.length + depthBytes >= PATH_MAX) return 'ENAMETOOLONG';
  if (type === 'char-device' || type === 'block-device') {
    if (!allowDevices) return 'a device while devices are not allowed';
  }
  if (
    type === 'symlink' &&
    (linkname.includes('\0') || linkname === '' || Buffer.byteLength(linkname) >= PATH_MAX)
  )
    return 'a symlink target the kernel refuses';
  let linked: VNode | undefined;
  if (type === 'hardlink') {
    if (linkname.includes('\0') || linkname.startsWith('/')) return 'a hard link out of the volume';
    const target = walk(root, linkname, false);
    if (typeof target === 'string') return `hard link target: ${target}`;
    linked = target.last === undefined ? target.parent : target.parent.children?.get(target.last);
    if (linked === undefined) return 'a hard link to nothing';
    if (linked.kind === 'folder') return 'a hard link to a folder';
  }
  if (last === undefined) return type === 'directory' ? undefined : 'the root replaced by a non-folder';
  const existing = parent.children?.get(last);
  if (existing !== undefined) {
    if (existing.kind === 'folder' && type === 'directory') return undefined;
    return `replaces an existing ${existing.kind}`;
  }
  parent.children ??= new Map();
  parent.children.set(
    last,
    linked ?? { kind: kindOf(type), children: type === 'directory' ? new Map() : undefined },
  );
  return undefined;
}

function kindOf(type: EntryType): Kind {
  if (type === 'directory') return 'folder';
  if (type === 'symlink') return 'symlink';
  if (type === 'char-device' || type === 'block-device') return 'device';
  if (type === 'fifo') return 'fifo';
  return 'file';
}

/**
 * Resolves a relative name: every component but the last must be a folder (created when missing and
 * `create`); `..` climbs, and climbing above the root is an escape. Returns the folder holding the last
 * component and its name (undefined for the root itself), or the violation.
 */
function walk(
  root: VNode,
  name: string,
  create: boolean,
): { parent: VNode; last: string | undefined; depthBytes: number } | string {
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  const stack: VNode[] = [root];
  // The bytes of `a/b/c`: every component and the slashes between them.
  let bytes = -1;
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i]!;
    if (Buffer.byteLength(part) > NAME_MAX) return 'ENAMETOOLONG (a component)';
    bytes += Buffer.byteLength(part) + 1;
    if (part === '..') {
      if (stack.length === 1) return 'escapes the volume through ".."';
      // A name ending in ".." names a folder above: stricter than needed, and no safe archive needs it.
      if (i === parts.length - 1) return 'a name ending in ".."';
      stack.pop();
      continue;
    }
    const here = stack.at(-1)!;
    if (i === parts.length - 1) return { parent: here, last: part, depthBytes: bytes };
    let next = here.children?.get(part);
    if (next === undefined) {
      if (!create) return 'a path through nothing';
      next = { kind: 'folder', children: new Map() };
      here.children ??= new Map();
      here.children.set(part, next);
    }
    if (next.kind === 'symlink') return 'writes through a symlink';
    if (next.kind !== 'folder') return `ENOTDIR: below a ${next.kind}`;
    stack.push(next);
  }
  return { parent: stack.at(-1)!, last: undefined, depthBytes: bytes };
}
