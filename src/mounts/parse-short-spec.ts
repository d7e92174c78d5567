/**
 * `-v`/`--volume` short syntax, `[SRC:]DST[:OPTS]`, judged as `docker create -v SPEC` judges it with the
 * docker CLI 28 in front of a Docker 20.10 engine: first the CLI's own split of the spec (which refuses empty
 * sections and a fourth part), then, when the split finds a source, the engine's `ParseMountRaw` on what the
 * CLI sends as `HostConfig.Binds`.
 *
 * When the split finds no source, the CLI sends the whole spec as an anonymous volume (`Config.Volumes`),
 * which the engine takes as it is, relative or odd: `-v data`, `-v :`, `-v ::`, `-v C:`, `-v 'my vol'` and
 * `-v a:/data` (a one-letter first part is read as a Windows drive) each make an anonymous volume at that
 * path, which the engine cleans and puts under the container's root. So does this parser: the spec is the
 * target, as written.
 *
 * Two deliberate differences from `docker create`, both for specs Docker accepts at create and then fails
 * to start: a NUL character (see `nulInSpec`), and an anonymous volume at `/` (see `rootTarget`).
 */
import { invalid } from '../core/errors.ts';
import { emptyVolumeOptions, toMountSpec, validateEngineMount } from './engine-mount.ts';
import type { EngineMount } from './engine-mount.ts';
import { cleanPath } from './go-path.ts';
import type { MountSpec, ParseOptions } from './mount-spec.ts';
import { parseShortMode } from './short-mode.ts';

/**
 * Parses a `-v` spec into a `MountSpec`. A source that is an absolute path makes a bind mount, any other
 * source names a volume, no source makes an anonymous volume.
 *
 * @throws StowageError 'invalid' with the CLI's message (`invalid spec: a::b: empty section between colons`)
 *   or the engine's (`invalid mode: bogus`, `invalid volume specification: '/data:rw'`, ...); and for a NUL
 *   character, which Docker only refuses when the container starts.
 */
export function parseShortSpec(text: string, options: ParseOptions = {}): MountSpec {
  // What reaches the CLI is UTF-8: a lone UTF-16 surrogate cannot, so it reads as U+FFFD as in --mount.
  const spec = text.toWellFormed();
  if (spec.includes('\0')) throw nulInSpec();
  const cliSource = cliSplit(spec);
  if (cliSource === '') return anonymousVolume(spec);
  const raw = resolveRelativeSource(spec, cliSource, options.cwd);
  return parseMountRaw(raw);
}

/**
 * Whether the CLI's split finds a source in `spec`, so that the engine judges it as a bind or named volume;
 * otherwise it is an anonymous volume at the path `spec`. For a spec `cliSplit` accepts.
 */
export function hasCliSource(spec: string): boolean {
  return cliSplit(spec) !== '';
}

/** `Config.Volumes`: the engine creates a volume at `filepath.Clean(spec)` under the root, unchecked. */
function anonymousVolume(spec: string): MountSpec {
  if (cleanPath(spec) === '/') throw rootTarget(spec);
  return { type: 'volume', source: '', target: spec, readOnly: false };
}

/**
 * Refused by Stowage, not by `docker create`: an anonymous volume over the container's whole root is
 * accepted, and the container then cannot start. The message is the engine's for the same mount as a bind.
 */
function rootTarget(spec: string) {
  return invalid(
    `invalid volume specification: '${spec}': invalid mount config for type "volume": invalid specification: destination can't be '/'`,
    'a volume cannot replace the whole container filesystem: mount it at a folder, e.g. -v /data',
  );
}

/**
 * The CLI's split (`cli/compose/loader.ParseVolume`). It only matters here for what it refuses and for the
 * source it finds; everything it accepts is judged again by the engine.
 */
function cliSplit(spec: string): string {
  if (spec === '') throw invalid('invalid empty volume spec', 'give a target path, e.g. -v /data');
  // Specs of one or two bytes are taken whole as an anonymous volume's target.
  if (new TextEncoder().encode(spec).length <= 2) return '';
  let source = '';
  let target = '';
  let buffer = '';
  // The CLI appends a NUL as its end marker (the spec holds none: see nulInSpec).
  for (const char of [...spec, '\0']) {
    const windowsDrive = char === ':' && [...buffer].length === 1 && /^\p{L}$/u.test(buffer);
    if (windowsDrive) buffer += char;
    else if (char === ':' || char === '\0') {
      const problem =
        buffer === ''
          ? 'empty section between colons'
          : source !== '' && target !== '' && char === ':'
            ? 'too many colons'
            : undefined;
      if (problem) throw invalid(`invalid spec: ${spec}: ${problem}`, 'write -v [SOURCE:]TARGET[:OPTIONS]');
      if (source === '' && char === '\0') target = buffer;
      else if (source === '') source = buffer;
      else if (target === '') target = buffer;
      buffer = '';
    } else buffer += char;
  }
  return source;
}

/**
 * Refused by Stowage, not by Docker: no path or volume name can hold a NUL, so Docker accepts such a `-v` spec
 * only to fail when the container starts (and the CLI's split reads a NUL as the end of the spec).
 */
export function nulInSpec() {
  return invalid('a mount spec cannot contain a NUL character', 'no path or volume name can hold one');
}

/**
 * The CLI turns a `.`-relative bind source (`./data`, `..`) into an absolute path before sending it. (Its rule
 * is "the source it split off is a file path and starts with `.`"; without NUL, a spec that starts with `.`
 * has exactly that source.)
 */
function resolveRelativeSource(spec: string, cliSource: string, cwd: string | undefined): string {
  const colon = spec.indexOf(':');
  if (cwd === undefined || cliSource === '' || colon < 0 || !spec.startsWith('.')) return spec;
  return `${cleanPath(`${cwd}/${spec.slice(0, colon)}`)}${spec.slice(colon)}`;
}

/** The engine's `linuxParser.ParseMountRaw`, without a `--volume-driver`. */
function parseMountRaw(raw: string): MountSpec {
  const badSpec = () =>
    invalid(
      `invalid volume specification: '${raw}'`,
      'write -v [SOURCE:]TARGET[:OPTIONS] with an absolute TARGET',
    );
  const parts = raw.split(':');
  if (parts.length > 3 || parts[0] === '') throw badSpec();
  const [first, second, third] = parts as [string, string?, string?];
  // `/data:rw` is a target and a mode without a source, which the engine refuses.
  if (parts.length === 2 && parseShortMode(second!) !== undefined) throw badSpec();
  const source = parts.length === 1 ? '' : first;
  const target = parts.length === 1 ? first : second!;
  const modeText = third ?? '';
  const mode = parseShortMode(modeText);
  if (!mode) {
    throw invalid(
      `invalid mode: ${modeText}`,
      'options are ro|rw, z|Z, nocopy, a propagation mode, cached|delegated|consistent',
    );
  }
  const mount: EngineMount = {
    type: source.startsWith('/') ? 'bind' : 'volume',
    source,
    target,
    readOnly: mode.readOnly,
    consistency: mode.consistency ?? '',
  };
  // As in the engine, an option creates its options block, and the block is what a wrong type is refused for.
  if (mode.noCopy) mount.volumeOptions = { ...emptyVolumeOptions(), noCopy: true };
  if (mode.propagation) mount.bindOptions = { propagation: mode.propagation, nonRecursive: false };
  const refused = validateEngineMount(mount);
  if (refused) throw invalid(`invalid volume specification: '${raw}': ${refused}`);
  return toMountSpec(mount, mode.selinuxLabel);
}
