/**
 * The engines a catalog has seen, by Stowage's engine key, and the hand-over of rows written before
 * engines were told apart (keyed by the ID the engine reports, which engines may share).
 *
 * Nothing here ever deletes a row. What happens to the older rows, table by table, when an engine that
 * reports their ID is first seen:
 * - protection marks are copied to it, and stay for the next engine that reports the ID: a mark that
 *   protects a volume on one engine too many is harmless, one missing could let prune remove a volume;
 * - history and scheduled runs move to the first such engine (schedule states, which had no engine, to the
 *   first engine registered). When a second engine reports the same ID, the first one's history before
 *   that hand-over is made a gap (its idle time there becomes unknown, never idle), because some of those
 *   events may have been the other engine's;
 * - backups stay where they are: retention never counts nor removes them for any engine, because a
 *   backup of another engine must never be removed, nor make one of this engine's go. They are listed
 *   (engine `id:…`), restored and verified as before; `stowage backups --adopt` hands them to the current
 *   engine when the user knows they are its.
 */
import type { DatabaseSync } from 'node:sqlite';

/** An engine as the catalog knows it; the engine layer's `EngineInfo` has these fields. */
export interface KnownEngine {
  /** Stowage's engine key. */
  id: string;
  /** The ID the engine reports. */
  reportedId: string;
  label: string;
  name: string;
  dockerRootDir: string;
}

/** Tables whose rows move to the first engine that reports their ID (history and scheduled runs). */
const MOVED_TABLES = ['volume_events', 'volume_summaries', 'history_coverage', 'history_gaps', 'runs'];

export const SHARED_ID_GAP =
  'history recorded before Stowage told engines apart, under an engine ID another engine also reports';

export class EngineStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /**
   * Notes that `engine` uses this catalog and, the first time, hands it the older rows of its reported
   * ID as described above. Cheap when the engine is already known (one update).
   */
  register(engine: KnownEngine, now: Date = new Date()): void {
    const at = now.toISOString();
    const known = this.#db
      .prepare('UPDATE engines SET last_seen_at = ?, label = ?, name = ? WHERE engine_id = ?')
      .run(at, engine.label, engine.name, engine.id);
    if (known.changes > 0) return;
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      this.#firstSeen(engine, at);
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  #firstSeen(engine: KnownEngine, at: string): void {
    const inserted = this.#db
      .prepare(
        `INSERT INTO engines (engine_id, reported_id, name, root_dir, label, first_seen_at, last_seen_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (engine_id) DO NOTHING`,
      )
      .run(engine.id, engine.reportedId, engine.name, engine.dockerRootDir, engine.label, at, at);
    if (inserted.changes === 0) return; // another process registered it meanwhile
    // Schedule states from before had no engine at all: the first engine registered takes them.
    this.#db.prepare(`UPDATE schedule_state SET engine_id = ? WHERE engine_id = ''`).run(engine.id);
    this.#db
      .prepare(
        `INSERT INTO protected_volumes (engine_id, volume, reason, marked_at)
         SELECT ?, volume, reason, marked_at FROM protected_volumes WHERE engine_id = ?
         ON CONFLICT (engine_id, volume) DO NOTHING`,
      )
      .run(engine.id, engine.reportedId);
    const siblings = this.#db
      .prepare(
        'SELECT engine_id AS id, first_seen_at AS firstSeenAt, inherited FROM engines WHERE reported_id = ? AND engine_id <> ?',
      )
      .all(engine.reportedId, engine.id) as { id: string; firstSeenAt: string; inherited: number }[];
    if (siblings.length === 0) {
      let moved = 0;
      for (const table of MOVED_TABLES) {
        moved += Number(
          this.#db
            .prepare(`UPDATE ${table} SET engine_id = ? WHERE engine_id = ?`)
            .run(engine.id, engine.reportedId).changes,
        );
      }
      if (moved > 0) this.#db.prepare('UPDATE engines SET inherited = 1 WHERE engine_id = ?').run(engine.id);
      return;
    }
    // The ID is shared: what the first engine took over may have been partly the other's.
    for (const sibling of siblings.filter((s) => s.inherited === 1)) {
      this.#db
        .prepare('INSERT INTO history_gaps (engine_id, starts_at, ends_at, reason) VALUES (?, ?, ?, ?)')
        .run(sibling.id, new Date(0).toISOString(), sibling.firstSeenAt, SHARED_ID_GAP);
      this.#db.prepare('UPDATE engines SET inherited = 0 WHERE engine_id = ?').run(sibling.id);
    }
  }

  /**
   * The label of each engine key and older ID found in `ids`: a known engine's label, else `id:` and the
   * ID's first characters (an older row's reported ID, or a key from another catalog's archive).
   */
  labels(ids: Iterable<string>): Map<string, string> {
    const labels = new Map<string, string>();
    const get = this.#db.prepare('SELECT label FROM engines WHERE engine_id = ?');
    for (const id of ids) {
      if (labels.has(id)) continue;
      const row = get.get(id) as { label: string } | undefined;
      labels.set(id, row?.label ?? `id:${id.slice(0, 14)}`);
    }
    return labels;
  }

  /** How many known engines report `reportedId` (more than one: the older rows' owner is ambiguous). */
  sharing(reportedId: string): number {
    return (
      this.#db.prepare('SELECT count(*) AS n FROM engines WHERE reported_id = ?').get(reportedId) as {
        n: number;
      }
    ).n;
  }

  /**
   * `backups --adopt`: the user says the older backups of this engine's reported ID (of one volume, or
   * all) are this engine's. Returns how many were handed over.
   */
  adoptBackups(engine: KnownEngine, volume?: string): number {
    const where = volume === undefined ? '' : ' AND volume = ?';
    const args = volume === undefined ? [] : [volume];
    return Number(
      this.#db
        .prepare(`UPDATE backups SET engine_id = ? WHERE engine_id = ?${where}`)
        .run(engine.id, engine.reportedId, ...args).changes,
    );
  }
}
