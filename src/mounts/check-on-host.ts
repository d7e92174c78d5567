/**
 * What the engine decides about a mount only once it looks at its host or its volume driver, with the engine's
 * messages (Docker 20.10): a missing `--mount` bind source, a bind of the daemon's root with a propagation that
 * would pin its mounts, and a volume name the `local` driver refuses. Kept apart from the parsers so they stay
 * pure; the host is reached only through the injected `HostProbe`.
 */
import { invalid } from '../core/errors.ts';
import { goQuote } from './go-strconv.ts';
import { localOptionsProblem } from './local-driver-rules.ts';
import type { HostProbe, MountSpec, MountSyntax } from './mount-spec.ts';

/**
 * Checks a parsed spec against the engine's host, in the engine's order. Run it only when the engine is local
 * (the probe answers for this host's filesystem). A `-v` bind source may be missing: the engine creates it
 * when the container starts; a `--mount` bind source must exist.
 *
 * @throws StowageError 'invalid' with the engine's message, e.g.
 *   `invalid mount config for type "bind": bind source path does not exist: /x`.
 */
export async function checkOnHost(spec: MountSpec, probe: HostProbe, syntax: MountSyntax): Promise<void> {
  if (spec.type === 'bind') {
    if (syntax === 'long' && !(await probe.pathExists(spec.source))) {
      throw invalid(
        `invalid mount config for type "bind": bind source path does not exist: ${spec.source}`,
        'create the directory first, or use -v, which creates a missing source directory',
      );
    }
    const root = await probe.daemonRoot?.();
    if (root !== undefined) checkDaemonRoot(spec.source, spec.propagation ?? '', root);
  }
  checkLocalVolumeName(spec);
  const exists = spec.type === 'volume' && spec.source !== '' && (await probe.volumeExists?.(spec.source));
  checkLocalDriverOptions(spec, exists === true);
}

/**
 * The engine's `validateBindDaemonRoot`: a bind whose source holds the daemon root, or lies inside it, must
 * propagate unmounts (`rslave`, `rshared`, or none given, which the engine turns into `rslave`). The engine
 * compares raw string prefixes, so `/tmp` holds `/tmp/docker` and `/var/lib/docker-old` is inside `/var/lib/docker`.
 */
function checkDaemonRoot(source: string, propagation: string, root: string) {
  if (!source.startsWith(root) && !root.startsWith(source)) return;
  if (propagation === '' || propagation === 'rslave' || propagation === 'rshared') return;
  throw invalid(
    `invalid mount config: must use either propagation mode "rslave" or "rshared" when mount source is within the daemon root, daemon root: ${goQuote(root)}, bind mount source: ${goQuote(source)}, propagation: ${goQuote(propagation)}`,
    'use propagation rslave, or leave it out',
  );
}

const LOCAL_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/**
 * The `local` driver's name rule, for a named volume the default driver (or `volume-driver=local`) would
 * create. Pure, so it also applies to a remote engine. (An existing volume of that name under another driver
 * would be used instead; that needs the engine and is not checked.)
 *
 * @throws StowageError 'invalid' with the engine's message, e.g. `create v: volume name is too short, names
 *   should be at least two alphanumeric characters`.
 */
export function checkLocalVolumeName(spec: MountSpec): void {
  if (spec.type !== 'volume' || spec.source === '' || (spec.driver ?? 'local') !== 'local') return;
  const name = spec.source;
  // Go's len() counts bytes: "é" is two bytes, so it fails the pattern rather than the length.
  if (new TextEncoder().encode(name).length === 1) {
    throw invalid(
      `create ${name}: volume name is too short, names should be at least two alphanumeric characters`,
      'use a name of two characters or more',
    );
  }
  if (!LOCAL_NAME.test(name)) {
    throw invalid(
      `create ${name}: ${goQuote(name)} includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
      name.startsWith('.')
        ? 'a bind source must be absolute: pass the working directory, or write the full path'
        : undefined,
    );
  }
}

/**
 * The `local` driver's option rule for a volume the mount creates (`--mount ...,volume-opt=...`): an
 * anonymous volume always, a named one unless `exists`. Pure, so it also applies to a remote engine.
 *
 * @throws StowageError 'invalid' with the engine's message, e.g. `create data: invalid option: "foo"`. An
 *   anonymous volume's name is random, so its message reads `create (new anonymous volume): ...`.
 */
export function checkLocalDriverOptions(spec: MountSpec, exists = false): void {
  if (spec.type !== 'volume' || spec.driverOptions === undefined || exists) return;
  if ((spec.driver ?? 'local') !== 'local') return;
  const problem = localOptionsProblem(spec.driverOptions);
  if (problem === undefined) return;
  const name = spec.source === '' ? ANONYMOUS_NAME : spec.source;
  throw invalid(
    `create ${name}: ${problem}`,
    problem.startsWith('invalid option')
      ? 'the local driver takes the volume-opt keys type, device and o (and size with xfs quotas)'
      : problem.startsWith('missing')
        ? 'type and device go together, e.g. volume-opt=type=tmpfs,volume-opt=device=tmpfs'
        : undefined,
  );
}

/** Stands for the random name the engine gives a new anonymous volume, in its messages. */
export const ANONYMOUS_NAME = '(new anonymous volume)';
