/** Volumes over the engine API. */
import type { CreateVolumeRequest, EngineVolume, VolumeApi, VolumeFilters } from './contract.ts';
import { toVolume } from './convert.ts';
import { compareVersions, type Transport } from './transport.ts';
import type { WireDiskUsage, WireVolume } from './wire-types.ts';

export class DockerVolumes implements VolumeApi {
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

/** Docker's filter encoding: `{"label": {"a=b": true}}`, which every API version accepts. */
function toFilterMap(filters: VolumeFilters): Record<string, Record<string, boolean>> {
  const map: Record<string, Record<string, boolean>> = {};
  for (const [key, values] of Object.entries(filters) as [string, string[]][]) {
    map[key] = Object.fromEntries(values.map((value) => [value, true]));
  }
  return map;
}
