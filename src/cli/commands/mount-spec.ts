import { invalid } from '../../core/errors.ts';
import { checkLocalDriverOptions, checkLocalVolumeName, checkOnHost } from '../../mounts/check-on-host.ts';
import { formatLong } from '../../mounts/format-long-spec.ts';
import { formatShort } from '../../mounts/format-short-spec.ts';
import type { HostProbe, MountSpec, MountSyntax } from '../../mounts/mount-spec.ts';
import { parseLongSpec } from '../../mounts/parse-long-spec.ts';
import { parseShortSpec } from '../../mounts/parse-short-spec.ts';
import { plural } from '../../core/terminal-text.ts';

export interface MountSpecOptions {
  /** A `--mount` value to check instead of a `-v` spec. */
  mount?: string;
  /** Print the spec converted to this syntax: `mount` (--mount) or `volume` (-v/--volume). */
  to?: string;
  json?: boolean;
}

interface Dependencies {
  /** When the engine is local: also check the host (bind source exists, daemon root propagation). */
  probe?: HostProbe;
  /** Where `.`-relative sources resolve, as the docker CLI resolves them; defaults to the process's. */
  cwd?: string;
  /** Whether the engine has a volume of that name (a mount uses it as it is, options and all). */
  volumeExists?: (name: string) => Promise<boolean>;
}

/**
 * `stowage mount-spec check [SPEC] [--mount SPEC] [--to mount|volume] [--json]`: validates a `-v` spec or a
 * `--mount` value as Docker would (same verdict, same message), prints what it means, and optionally the same
 * mount in the other syntax.
 *
 * @throws StowageError 'invalid' for an invalid spec, a spec the other syntax cannot express, or bad flags.
 */
export async function mountSpecCheck(
  spec: string | undefined,
  options: MountSpecOptions,
  out: { write(text: string): void },
  deps: Dependencies = {},
): Promise<void> {
  if (spec !== undefined && options.mount !== undefined) {
    throw invalid('give either a -v SPEC or --mount SPEC, not both');
  }
  if (spec === undefined && options.mount === undefined) {
    throw invalid(
      'a mount spec is required',
      'e.g. stowage mount-spec check data:/data:ro, or --mount type=bind,source=/srv,target=/srv',
    );
  }
  if (options.to !== undefined && options.to !== 'mount' && options.to !== 'volume') {
    throw invalid(`invalid value for --to: ${options.to}`, 'use --to mount or --to volume');
  }
  const syntax: MountSyntax = options.mount !== undefined ? 'long' : 'short';
  const parseOptions = { cwd: deps.cwd ?? process.cwd() };
  const parsed =
    syntax === 'long' ? parseLongSpec(options.mount!, parseOptions) : parseShortSpec(spec!, parseOptions);
  // The local driver's rules need no host, only whether the volume exists; the rest applies to a local engine.
  const volumeExists = deps.volumeExists;
  if (deps.probe) await checkOnHost(parsed, { ...deps.probe, ...(volumeExists && { volumeExists }) }, syntax);
  else {
    checkLocalVolumeName(parsed);
    const named = parsed.type === 'volume' && parsed.source !== '';
    checkLocalDriverOptions(
      parsed,
      named && volumeExists !== undefined && (await volumeExists(parsed.source)),
    );
  }

  const converted =
    options.to === undefined ? undefined : options.to === 'mount' ? formatLong(parsed) : formatShort(parsed);
  // The one behaviour that changes with the syntax rather than with the spec.
  const note =
    converted !== undefined && parsed.type === 'bind' && syntax === 'short' && options.to === 'mount'
      ? `unlike -v, --mount does not create a missing source: ${parsed.source} must exist`
      : undefined;
  if (options.json) {
    const result = {
      syntax: syntax === 'long' ? 'mount' : 'volume',
      spec: parsed,
      ...(converted !== undefined && { converted: { to: options.to, spec: converted } }),
      ...(note !== undefined && { note }),
    };
    out.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const rows = summary(parsed);
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `${label.padEnd(width)}   ${value}`);
  if (converted !== undefined)
    lines.push('', `${options.to === 'mount' ? '--mount' : '-v'} ${shellWord(converted)}`);
  if (note !== undefined) lines.push(`(${note})`);
  out.write(`${lines.join('\n')}\n`);
}

function summary(spec: MountSpec): [string, string][] {
  const rows: [string, string][] = [['type', spec.type]];
  if (spec.type === 'bind') rows.push(['source', `${spec.source} (host path)`]);
  if (spec.type === 'volume')
    rows.push(['source', spec.source === '' ? '(anonymous volume)' : `${spec.source} (named volume)`]);
  rows.push(['target', spec.target], ['mode', spec.readOnly ? 'ro (read-only)' : 'rw (read-write)']);
  if (spec.type === 'bind') {
    rows.push(['propagation', spec.propagation ?? 'rprivate (default)']);
    if (spec.nonRecursive) rows.push(['recursive', 'no (submounts are not mounted)']);
  }
  if (spec.type !== 'tmpfs' && spec.selinuxLabel) {
    rows.push([
      'selinux',
      spec.selinuxLabel === 'z'
        ? 'z (relabel, shared among containers)'
        : 'Z (relabel, private to this container)',
    ]);
  }
  if (spec.type === 'volume') {
    rows.push([
      'copy',
      spec.noCopy ? 'no (nocopy)' : "yes (a new, empty volume gets the image's files at the target)",
    ]);
    if (spec.driver !== undefined) rows.push(['driver', spec.driver]);
    for (const [key, value] of Object.entries(spec.labels ?? {})) rows.push(['label', `${key}=${value}`]);
    for (const [key, value] of Object.entries(spec.driverOptions ?? {}))
      rows.push(['driver option', `${key}=${value}`]);
  }
  if (spec.type === 'tmpfs') {
    rows.push([
      'size',
      spec.sizeBytes === undefined ? 'kernel default (half of RAM)' : binarySize(spec.sizeBytes),
    ]);
    rows.push([
      'permissions',
      spec.mode === undefined ? 'kernel default (1777)' : spec.mode.toString(8).padStart(4, '0'),
    ]);
  }
  if (spec.consistency !== undefined) rows.push(['consistency', `${spec.consistency} (ignored on Linux)`]);
  return rows;
}

/** `64 MiB (67108864 bytes)`, in the largest binary unit that divides the size. */
function binarySize(bytes: number): string {
  for (const [unit, factor] of [
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ] as const) {
    if (bytes % factor === 0) return `${bytes / factor} ${unit} (${plural(bytes, 'byte')})`;
  }
  return plural(bytes, 'byte');
}

/** Quotes a word for a POSIX shell when it holds anything but safe characters. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
