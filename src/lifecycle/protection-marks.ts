/** `stowage protect` / `unprotect`: marks kept in the catalog, keyed by the engine's ID. */
import type { Catalog } from '../catalog/catalog.ts';
import type { ProtectionMark } from '../catalog/protection-store.ts';
import type { Engine } from '../engine/contract.ts';

export class ProtectionMarks {
  readonly #engine: Engine;
  readonly #catalog: Catalog;
  readonly #identify: () => Promise<{ id: string }>;
  #engineId: Promise<string> | undefined;

  /** @param identify the engine's key, registered in the catalog (the CLI session's `engineInfo`). */
  constructor(
    engine: Engine,
    catalog: Catalog,
    identify: () => Promise<{ id: string }> = () => engine.info(),
  ) {
    this.#engine = engine;
    this.#catalog = catalog;
    this.#identify = identify;
  }

  /** @throws StowageError 'not-found' when the volume does not exist. */
  async protect(volume: string, reason?: string): Promise<void> {
    await this.#engine.volumes.inspect(volume);
    this.#catalog.protections.protect(await this.#id(), volume, reason);
  }

  async unprotect(volume: string): Promise<boolean> {
    return this.#catalog.protections.unprotect(await this.#id(), volume);
  }

  async list(): Promise<ProtectionMark[]> {
    return this.#catalog.protections.list(await this.#id());
  }

  /** The marked names; skips asking the engine for its ID when the catalog holds no marks at all. */
  async names(): Promise<ReadonlySet<string>> {
    if (this.#catalog.protections.isEmpty()) return new Set();
    return new Set((await this.list()).map((mark) => mark.volume));
  }

  #id(): Promise<string> {
    this.#engineId ??= this.#identify().then((info) => info.id);
    return this.#engineId;
  }
}
