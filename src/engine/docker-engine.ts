/**
 * The Engine contract over the Docker HTTP API. One instance per engine connection; cheap to create
 * (nothing is dialled until the first call).
 */
import { LABELS } from '../core/labels.ts';
import type {
  ContainerApi,
  CreateVolumeRequest,
  Engine,
  EngineContainer,
  EngineContainerDetails,
  EngineInfo,
  EngineVolume,
  VolumeApi,
  VolumeFilters,
} from './contract.ts';
import { toContainer, toContainerDetails, toVolume } from './convert.ts';
import { resolveEndpoint, type EndpointChoice, type EngineEndpoint } from './endpoint.ts';
import { compareVersions, Transport } from './transport.ts';
import type { VersionCache } from './version-cache.ts';
import type { WireContainerInspect, WireContainerSummary, WireDiskUsage, WireInfo, WireVolume } from './wire-types.ts';

export interface ConnectOptions {
  /** Where negotiated API versions are remembered between runs. */
  versionCache?: VersionCache;
  env?: NodeJS.ProcessEnv;
}

/** Connects to the engine the user chose (flags, then environment, then Docker CLI contexts). */
export function connectEngine(choice: EndpointChoice = {}, options: ConnectOptions = {}): Engine {
  return new DockerEngine(resolveEndpoint(choice, options.env ?? process.env), options.versionCache);
}

export class DockerEngine implements Engine {
  readonly endpoint: string;
  readonly local: boolean;
  readonly volumes: VolumeApi;
  readonly containers: ContainerApi;
  readonly #transport: Transport;

  constructor(endpoint: EngineEndpoint, versionCache?: VersionCache) {
    this.endpoint = endpoint.url;
    this.local = endpoint.url.startsWith('unix://');
    this.#transport = new Transport(endpoint, versionCache);
    this.volumes = new DockerVolumes(this.#transport);
    this.containers = new DockerContainers(this.#transport);
  }

  apiVersion(): Promise<string> {
    return this.#transport.apiVersion();
  }

  async info(): Promise<EngineInfo> {
    const [wire, apiVersion] = await Promise.all([
      this.#transport.json<WireInfo>('GET', '/info', { operation: 'read engine info' }),
      this.apiVersion(),
    ]);
    return {
      id: wire.ID,
      name: wire.Name,
      serverVersion: wire.ServerVersion,
      apiVersion,
      os: wire.OperatingSystem,
      dockerRootDir: wire.DockerRootDir,
    };
  }

  close(): void {
    this.#transport.close();
  }
}

class DockerVolumes implements VolumeApi {
  readonly #http: Transport;

  constructor(transport: Transport) {
    this.#http = transport;
  }

  async list(filters: VolumeFilters = {}): Promise<EngineVolume[]> {
    const query = Object.keys(filters).length ? { filters: toFilterMap(filters) } : {};
    const body = await this.#http.json<{ Volumes: WireVolume[] | null }>('GET', '/volumes', {
      query,
      operation: 'list volumes',
    });
    return (body.Volumes ?? []).map(toVolume);
  }

  async inspect(name: string): Promise<EngineVolume> {
    const wire = await this.#http.json<WireVolume>('GET', `/volumes/${encodeURIComponent(name)}`, {
      operation: `inspect volume "${name}"`,
    });
    return toVolume(wire);
  }

  async create(request: CreateVolumeRequest): Promise<EngineVolume> {
    const body = {
      Name: request.name ?? '',
      Driver: request.driver ?? 'local',
      DriverOpts: request.options ?? {},
      Labels: request.labels ?? {},
    };
    const wire = await this.#http.json<WireVolume>('POST', '/volumes/create', {
      body,
      operation: `create volume${request.name ? ` "${request.name}"` : ''}`,
    });
    return toVolume(wire);
  }

  async remove(name: string, options: { force?: boolean } = {}): Promise<void> {
    await this.#http.json('DELETE', `/volumes/${encodeURIComponent(name)}`, {
      query: options.force ? { force: true } : {},
      operation: `remove volume "${name}"`,
    });
  }

  async sizes(): Promise<Map<string, number>> {
    // Engines from API 1.42 can restrict the (slow) disk usage walk to volumes.
    const version = await this.#http.apiVersion();
    const query = compareVersions(version, '1.42') >= 0 ? { type: 'volume' } : {};
    const usage = await this.#http.json<WireDiskUsage>('GET', '/system/df', {
      query,
      operation: 'measure volume sizes',
    });
    const sizes = new Map<string, number>();
    for (const volume of usage.Volumes ?? []) {
      const size = volume.UsageData?.Size ?? -1;
      if (size >= 0) sizes.set(volume.Name, size);
    }
    return sizes;
  }
}

class DockerContainers implements ContainerApi {
  readonly #http: Transport;

  constructor(transport: Transport) {
    this.#http = transport;
  }

  async list(): Promise<EngineContainer[]> {
    const wire = await this.#http.json<WireContainerSummary[]>('GET', '/containers/json', {
      query: { all: true },
      operation: 'list containers',
    });
    return wire.filter((c) => !isHelper(c.Labels)).map(toContainer);
  }

  async inspect(idOrName: string): Promise<EngineContainerDetails> {
    const wire = await this.#http.json<WireContainerInspect>(
      'GET',
      `/containers/${encodeURIComponent(idOrName)}/json`,
      { operation: `inspect container "${idOrName}"` },
    );
    return toContainerDetails(wire);
  }
}

function isHelper(labels: Record<string, string> | null): boolean {
  return labels?.[LABELS.helper] !== undefined;
}

/** Docker's filter encoding: `{"label": {"a=b": true}}`, which every API version accepts. */
function toFilterMap(filters: VolumeFilters): Record<string, Record<string, boolean>> {
  const map: Record<string, Record<string, boolean>> = {};
  for (const [key, values] of Object.entries(filters) as [string, string[]][]) {
    map[key] = Object.fromEntries(values.map((value) => [value, true]));
  }
  return map;
}
