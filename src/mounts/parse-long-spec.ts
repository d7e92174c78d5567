/**
 * `--mount` long syntax, `key=value,...`, judged as `docker create --mount CSV` judges it: the docker CLI 28
 * reads the CSV (`opts/mount.go`, with its messages), its API client refuses what API 1.41 cannot carry, then a
 * Docker 20.10 engine validates the mount (`validateMountConfigImpl`, with its messages).
 *
 * Two deliberate differences: `volume-subpath` is refused (the CLI sends it, but a 20.10 engine, API < 1.45,
 * does not know the field and silently mounts the whole volume instead of the sub-directory), and so is a NUL
 * character (no path or volume name can hold one; Docker fails later, at create or start).
 */
import { invalid } from '../core/errors.ts';
import { emptyVolumeOptions, toMountSpec, validateEngineMount } from './engine-mount.ts';
import type { EngineMount } from './engine-mount.ts';
import { cleanPath } from './go-path.ts';
import { readCsvRecord } from './go-csv.ts';
import { parseGoBool, parseOctalUint32, ramInBytes } from './go-strconv.ts';
import type { MountSpec, ParseOptions } from './mount-spec.ts';
import { nulInSpec } from './parse-short-spec.ts';

type VolumeOptions = NonNullable<EngineMount['volumeOptions']>;
type BindOptions = NonNullable<EngineMount['bindOptions']> & { readOnlyForceRecursive: boolean };

const HINT = 'write --mount type=bind|volume|tmpfs,source=...,target=...[,readonly][,OPTION=VALUE...]';

/** What the CLI builds while it reads the fields: the engine's mount plus what only the CLI looks at. */
interface CliMount extends EngineMount {
  bindOptions?: BindOptions;
  imageOptions?: { subpath: string };
  readOnlyNonRecursive: boolean;
}

/**
 * Parses a `--mount` value into a `MountSpec`. Keys are case-insensitive, a later key overrides an earlier
 * one, `type` defaults to `volume`.
 *
 * @throws StowageError 'invalid' with the CLI's message (`invalid field 'x' must be a key=value pair`,
 *   `unexpected key 'foo' in 'foo=bar'`, `invalid value for tmpfs-size: 1x`, CSV errors such as
 *   `parse error on line 1, column 5: bare " in non-quoted-field`) or the engine's
 *   (`invalid mount config for type "bind": field Source must not be empty`).
 */
export function parseLongSpec(csv: string, options: ParseOptions = {}): MountSpec {
  const mount = readFields(csv, options.cwd);
  const cliProblem = crossCheck(mount);
  if (cliProblem) throw invalid(cliProblem, HINT);
  const refused = validateEngineMount(mount);
  if (refused) throw invalid(refused);
  if (mount.volumeOptions?.subpath) {
    throw invalid(
      'volume-subpath requires API v1.45 or later',
      'Docker 20.10 (API 1.41) ignores it and would mount the whole volume; mount the volume elsewhere and use a symlink, or upgrade the engine',
    );
  }
  return toMountSpec(mount);
}

