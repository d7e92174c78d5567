/**
 * The engine's side of both syntaxes: a mount as the API carries it (`api/types/mount.Mount`, the fields Docker
 * 20.10 reads) and the pure part of the engine's Linux validation of it (`volume/mounts/linux_parser.go`,
 * `validateMountConfigImpl`), which `-v` and `--mount` share. The parts that need the host (does a bind source
 * exist, is it under the daemon root, does the volume driver take the name) are in `check-on-host.ts`.
 */
import { cleanPath } from './go-path.ts';
import { goQuote } from './go-strconv.ts';
import type { MountSpec, Propagation, SelinuxLabel } from './mount-spec.ts';

export interface EngineMount {
  type: string;
  source: string;
  target: string;
  readOnly: boolean;
  consistency: string;
  /** Present whenever the CLI or `-v` created `BindOptions`, even empty: the engine rejects it on non-binds. */
  bindOptions?: { propagation: string; nonRecursive: boolean };
  /** Present whenever `VolumeOptions` was created, even empty: the engine rejects it on binds. */
  volumeOptions?: {
    noCopy: boolean;
    driver: string;
    labels: Map<string, string>;
    driverOptions: Map<string, string>;
    subpath: string;
  };
  tmpfsOptions?: { sizeBytes: number; mode: number };
}

/** The options block the engine gets once any `volume-*` option (or `-v ...:nocopy`) is given. */
export function emptyVolumeOptions(): NonNullable<EngineMount['volumeOptions']> {
  return { noCopy: false, driver: '', labels: new Map(), driverOptions: new Map(), subpath: '' };
}

export const PROPAGATIONS: ReadonlySet<string> = new Set<Propagation>([
  'private',
  'rprivate',
  'shared',
  'rshared',
  'slave',
  'rslave',
]);

/**
 * The engine's verdict on a mount, without the host: `undefined` when it accepts it, else the engine's message
 * (`invalid mount config for type "bind": field Source must not be empty`). Checks run in the engine's order.
 */
export function validateEngineMount(mount: EngineMount): string | undefined {
  const why = reasonToRefuse(mount);
  return why === undefined ? undefined : `invalid mount config for type ${goQuote(mount.type)}: ${why}`;
}

function reasonToRefuse(mount: EngineMount): string | undefined {
  if (mount.target === '') return 'field Target must not be empty';
  // The engine reads a backslash as a slash in both checks, so `\data` is an absolute target.
  if (cleanPath(mount.target.replaceAll('\\', '/')) === '/')
    return "invalid specification: destination can't be '/'";
  const notAbsolute = absoluteReason(mount.target);
  if (notAbsolute) return notAbsolute;
  switch (mount.type) {
    case 'bind': {
      if (mount.source === '') return 'field Source must not be empty';
      const propagation = mount.bindOptions?.propagation ?? '';
      if (propagation !== '' && !PROPAGATIONS.has(propagation))
        return `invalid propagation mode: ${propagation}`;
      if (mount.volumeOptions) return 'field VolumeOptions must not be specified';
      return absoluteReason(mount.source);
    }
    case 'volume':
      if (mount.bindOptions) return 'field BindOptions must not be specified';
      if (mount.source === '' && mount.readOnly)
        return 'must not set ReadOnly mode when using anonymous volumes';
      return undefined;
    case 'tmpfs':
      if (mount.bindOptions) return 'field BindOptions must not be specified';
      if (mount.source !== '') return 'field Source must not be specified';
      return undefined;
    default:
      // `npipe` (Windows only) and `image` (API 1.47+) land here too, as on a Linux 20.10 engine.
      return 'mount type unknown';
  }
}

function absoluteReason(path: string): string | undefined {
  const slashed = path.replaceAll('\\', '/');
  return slashed.startsWith('/') ? undefined : `invalid mount path: '${slashed}' mount path must be absolute`;
}

/** A mount the engine accepted, as the domain type: defaults dropped so equal mounts compare equal. */
export function toMountSpec(mount: EngineMount, selinuxLabel?: SelinuxLabel): MountSpec {
  const common = {
    source: mount.source,
    target: mount.target,
    readOnly: mount.readOnly,
    ...(mount.consistency !== '' && { consistency: mount.consistency }),
  };
  if (mount.type === 'tmpfs') {
    const { sizeBytes = 0, mode = 0 } = mount.tmpfsOptions ?? {};
    return {
      type: 'tmpfs',
      ...common,
      source: '',
      ...(sizeBytes !== 0 && { sizeBytes }),
      ...(mode !== 0 && { mode }),
    };
  }
  if (mount.type === 'bind') {
    const { propagation = '', nonRecursive = false } = mount.bindOptions ?? {};
    return {
      type: 'bind',
      ...common,
      ...(propagation !== '' && { propagation: propagation as Propagation }),
      ...(selinuxLabel !== undefined && { selinuxLabel }),
      ...(nonRecursive && { nonRecursive: true }),
    };
  }
  const options = mount.volumeOptions;
  return {
    type: 'volume',
    ...common,
    ...(selinuxLabel !== undefined && { selinuxLabel }),
    ...(options?.noCopy === true && { noCopy: true }),
    ...(options !== undefined && options.driver !== '' && { driver: options.driver }),
    ...(options !== undefined && options.labels.size > 0 && { labels: Object.fromEntries(options.labels) }),
    ...(options !== undefined &&
      options.driverOptions.size > 0 && { driverOptions: Object.fromEntries(options.driverOptions) }),
  };
}
