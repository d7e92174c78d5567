/**
 * Restore planning: read the whole archive before anything is written, and say whether restoring it is
 * safe (see SafetyRules) and intact (see verifyArchive). Read → pure plan → apply: the apply step is
 * createRestoreStream, which takes this plan.
 */
import { invalid, notFound } from '../core/errors.ts';
import { ROOT_PATH, isWithin, normaliseEntryPath } from './entry-path.ts';
import { countEntry, emptyCounts } from './manifest.ts';
import type { ContentCounts } from './manifest.ts';
import { quoteName } from './problem-list.ts';
import type { ProblemList } from './problem-list.ts';
import { SafetyRules } from './safety-rules.ts';
import type { SafetyOptions } from './safety-rules.ts';
import { verifyArchive } from './verify-archive.ts';
import type { VerifyOptions, VerifyReport } from './verify-archive.ts';
import type { ArchiveEntry } from './archive-reader.ts';

export interface RestorePlanOptions extends SafetyOptions, Omit<VerifyOptions, 'inspect'> {
  /** Restore only this path of the volume (`restore --path P`), relative to the volume root. */
  path?: string;
}

export interface RestorePlan extends VerifyReport {
  /** The selected path, normalised (`./` for the whole volume). */
  path: string;
  allowDevices: boolean;
  /** What the restore will write. */
  selected: ContentCounts;
  /**
   * Hard links inside `path` whose target lies outside it: target path → the selected path that receives
   * the target's content in its place (the other links then point there).
   */
  linkTargets: Record<string, string>;
}

/**
 * Reads the archive once and returns the plan. `ok` is false, with every problem named by entry, when an
 * entry has an absolute path or a `..` component, would be written through a symlink the archive created,
 * is a hard link out of the archive or to no earlier entry, is a device (unless `allowDevices`), or when a
 * checksum differs from the manifest or the file list, or the archive is damaged (see SafetyRules for the
 * whole rule set, which verify applies too). Throws `invalid` for a bad `path`, `not-found` for a `path`
 * the archive holds nothing at, and the errors of the underlying streams. Memory: the rules remember every path (about 100
 * bytes each), since a hard link may point at any earlier entry.
 */
export async function planRestore(
  archive: AsyncIterable<Buffer | Uint8Array>,
  options: RestorePlanOptions = {},
): Promise<RestorePlan> {
  const path = selectionPath(options.path);
  const allowDevices = options.allowDevices ?? false;
  const rules = new SafetyRules({ allowDevices });
  const selected = emptyCounts();
  const linkTargets: Record<string, string> = {};
  const inspect = (entry: ArchiveEntry, problems: ProblemList) => {
    const inside = isWithin(entry.path, path);
    if (!rules.check(entry, problems, inside) || !inside) return;
    countEntry(selected, entry.type, entry.size);
    if (entry.type === 'hardlink') planOutsideLink(entry, path, rules, linkTargets, problems, allowDevices);
  };
  const report = await verifyArchive(archive, {
    manifest: options.manifest,
    fileList: options.fileList,
    inspect,
  });
  // Restoring nothing would create an empty volume and report success: a path the archive does not hold
  // is a mistake to name, before anything is created.
  if (report.ok && path !== ROOT_PATH && selected.entries === 0) {
    throw notFound(
      `restore --path ${quoteName(options.path ?? path)}: the archive holds nothing at ${quoteName(path)}; nothing was created`,
      'list what it holds with `stowage ls-archive ARCHIVE`',
    );
  }
  return { ...report, path, allowDevices, selected, linkTargets };
}

/** Normalises `restore --path`; throws `invalid` for a path that leaves the volume. */
export function selectionPath(path: string | undefined): string {
  if (path === undefined || path === '') return ROOT_PATH;
  const normalised = normaliseEntryPath(path.replace(/^\/+/, ''));
  if (normalised.problem !== undefined) {
    throw invalid(
      `restore path "${path}" leaves the volume`,
      'give a path inside the volume, e.g. "data/db"',
    );
  }
  return normalised.path;
}

function planOutsideLink(
  entry: ArchiveEntry,
  path: string,
  rules: SafetyRules,
  linkTargets: Record<string, string>,
  problems: ProblemList,
  allowDevices: boolean,
): void {
  const target = normaliseEntryPath(entry.linkname).path;
  if (isWithin(target, path) || linkTargets[target] !== undefined) return;
  const type = rules.typeAt(target);
  const device = type === 'char-device' || type === 'block-device';
  if (type === 'hardlink' || (device && !allowDevices)) {
    problems.add(
      'hardlink-target',
      `entry ${quoteName(entry.name)} is a hard link to ${quoteName(entry.linkname)} outside the restored path, which is a ${type}`,
      entry.name,
    );
    return;
  }
  linkTargets[target] = entry.path;
}
