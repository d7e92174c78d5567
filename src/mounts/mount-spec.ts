/**
 * The contract of `src/mounts/`: one mount of a container as Docker's two syntaxes describe it. `-v`/`--volume`
 * (the "short" syntax, `[SRC:]DST[:OPTS]`) and `--mount` (the "long" syntax, `key=value,...`) both parse to a
 * `MountSpec`, and a `MountSpec` formats back to either syntax when that syntax can say it.
 *
 * A `MountSpec` only ever holds a mount the engine accepts (Docker 20.10, API 1.41, Linux), apart from what
 * needs the host to decide (see `check-on-host.ts`). Optional fields are absent when they have the engine's
 * default, so two specs that mean the same mount compare equal with `deepStrictEqual`. Strings are kept as the
 * user wrote them (the engine's error messages quote them unchanged); nothing is cleaned or resolved except a
 * `.`-relative source, which the docker CLI resolves against its working directory (`ParseOptions.cwd`).
 */

export type MountType = 'bind' | 'volume' | 'tmpfs';

/** Which syntax a spec was written in: `short` is `-v`/`--volume`, `long` is `--mount`. */
export type MountSyntax = 'short' | 'long';

/** Bind propagation modes Linux knows; the engine's default is `rprivate`. */
export type Propagation = 'private' | 'rprivate' | 'shared' | 'rshared' | 'slave' | 'rslave';

/** `-v` SELinux relabel: `z` shares the label among containers, `Z` makes it private to this container. */
export type SelinuxLabel = 'z' | 'Z';

interface MountSpecBase {
  readonly type: MountType;
  /** Host path (bind), volume name (volume; `''` for an anonymous volume), always `''` for tmpfs. */
  readonly source: string;
  /**
   * Path inside the container, as written: absolute, except for a `-v` anonymous volume, whose path the
   * engine takes as it is (`data`, `C:`, `a:/data`, `::`), cleans, and puts under the container's root.
   */
  readonly target: string;
  readonly readOnly: boolean;
  /**
   * Docker Desktop's consistency hint (`consistent`, `cached`, `delegated`; `--mount` passes any value on,
   * lowercased). Linux engines accept it and ignore it.
   */
  readonly consistency?: string;
}

export interface BindMountSpec extends MountSpecBase {
  readonly type: 'bind';
  /** Absent: the engine's default, `rprivate`. */
  readonly propagation?: Propagation;
  /** `-v` only: relabel the host path for SELinux. */
  readonly selinuxLabel?: SelinuxLabel;
  /** `--mount` only (`bind-nonrecursive`, `bind-recursive=disabled`): submounts are not bind-mounted. */
  readonly nonRecursive?: true;
}

export interface VolumeMountSpec extends MountSpecBase {
  readonly type: 'volume';
  /** `-v` only: relabel the volume's directory for SELinux. */
  readonly selinuxLabel?: SelinuxLabel;
  /** Do not copy the image's content at the target into a new, empty volume. */
  readonly noCopy?: true;
  /** `--mount` only: the driver that creates the volume if it does not exist (absent: `local`). */
  readonly driver?: string;
  /** `--mount` only: labels for a volume the mount creates. */
  readonly labels?: Readonly<Record<string, string>>;
  /** `--mount` only (`volume-opt`): driver options for a volume the mount creates. */
  readonly driverOptions?: Readonly<Record<string, string>>;
}

export interface TmpfsMountSpec extends MountSpecBase {
  readonly type: 'tmpfs';
  readonly source: '';
  /** `--mount` only; absent: the kernel's default (half of RAM). */
  readonly sizeBytes?: number;
  /** `--mount` only: permission bits of the tmpfs root, e.g. `0o1777`; absent: the kernel's default. */
  readonly mode?: number;
}

export type MountSpec = BindMountSpec | VolumeMountSpec | TmpfsMountSpec;

export interface ParseOptions {
  /**
   * Absolute working directory of the user. The docker CLI resolves a source that starts with `.` (such as
   * `./data` or `..`) against it before the engine sees the spec; without `cwd` the source is kept as written,
   * which is what the engine receives when the spec comes through the API.
   */
  readonly cwd?: string;
}

/**
 * What `checkOnHost` needs to know about the engine's host. Only meaningful when the engine runs on this host
 * (a unix socket), because the engine checks paths on its own filesystem.
 */
export interface HostProbe {
  /** Whether the path exists on the engine's host, following symbolic links as `stat` does. */
  pathExists(path: string): Promise<boolean>;
  /** The engine's data root (`docker info` → `DockerRootDir`), when known. */
  daemonRoot?(): Promise<string | undefined>;
  /**
   * Whether a volume of that name exists on the engine (its options are then never looked at), when known;
   * without it, a named volume is judged as one the mount creates.
   */
  volumeExists?(name: string): Promise<boolean>;
}
