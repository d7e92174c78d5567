/**
 * An engine in memory for scheduler unit tests: volumes with labels, and a helper whose archive is a small
 * tar of the volume's files, enough for the real backup, verify and retention code to run without Docker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import type { BackupContext } from '../../backup/backup-context.ts';
import { openCatalog } from '../../catalog/catalog.ts';
import { notFound } from '../../core/errors.ts';
import type { Engine, EngineVolume } from '../../engine/contract.ts';

export function volume(name: string, labels: Record<string, string> = {}): EngineVolume {
  return {
    name,
    driver: 'local',
    mountpoint: `/var/lib/docker/volumes/${name}/_data`,
    createdAt: '2026-01-01T00:00:00Z',
    labels,
    scope: 'local',
    options: {},
    status: undefined,
  };
}

export interface FakeEngine extends Engine {
  /** The volumes it has; tests add and remove. */
  readonly state: { volumes: EngineVolume[]; unreachable: boolean };
}

const MTIME = new Date('2026-01-01T00:00:00Z');

/** Every volume holds one file, `hello.txt`, whose text names the volume. */
export function fakeEngine(volumes: EngineVolume[] = []): FakeEngine {
  const state = { volumes, unreachable: false };
  const reach = () => {
    if (state.unreachable) throw new Error('connect ENOENT /run/fake.sock');
  };
  const mounted = new Map<string, string>();
  const engine = {
    endpoint: 'unix:///run/fake.sock',
    local: false,
    state,
    volumes: {
      list: (filters: { label?: string[] } = {}) => {
        reach();
        const keys = filters.label ?? [];
        return Promise.resolve(state.volumes.filter((v) => keys.every((k) => Object.hasOwn(v.labels, k))));
      },
      inspect: (name: string) => {
        reach();
        const found = state.volumes.find((v) => v.name === name);
        return found ? Promise.resolve(found) : Promise.reject(notFound(`volume ${name} does not exist`));
      },
      sizes: () => Promise.resolve(new Map<string, number>()),
    },
    containers: {
      list: () => Promise.resolve([]),
      listHelpers: () => Promise.resolve([]),
      create: (spec: { mounts: { volume: string }[] }) => {
        const id = `helper-${mounted.size + 1}-${Date.now()}`;
        mounted.set(id, spec.mounts[0]!.volume);
        return Promise.resolve(id);
      },
      remove: (id: string) => {
        mounted.delete(id);
        return Promise.resolve();
      },
      getArchive: (id: string) => {
        const text = `hello from ${mounted.get(id)}\n`;
        const tar = pack();
        tar.entry({ name: './', type: 'directory', mode: 0o755, mtime: MTIME });
        tar.entry({ name: './hello.txt', type: 'file', mode: 0o644, mtime: MTIME }, text);
        tar.finalize();
        return Promise.resolve(Readable.from(tar));
      },
    },
    images: { exists: () => Promise.resolve(true) },
    apiVersion: () => Promise.resolve('1.47'),
    info: () => {
      reach();
      return Promise.resolve({
        id: 'FAKE',
        name: 'fake',
        serverVersion: '27.0.0',
        apiVersion: '1.47',
        os: 'linux',
        dockerRootDir: '/var/lib/docker',
      });
    },
    close: () => undefined,
  };
  return engine as unknown as FakeEngine;
}

/** A backup context over a fake engine with a catalog in a fresh folder; `cleanup` removes it all. */
export function fakeContext(engine: FakeEngine): BackupContext & { cleanup(): void } {
  const dataDir = mkdtempSync(join(tmpdir(), 'stowage-schedules-'));
  const catalog = openCatalog(dataDir);
  return {
    engine,
    engineInfo: {
      id: 'FAKE',
      name: 'fake',
      serverVersion: '27.0.0',
      apiVersion: '1.47',
      os: 'linux',
      dockerRootDir: '/var/lib/docker',
    },
    dataDir,
    catalog,
    cleanup() {
      catalog.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
