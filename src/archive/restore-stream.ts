/**
 * Apply step of a restore: re-emits a planned archive as an uncompressed tar rooted for the engine's
 * `PUT /containers/{id}/archive?path=/v` (entries `./`, `./dir/`, `./file`), or under a folder name
 * (`v/`, `v/file`) for an upload at `/`; optionally only one path.
 */
import { createHash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { invalid } from '../core/errors.ts';
import { decompressedChunks } from './compression.ts';
import { isWithin, normaliseEntryPath, tarName } from './entry-path.ts';
import { ProblemList } from './problem-list.ts';
import type { RestorePlan } from './restore-plan.ts';
import { SafetyRules } from './safety-rules.ts';
import type { TarHeader } from './tar-header.ts';
import { TarRewriter } from './tar-rewriter.ts';
import { splitTar, type SplitTar } from './tar-splitter.ts';

export interface RestoreStreamOptions {
  /**
   * Name entries under this folder instead of `./` (`v` gives `v/`, `v/a`), for an upload at the folder's
   * parent. The engine applies the root entry's owner and mode then, which it skips for `./`.
   */
  under?: string;
}

/**
 * Returns the tar to send to the engine. Throws `invalid` at once when the plan is not ok. The same safety
 * rules run again on this second read, so nothing unsafe is emitted even if the archive changed after
 * planning; if its SHA-256 differs from the plan's, the stream errors before its end-of-archive marker, so
 * the engine never receives a complete tar.
 */
export function createRestoreStream(
  archive: AsyncIterable<Buffer | Uint8Array>,
  plan: RestorePlan,
  options: RestoreStreamOptions = {},
): Readable {
  const rewriter = new TarRewriter({ entry: entryMapper(plan, options) });
  pipeline(Readable.from(checkedChunks(archive, plan), { objectMode: false }), rewriter, () => {});
  return rewriter;
}

/** Per entry of the restored data: data bytes plus this, for balancing the parts of a split restore. */
const ENTRY_COST = 16 * 1024;

/**
 * The restore as `parts` tars for the engine to extract side by side, then `last` (see tar-splitter.ts),
 * with the same checks and guarantees as {@link createRestoreStream}: an unsafe entry or a changed archive
 * fails every part before its end-of-archive marker. Hard links go to the part of their target.
 */
export function createRestoreParts(
  archive: AsyncIterable<Buffer | Uint8Array>,
  plan: RestorePlan,
  parts: number,
  options: RestoreStreamOptions = {},
): SplitTar {
  const map = entryMapper(plan, options);
  const load = new Array<number>(parts).fill(0);
  const partOf = new Map<string, number>();
  return splitTar(checkedChunks(archive, plan), parts, (header) => {
    const output = map(header);
    if (output === undefined) return undefined;
    if (output.type === 'directory') return { header: output, to: 'last' };
    const to =
      output.type === 'hardlink' ? (partOf.get(output.linkname) ?? 0) : load.indexOf(Math.min(...load));
    load[to]! += output.size + ENTRY_COST;
    if (output.type === 'file') partOf.set(output.name, to);
    return { header: output, to };
  });
}

function assertRestorable(plan: RestorePlan): void {
  if (!plan.ok) {
    const first = plan.problems[0]?.message ?? 'the archive failed its checks';
    throw invalid(`refusing to restore: ${first}`, 'run verify on the archive for the full list of problems');
  }
}

/** Checks every entry against the safety rules again and names it for the engine. */
function entryMapper(
  plan: RestorePlan,
  options: RestoreStreamOptions,
): (header: TarHeader) => TarHeader | undefined {
  assertRestorable(plan);
  const rules = new SafetyRules({ allowDevices: plan.allowDevices });
  const problems = new ProblemList();
  return (header) => {
    const { path, problem } = normaliseEntryPath(header.name);
    const inside = isWithin(path, plan.path);
    const entry = {
      name: header.name,
      path,
      pathProblem: problem,
      type: header.type,
      linkname: header.linkname,
    };
    if (!rules.check(entry, problems, inside)) {
      throw invalid(`refusing to restore: ${problems.items[0]?.message ?? header.name}`);
    }
    const output = rename(header, path, inside, plan.path, plan.linkTargets);
    return output === undefined || options.under === undefined ? output : reroot(output, options.under);
  };
}

/**
 * The archive's tar bytes; throws at the end if the archive changed since planning. Callers write their
 * own end-of-archive marker only after this ended well, so the engine never sees a complete tar then.
 */
async function* checkedChunks(
  archive: AsyncIterable<Buffer | Uint8Array>,
  plan: RestorePlan,
): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  yield* decompressedChunks(archive, { raw: (raw) => hash.update(raw) });
  const sha256 = hash.digest('hex');
  if (sha256 !== plan.sha256) {
    throw invalid(`the archive changed since it was checked (SHA-256 ${sha256}, planned ${plan.sha256})`);
  }
}

/** The header to emit for an entry, or undefined to leave it out (see RestorePlan.linkTargets). */
function rename(
  header: TarHeader,
  path: string,
  inside: boolean,
  selection: string,
  linkTargets: Record<string, string>,
): TarHeader | undefined {
  if (!inside) {
    // A target outside the selection is written where its first selected hard link was.
    const holder = linkTargets[path];
    return holder === undefined ? undefined : { ...header, name: tarName(holder, header.type) };
  }
  if (header.type !== 'hardlink') return { ...header, name: tarName(path, header.type) };
  const target = normaliseEntryPath(header.linkname).path;
  const holder = isWithin(target, selection) ? undefined : linkTargets[target];
  if (holder === path) return undefined;
  return { ...header, name: path, linkname: holder ?? target };
}

/** Moves a `./`-rooted entry (and a hard link's target) under `folder`. */
function reroot(header: TarHeader, folder: string): TarHeader {
  const base = folder.replace(/^\/+|\/+$/g, '');
  const move = (name: string) => `${base}/${name.replace(/^\.\/?/, '')}`;
  const linkname = header.type === 'hardlink' ? move(header.linkname) : header.linkname;
  return { ...header, name: move(header.name), linkname };
}
