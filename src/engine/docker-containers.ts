/** Containers over the engine API; Stowage's helpers are invisible to list(). */
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { isStowageError } from '../core/errors.ts';
import { LABELS } from '../core/labels.ts';
import type {
  ContainerApi,
  ContainerSpec,
  EngineContainer,
  EngineContainerDetails,
  ExecResult,
} from './contract.ts';
import { toContainer, toContainerDetails } from './convert.ts';
import { demultiplex } from './multiplexed-stream.ts';
import type { Transport } from './transport.ts';
import type { WireContainerInspect, WireContainerSummary } from './wire-types.ts';

const path = (id: string, rest = '') => `/containers/${encodeURIComponent(id)}${rest}`;

export class DockerContainers implements ContainerApi {
  readonly #http: Transport;

  constructor(transport: Transport) {
    this.#http = transport;
  }

  async list(): Promise<EngineContainer[]> {
    return (await this.#all()).filter((c) => !isHelper(c.Labels)).map(toContainer);
  }

  async listHelpers(): Promise<EngineContainer[]> {
    return (await this.#all()).filter((c) => isHelper(c.Labels)).map(toContainer);
  }

  async inspect(idOrName: string): Promise<EngineContainerDetails> {
    const wire = await this.#http.json<WireContainerInspect>('GET', path(idOrName, '/json'), {
      operation: `inspect container "${idOrName}"`,
    });
    return toContainerDetails(wire);
  }

  async create(spec: ContainerSpec): Promise<string> {
    const body = {
      Image: spec.image,
      Cmd: spec.cmd,
      Labels: spec.labels,
      NetworkDisabled: true,
      HostConfig: {
        Mounts: spec.mounts.map((m) => ({
          Type: 'volume',
          Source: m.volume,
          Target: m.target,
          ReadOnly: m.readOnly,
        })),
        NetworkMode: 'none',
      },
    };
    const created = await this.#http.json<{ Id: string }>('POST', '/containers/create', {
      query: spec.name ? { name: spec.name } : {},
      body,
      operation: `create helper container for ${spec.mounts.map((m) => `"${m.volume}"`).join(', ')}`,
    });
    return created.Id;
  }

  async remove(id: string, options: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    try {
      await this.#http.json('DELETE', path(id), {
        query: { force: options.force ?? false, v: options.volumes ?? false },
        operation: `remove container ${short(id)}`,
      });
    } catch (error) {
      if (!isStowageError(error, 'not-found')) throw error;
    }
  }

  async start(id: string): Promise<void> {
    await this.#http.json('POST', path(id, '/start'), { operation: `start container ${short(id)}` });
  }

  async stop(id: string, timeoutSeconds = 10): Promise<void> {
    await this.#http.json('POST', path(id, '/stop'), {
      query: { t: timeoutSeconds },
      operation: `stop container ${short(id)}`,
    });
  }

  async pause(id: string): Promise<void> {
    await this.#http.json('POST', path(id, '/pause'), { operation: `pause container ${short(id)}` });
  }

  async unpause(id: string): Promise<void> {
    try {
      await this.#http.json('POST', path(id, '/unpause'), { operation: `unpause container ${short(id)}` });
    } catch (error) {
      // Not paused (any more) is the state the caller wants.
      if (!(isStowageError(error, 'conflict') && /not paused/i.test(error.message))) throw error;
    }
  }

  async exec(
    id: string,
    command: string[],
    options: { user?: string; env?: string[] } = {},
  ): Promise<ExecResult> {
    const operation = `exec "${command.join(' ')}" in container ${short(id)}`;
    const created = await this.#http.json<{ Id: string }>('POST', path(id, '/exec'), {
      body: {
        Cmd: command,
        AttachStdout: true,
        AttachStderr: true,
        User: options.user ?? '',
        Env: options.env ?? [],
      },
      operation,
    });
    const stream = await this.#http.stream('POST', `/exec/${created.Id}/start`, {
      body: { Detach: false, Tty: false },
      operation,
    });
    const { stdout, stderr } = await demultiplex(stream);
    const state = await this.#http.json<{ ExitCode: number | null }>('GET', `/exec/${created.Id}/json`, {
      operation,
    });
    return { exitCode: state.ExitCode ?? -1, stdout, stderr };
  }

  async getArchive(id: string, archivePath: string, signal?: AbortSignal): Promise<Readable> {
    const response = await this.#http.stream('GET', path(id, '/archive'), {
      query: { path: archivePath },
      operation: `read ${archivePath} from container ${short(id)}`,
    });
    if (signal)
      signal.addEventListener('abort', () => response.destroy(signal.reason as Error), { once: true });
    return response;
  }

  async putArchive(id: string, archivePath: string, tar: Readable): Promise<void> {
    await this.#http.upload(path(id, '/archive'), tar, {
      query: { path: archivePath, noOverwriteDirNonDir: true },
      operation: `write into ${archivePath} of container ${short(id)}`,
    });
  }

  /**
   * The engine removes a volume only when no container references it, even a stopped one; and a helper runs
   * no process that could delete files. But extracting a tar entry that is a file over an existing folder
   * makes the engine delete that folder first (`os.RemoveAll`): an entry named like the mount point deletes
   * everything in the volume, then fails on the mount point itself ("device or resource busy"), which is
   * the expected end. Without `noOverwriteDirNonDir=false` the engine would refuse before deleting.
   */
  async clearMount(id: string, mountPath: string): Promise<void> {
    const slash = mountPath.lastIndexOf('/');
    const tar = pack();
    tar.entry({ name: mountPath.slice(slash + 1), mode: 0o600 }, '');
    tar.finalize();
    try {
      await this.#http.upload(path(id, '/archive'), Readable.from(tar), {
        query: { path: mountPath.slice(0, slash) || '/', noOverwriteDirNonDir: false },
        operation: `empty ${mountPath} of container ${short(id)}`,
      });
    } catch (error) {
      if (!/device or resource busy|EBUSY/i.test((error as Error).message)) throw error;
    }
  }

  async #all(): Promise<WireContainerSummary[]> {
    return this.#http.json<WireContainerSummary[]>('GET', '/containers/json', {
      query: { all: true },
      operation: 'list containers',
    });
  }
}

function isHelper(labels: Record<string, string> | null): boolean {
  return labels?.[LABELS.helper] !== undefined;
}

const short = (id: string) => (/^[0-9a-f]{64}$/.test(id) ? id.slice(0, 12) : id);
