/**
 * Protection marks made with `stowage protect`: a local volume's labels cannot change after creation, so
 * the mark lives here, per engine (volume names are only unique within one engine).
 */
import type { DatabaseSync } from 'node:sqlite';

export interface ProtectionMark {
  volume: string;
  reason: string | null;
  markedAt: string;
}

export class ProtectionStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Idempotent: marking twice keeps the first date and updates the reason. */
  protect(engineId: string, volume: string, reason: string | undefined): void {
    this.#db
      .prepare(
        `INSERT INTO protected_volumes (engine_id, volume, reason, marked_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (engine_id, volume) DO UPDATE SET reason = excluded.reason`,
      )
      .run(engineId, volume, reason ?? null, new Date().toISOString());
  }

  /** @returns whether a mark was removed. */
  unprotect(engineId: string, volume: string): boolean {
    const result = this.#db
      .prepare('DELETE FROM protected_volumes WHERE engine_id = ? AND volume = ?')
      .run(engineId, volume);
    return Number(result.changes) > 0;
  }

  list(engineId: string): ProtectionMark[] {
    return this.#db
      .prepare(
        'SELECT volume, reason, marked_at AS markedAt FROM protected_volumes WHERE engine_id = ? ORDER BY volume',
      )
      .all(engineId) as unknown as ProtectionMark[];
  }

  /** True when no engine has any mark, so callers can skip asking the engine for its ID. */
  isEmpty(): boolean {
    return this.#db.prepare('SELECT 1 FROM protected_volumes LIMIT 1').get() === undefined;
  }
}
