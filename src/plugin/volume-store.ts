/**
 * The plugin's state on disk: `<root>/state.json`, rewritten whole and atomically (temporary file, fsync,
 * rename, fsync of the folder) after every change, so a crash leaves the old state or the new one, never
 * half of either. Small by nature (one record per volume), so synchronous writes keep the order obvious.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StowageError } from '../core/errors.ts';
import type { VolumeRecord } from './contract.ts';
import { makeFolderSync } from '../core/make-folder.ts';

interface StateFile {
  version: 1;
  /** The kernel's boot ID when the state was written: a new one means every mount is gone. */
  bootId: string;
  volumes: VolumeRecord[];
}

export class VolumeStore {
  readonly #file: string;
  readonly #volumes = new Map<string, VolumeRecord>();
  #bootId = '';

  constructor(root: string) {
    makeFolderSync(root, 0o700);
    this.#file = join(root, 'state.json');
    if (!existsSync(this.#file)) return;
    let state: StateFile;
    try {
      state = JSON.parse(readFileSync(this.#file, 'utf8')) as StateFile;
    } catch (error) {
      throw new StowageError(
        'failed',
        `plugin state ${this.#file} is unreadable: ${(error as Error).message}`,
        {
          hint: 'restore it from a copy, or move it away to start with no volumes (their data stays under the root)',
        },
      );
    }
    if (state.version !== 1)
      throw new StowageError('failed', `plugin state ${this.#file} has version ${String(state.version)}`, {
        hint: 'it was written by a newer Stowage: run that version',
      });
    this.#bootId = state.bootId;
    for (const volume of state.volumes) this.#volumes.set(volume.name, volume);
  }

  get bootId(): string {
    return this.#bootId;
  }

  get(name: string): VolumeRecord | undefined {
    return this.#volumes.get(name);
  }

  all(): VolumeRecord[] {
    return [...this.#volumes.values()];
  }

  /** Stores (or replaces) a record and writes the state. */
  put(record: VolumeRecord): void {
    this.#volumes.set(record.name, record);
    this.save();
  }

  delete(name: string): void {
    this.#volumes.delete(name);
    this.save();
  }

  setBootId(bootId: string): void {
    this.#bootId = bootId;
    this.save();
  }

  save(): void {
    const state: StateFile = { version: 1, bootId: this.#bootId, volumes: this.all() };
    const temporary = `${this.#file}.${process.pid}.tmp`;
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.#file);
    const dir = openSync(join(this.#file, '..'), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
}
