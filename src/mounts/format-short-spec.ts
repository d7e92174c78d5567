import { invalid, isStowageError } from '../core/errors.ts';
import { cleanPath } from './go-path.ts';
import type { MountSpec } from './mount-spec.ts';
import { hasCliSource } from './parse-short-spec.ts';

const SHORT_CONSISTENCY = new Set(['consistent', 'cached', 'delegated']);
const VOLUME_CREATE_HINT =
  'create the volume first (docker volume create --driver/--label/--opt ...), then -v NAME:TARGET';

/**
 * The `-v` spec for a spec: `[SOURCE:]TARGET[:OPTIONS]` with options in a fixed order and `rw` left out
 * (but for a one-letter source, which needs it: `v:/data:rw`).
 * `parseShortSpec(formatShort(spec))` gives back `spec`.
 *
 * @throws StowageError 'invalid' naming the first thing `-v` cannot say: `type=tmpfs` (and with it `tmpfs-size`,
 *   `tmpfs-mode`), `volume-driver`, `volume-label`, `volume-opt`, `bind-nonrecursive`, a consistency other than
 *   consistent/cached/delegated, options on an anonymous volume, a `:` in a path, a volume name that starts
 *   with `/` (which `-v` reads as a host path) or a bind source that does not (which `-v` reads as a name).
 */
export function formatShort(spec: MountSpec): string {
  const refuse = (what: string, hint?: string) => invalid(`${what} has no -v equivalent`, hint);
  if (spec.type === 'tmpfs') {
    const options = [
      spec.sizeBytes !== undefined && 'tmpfs-size',
      spec.mode !== undefined && 'tmpfs-mode',
    ].filter(Boolean);
    const also = options.length > 0 ? ` (with ${options.join(', ')})` : '';
    throw refuse(`type=tmpfs${also}`, `use --tmpfs ${spec.target}, or keep --mount`);
  }
  if (spec.type === 'volume') {
    if (spec.driver !== undefined)
      throw refuse(
        `volume-driver=${spec.driver}`,
        `docker run --volume-driver applies to every -v volume; or ${VOLUME_CREATE_HINT}`,
      );
    if (spec.labels !== undefined) throw refuse('volume-label', VOLUME_CREATE_HINT);
    if (spec.driverOptions !== undefined) throw refuse('volume-opt', VOLUME_CREATE_HINT);
    if (spec.source.startsWith('/')) {
      throw refuse(
        `the volume name "${spec.source}"`,
        '-v reads a source that starts with "/" as a host path',
      );
    }
  }
  if (spec.type === 'bind') {
    if (spec.nonRecursive) throw refuse('bind-nonrecursive', 'keep --mount');
    // --mount accepts `\srv` (the engine reads a backslash as a slash there); -v would take it for a name.
    if (!spec.source.startsWith('/')) {
      throw refuse(
        `the bind source "${spec.source}"`,
        '-v reads a source that does not start with "/" as a volume name',
      );
    }
  }
  if (spec.consistency !== undefined && !SHORT_CONSISTENCY.has(spec.consistency)) {
    throw refuse(`consistency=${spec.consistency}`, 'Linux ignores consistency; leave it out');
  }
  // With a source, `-v` splits at every ":". Without one, the spec is the target, provided the CLI's split
  // finds no source in it either (`C:/x` is a drive letter and stays whole; `/a:b` would be a bind).
  const paths =
    spec.source === ''
      ? []
      : ([
          ['source', spec.source],
          ['target', spec.target],
        ] as const);
  for (const [name, path] of paths) {
    if (path.includes(':'))
      throw refuse(`the ${name} "${path}" (it holds a ":")`, 'keep --mount, which has no separator problem');
  }
  if (spec.source === '' && spec.target.includes(':') && !staysAnonymous(spec.target)) {
    throw refuse(
      `the target "${spec.target}" (it holds a ":")`,
      'keep --mount, which has no separator problem',
    );
  }

  const options: string[] = [];
  if (spec.readOnly) options.push('ro');
  if (spec.selinuxLabel) options.push(spec.selinuxLabel);
  if (spec.type === 'bind' && spec.propagation) options.push(spec.propagation);
  if (spec.type === 'volume' && spec.noCopy) options.push('nocopy');
  if (spec.consistency !== undefined) options.push(spec.consistency);

  if (spec.source === '') {
    // `-v TARGET` takes no options: `-v /data:nocopy` reads as a source and a target.
    if (options.length > 0) {
      throw refuse(
        `"${options.join(',')}" on an anonymous volume`,
        'name the volume, e.g. -v data:/data:nocopy',
      );
    }
    // -v cleans the path without reading a backslash as a separator (`/a\b/..` is `/`), unlike --mount.
    if (cleanPath(spec.target) === '/') {
      throw refuse(
        `the target "${spec.target}" (-v reads it as the container's root)`,
        'keep --mount, or write the target without ".."',
      );
    }
    return spec.target;
  }
  // `v:/data` is a drive letter for the CLI, which would send the whole spec as an anonymous volume's path;
  // `v:/data:rw` has a third part, so the CLI finds a source and the engine reads volume v at /data.
  if (options.length === 0 && staysAnonymous(`${spec.source}:${spec.target}`)) options.push('rw');
  return [spec.source, spec.target, ...(options.length > 0 ? [options.join(',')] : [])].join(':');
}

/** Whether `-v TARGET` reads back as an anonymous volume at TARGET. */
function staysAnonymous(target: string): boolean {
  try {
    return !hasCliSource(target);
  } catch (error) {
    if (isStowageError(error, 'invalid')) return false; // `a::b`: the split refuses it
    throw error;
  }
}