function readFields(csv: string, cwd: string | undefined): CliMount {
  if (csv.includes('\0')) throw nulInSpec();
  const record = readCsvRecord(csv);
  if (!record.ok) throw invalid(record.error, 'quote a field that holds a comma: "source=/a,b"');
  const mount: CliMount = {
    type: 'volume',
    source: '',
    target: '',
    readOnly: false,
    consistency: '',
    readOnlyNonRecursive: false,
  };
  const volume = (): VolumeOptions => (mount.volumeOptions ??= emptyVolumeOptions());
  const bind = (): BindOptions =>
    (mount.bindOptions ??= { propagation: '', nonRecursive: false, readOnlyForceRecursive: false });
  const tmpfs = () => (mount.tmpfsOptions ??= { sizeBytes: 0, mode: 0 });

  for (const field of record.fields) {
    const equals = field.indexOf('=');
    const key = (equals < 0 ? field : field.slice(0, equals)).toLowerCase();
    if (equals < 0) {
      if (key === 'readonly' || key === 'ro') mount.readOnly = true;
      else if (key === 'volume-nocopy') volume().noCopy = true;
      else if (key === 'bind-nonrecursive') bind().nonRecursive = true;
      else throw invalid(`invalid field '${field}' must be a key=value pair`, HINT);
      continue;
    }
    const value = field.slice(equals + 1);
    const badValue = (detail = '') => invalid(`invalid value for ${key}: ${value}${detail}`, HINT);
    const bool = () => {
      const parsed = parseGoBool(value);
      if (parsed === undefined) throw badValue();
      return parsed;
    };
    switch (key) {
      case 'type':
        mount.type = value.toLowerCase();
        break;
      case 'source':
      case 'src':
        // The CLI makes any source starting with "." absolute (so `.data` too), whatever the type.
        mount.source = cwd !== undefined && value.startsWith('.') ? cleanPath(`${cwd}/${value}`) : value;
        break;
      case 'target':
      case 'dst':
      case 'destination':
        mount.target = value;
        break;
      case 'readonly':
      case 'ro':
        mount.readOnly = bool();
        break;
      case 'consistency':
        mount.consistency = value.toLowerCase();
        break;
      case 'bind-propagation':
        bind().propagation = value.toLowerCase();
        break;
      case 'bind-nonrecursive':
        bind().nonRecursive = bool();
        break;
      case 'bind-recursive':
        readBindRecursive(value, mount, bind, badValue);
        break;
      case 'volume-subpath':
        volume().subpath = value;
        break;
      case 'volume-nocopy':
        volume().noCopy = bool();
        break;
      case 'volume-label':
        setEntry(volume().labels, value);
        break;
      case 'volume-driver':
        volume().driver = value;
        break;
      case 'volume-opt':
        setEntry(volume().driverOptions, value);
        break;
      case 'image-subpath':
        mount.imageOptions = { subpath: value };
        break;
      case 'tmpfs-size': {
        const size = ramInBytes(value);
        if (size === undefined) throw badValue();
        tmpfs().sizeBytes = size;
        break;
      }
      case 'tmpfs-mode': {
        const mode = parseOctalUint32(value);
        if (mode === undefined) throw badValue();
        tmpfs().mode = mode;
        break;
      }
      default:
        throw invalid(`unexpected key '${key}' in '${field}'`, HINT);
    }
  }
  return mount;
}

function readBindRecursive(
  value: string,
  mount: CliMount,
  bind: () => BindOptions,
  badValue: (d?: string) => Error,
) {
  switch (value) {
    case 'enabled':
      return; // the default; it creates no BindOptions, so it is accepted on any type
    case 'disabled':
      bind().nonRecursive = true;
      return;
    case 'writable':
      // The API client drops it below API 1.44, where a read-only bind is never recursively read-only anyway.
      bind();
      mount.readOnlyNonRecursive = true;
      return;
    case 'readonly':
      bind().readOnlyForceRecursive = true;
      return;
    default:
      throw badValue(' (must be "enabled", "disabled", "writable", or "readonly")');
  }
}

/** `volume-label`/`volume-opt`: `k=v` or `k` (empty value); an empty key is ignored. */
function setEntry(map: Map<string, string>, value: string) {
  const equals = value.indexOf('=');
  const key = equals < 0 ? value : value.slice(0, equals);
  if (key !== '') map.set(key, equals < 0 ? '' : value.slice(equals + 1));
}

/** The CLI's checks once every field is read, then its API client's, in their order. */
function crossCheck(mount: CliMount): string | undefined {
  if (mount.type === '') return 'type is required';
  if (mount.target === '') return 'target is required';
  const mixed = (prefix: string) => `cannot mix '${prefix}-*' options with mount type '${mount.type}'`;
  if (mount.volumeOptions && mount.type !== 'volume') return mixed('volume');
  if (mount.imageOptions && mount.type !== 'image') return mixed('image');
  if (mount.bindOptions && mount.type !== 'bind') return mixed('bind');
  if (mount.tmpfsOptions && mount.type !== 'tmpfs') return mixed('tmpfs');
  const bind = mount.bindOptions;
  if (bind && mount.readOnlyNonRecursive && !mount.readOnly) {
    return "option 'bind-recursive=writable' requires 'readonly' to be specified in conjunction";
  }
  if (bind?.readOnlyForceRecursive) {
    if (!mount.readOnly)
      return "option 'bind-recursive=readonly' requires 'readonly' to be specified in conjunction";
    if (bind.propagation !== 'rprivate') {
      return "option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction";
    }
    return 'bind-recursive=readonly requires API v1.44 or later';
  }
  return undefined;
}
