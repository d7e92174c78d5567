/**
 * What Stowage needs from one Docker engine, in types Stowage owns. Nothing from the Docker client library
 * crosses this boundary: the rest of the code depends on these interfaces only.
 */
import type { Readable } from 'node:stream';

export type Labels = Record<string, string>;

export interface EngineVolume {
  name: string;
  driver: string;
  mountpoint: string;
  /** ISO 8601; undefined for drivers that do not report it. */
  createdAt: string | undefined;
  labels: Labels;
  scope: 'local' | 'global';
  options: Labels;
  /** Driver-specific status (plugins); undefined when the driver reports none. */
  status: Record<string, unknown> | undefined;
}

export type MountType = 'volume' | 'bind' | 'tmpfs' | 'npipe' | 'cluster';

export interface EngineMount {
  type: MountType;
  /** Volume name, for volume mounts. */
  name: string | undefined;
  /** Host path (bind), volume mountpoint (volume), empty for tmpfs. */
  source: string;
  destination: string;
  driver: string | undefined;
  /** Raw mode string as the engine reports it (`ro`, `z`, `rw,Z`...). */
  mode: string;
  readOnly: boolean;
  propagation: string;
}

export interface EngineContainer {
  id: string;
  name: string;
  image: string;
  state: string;
  running: boolean;
  createdAt: Date;
  labels: Labels;
  mounts: EngineMount[];
}

/** What only a per-container inspect tells: tmpfs sizes, anonymous volume paths, --volumes-from. */
export interface EngineContainerDetails extends EngineContainer {
  /** `--tmpfs` mounts: destination → options (`size=64m,mode=1777`). */
  tmpfs: Labels;
  /** Tmpfs sizes in bytes of `--mount type=tmpfs` mounts, by destination. */
  tmpfsSizes: Record<string, number>;
  /** Destinations declared as volumes (image VOLUME or `-v /path`): where anonymous volumes come from. */
  declaredVolumes: string[];
  /** Containers named by `--volumes-from`, as given (`name[:ro|rw]`). */
  volumesFrom: string[];
}

export interface EngineInfo {
  /**
   * Stowage's key for this engine (see `engine-identity.ts`): the reported ID with the data root and name,
   * hashed. Everything kept per engine is keyed by it.
   */
  id: string;
  /** The ID the engine reports, which engines may share (Docker before 23.0 derives it from a shared key file). */
  reportedId: string;
  /** A short readable name for the engine, distinct per key (`buildhost#3fa2c1`). */
  label: string;
  name: string;
  serverVersion: string;
  /** The API version this connection negotiated. */
  apiVersion: string;
  os: string;
  dockerRootDir: string;
}

export interface VolumeFilters {
  dangling?: string[];
  driver?: string[];
  label?: string[];
  name?: string[];
}

export interface CreateVolumeRequest {
  name?: string;
  driver?: string;
  options?: Labels;
  labels?: Labels;
}

export interface VolumeApi {
  list(filters?: VolumeFilters): Promise<EngineVolume[]>;
  /** @throws StowageError 'not-found' */
  inspect(name: string): Promise<EngineVolume>;
  create(request: CreateVolumeRequest): Promise<EngineVolume>;
  /** @throws StowageError 'in-use' when containers reference it, 'not-found' when absent. */
  remove(name: string, options?: { force?: boolean }): Promise<void>;
  /** Sizes the engine can compute (local driver, no options); absent where it cannot. */
  sizes(): Promise<Map<string, number>>;
}

