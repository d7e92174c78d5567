/**
 * The Engine contract over the Docker HTTP API. One instance per engine connection; cheap to create
 * (nothing is dialled until the first call).
 */
import { engineIdentity } from './engine-identity.ts';
import type {
  ContainerApi,
  Engine,
  EngineEvent,
  EngineInfo,
  EventsOptions,
  ImageApi,
  VolumeApi,
} from './contract.ts';
import { DockerContainers } from './docker-containers.ts';
import { streamEvents } from './docker-events.ts';
import { DockerImages } from './docker-images.ts';
import { DockerVolumes } from './docker-volumes.ts';
import { resolveEndpoint, type EndpointChoice, type EngineEndpoint } from './endpoint.ts';
import { Transport } from './transport.ts';
import type { VersionCache } from './version-cache.ts';
import type { WireInfo } from './wire-types.ts';

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
  readonly images: ImageApi;
  readonly #transport: Transport;

  constructor(endpoint: EngineEndpoint, versionCache?: VersionCache) {
    this.endpoint = endpoint.url;
    this.local = endpoint.url.startsWith('unix://');
    this.#transport = new Transport(endpoint, versionCache);
    this.volumes = new DockerVolumes(this.#transport);
    this.containers = new DockerContainers(this.#transport);
    this.images = new DockerImages(this.#transport);
  }

  apiVersion(): Promise<string> {
    return this.#transport.apiVersion();
  }

  async info(): Promise<EngineInfo> {
    const [wire, apiVersion] = await Promise.all([
      this.#transport.json<WireInfo>('GET', '/info', { operation: 'read engine info' }),
      this.apiVersion(),
    ]);
    const identity = engineIdentity({ id: wire.ID, name: wire.Name, dockerRootDir: wire.DockerRootDir });
    return {
      id: identity.key,
      reportedId: wire.ID,
      label: identity.label,
      name: wire.Name,
      serverVersion: wire.ServerVersion,
      apiVersion,
      os: wire.OperatingSystem,
      dockerRootDir: wire.DockerRootDir,
    };
  }

  events(options: EventsOptions = {}): AsyncIterable<EngineEvent> {
    return streamEvents(this.#transport, options);
  }

  close(): void {
    this.#transport.close();
  }
}