/** What Stowage creates: helper containers that are created, never started, to move a volume's data. */
export interface ContainerSpec {
  name?: string;
  image: string;
  cmd: string[];
  labels: Labels;
  mounts: { volume: string; target: string; readOnly: boolean }[];
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ContainerApi {
  /** Every container, running or not, without Stowage's helpers. */
  list(): Promise<EngineContainer[]>;
  /** Stowage's own helper containers (hidden from list()), for clean-up. */
  listHelpers(): Promise<EngineContainer[]>;
  inspect(idOrName: string): Promise<EngineContainerDetails>;
  /** @returns the new container's ID. */
  create(spec: ContainerSpec): Promise<string>;
  /** Also removes its anonymous volumes when `volumes` is set. Absent containers are not an error. */
  remove(id: string, options?: { force?: boolean; volumes?: boolean }): Promise<void>;
  start(id: string): Promise<void>;
  stop(id: string, timeoutSeconds?: number): Promise<void>;
  pause(id: string): Promise<void>;
  unpause(id: string): Promise<void>;
  /** Runs a command in a running container and waits for it. */
  exec(id: string, command: string[], options?: { user?: string; env?: string[] }): Promise<ExecResult>;
  /** An uncompressed tar of `path` inside the container (works on a created, never started container). */
  getArchive(id: string, path: string, signal?: AbortSignal): Promise<Readable>;
  /** Extracts an uncompressed tar stream into `path` inside the container. */
  putArchive(id: string, path: string, tar: Readable): Promise<void>;
  /**
   * Deletes everything in the volume mounted at `mountPath` of a container that is not running, keeping
   * the volume (and the mount point). The caller checks that it worked: an engine that cannot do it leaves
   * the volume as it was, or partly emptied.
   */
  clearMount(id: string, mountPath: string): Promise<void>;
}

export interface ImageSpec {
  /** `repository:tag`. */
  reference: string;
  /** The root filesystem as a tar, the same bytes every time (fixed times and owners). */
  layer: Buffer;
  cmd: string[];
  labels: Labels;
}

export interface ImageApi {
  exists(reference: string): Promise<boolean>;
  /**
   * `docker load` of a one-layer image made from `spec`. Nothing in it depends on the time or the caller:
   * the same spec gives the same image ID on an engine, so loading it again, even from several processes at
   * once, tags that same image and leaves no untagged (`<none>`) image behind, unlike `docker import`.
   */
  loadImage(spec: ImageSpec): Promise<void>;
}

/** One entry of the engine's event stream, in Stowage's terms. */
export interface EngineEvent {
  /** `volume`, `container`, `image`, `network`, `daemon`... */
  type: string;
  /** `create`, `mount`, `unmount`, `destroy`, `start`, `die`... (may carry a suffix: `exec_start: sh`). */
  action: string;
  /** The actor: a container ID, a volume name, an image ID. */
  id: string;
  /** A container's name; a volume's name (its ID); undefined where the engine names none. */
  name: string | undefined;
  /** Container events carry the container's labels, `image` and `name`; volume mounts `container`, `destination`. */
  attributes: Labels;
  /** Milliseconds since the epoch, from the engine's `timeNano`. */
  time: number;
  /** Nanoseconds since the epoch, exact: an event's place in the stream, to resume from with `since`. */
  timeNano: bigint;
}

/** The engine's event filters: values of one key are OR'd, keys AND'd (`type`, `event`, `container`, `volume`, `label`...). */
export type EventFilters = Partial<
  Record<'type' | 'event' | 'container' | 'volume' | 'image' | 'label', string[]>
>;

export interface EventsOptions {
  /**
   * Replay the events the engine still holds from this moment on (inclusive), then follow. A bigint is
   * nanoseconds since the epoch (an event's `timeNano`). The engine keeps only its last 256 events, in
   * memory: none survive its restart.
   */
  since?: Date | bigint;
  /** Stop at this moment: with a past `until` the stream ends after the replay. */
  until?: Date | bigint;
  filters?: EventFilters;
  /** Aborting ends the iteration (without an error). */
  signal?: AbortSignal;
}

export interface Engine {
  /** Where this engine is, for messages (`unix:///var/run/docker.sock`). */
  readonly endpoint: string;
  /** True when the engine runs on this host, so host paths (bind sources, mountpoints) are ours to read. */
  readonly local: boolean;
  readonly volumes: VolumeApi;
  readonly containers: ContainerApi;
  readonly images: ImageApi;
  apiVersion(): Promise<string>;
  info(): Promise<EngineInfo>;
  /**
   * The engine's event stream (`GET /events`), in order. Ends when `until` passes, when the signal aborts,
   * or when the engine closes the stream; throws StowageError 'unreachable' when there is no engine, and
   * the transport's error when the connection breaks mid-stream.
   */
  events(options?: EventsOptions): AsyncIterable<EngineEvent>;
  close(): void;
}
