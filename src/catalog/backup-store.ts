/** Committed archives, as recorded when they were written or found by a scan of a target. */
import type { DatabaseSync } from 'node:sqlite';

export interface BackupRecord {
  id: number;
  /** The engine's key (`EngineInfo.id`); a reported engine ID for rows from before engines were told apart. */
  engineId: string;
  volume: string;
  /** The target's URL (`local:/srv/backups`). */
  target: string;
  archiveKey: string;
  manifestKey: string | null;
  fileListKey: string | null;
  compression: string;
  startedAt: string | null;
  finishedAt: string;
  files: number | null;
  bytes: number | null;
  archiveBytes: number;
  archiveSha256: string | null;
  verifiedAt: string | null;
  verifyStatus: 'ok' | 'failed' | null;
  verifyError: string | null;
}

export type NewBackup = Omit<BackupRecord, 'id' | 'verifiedAt' | 'verifyStatus' | 'verifyError'>;

const COLUMNS = `id, engine_id AS engineId, volume, target, archive_key AS archiveKey, manifest_key AS manifestKey,
  file_list_key AS fileListKey, compression, started_at AS startedAt, finished_at AS finishedAt, files, bytes,
  archive_bytes AS archiveBytes, archive_sha256 AS archiveSha256, verified_at AS verifiedAt,
  verify_status AS verifyStatus, verify_error AS verifyError`;

export class BackupStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Records an archive; one already known (same target and key) keeps its ID and verification. */
  add(backup: NewBackup): number {
    this.#db
      .prepare(
        `INSERT INTO backups (engine_id, volume, target, archive_key, manifest_key, file_list_key, compression,
           started_at, finished_at, files, bytes, archive_bytes, archive_sha256)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (target, archive_key) DO NOTHING`,
      )
      .run(
        backup.engineId,
        backup.volume,
        backup.target,
        backup.archiveKey,
        backup.manifestKey,
        backup.fileListKey,
        backup.compression,
        backup.startedAt,
        backup.finishedAt,
        backup.files,
        backup.bytes,
        backup.archiveBytes,
        backup.archiveSha256,
      );
    return this.findByKey(backup.target, backup.archiveKey)!.id;
  }

  get(id: number): BackupRecord | undefined {
    return this.#db.prepare(`SELECT ${COLUMNS} FROM backups WHERE id = ?`).get(id) as
      BackupRecord | undefined;
  }

  findByKey(target: string, archiveKey: string): BackupRecord | undefined {
    return this.#db
      .prepare(`SELECT ${COLUMNS} FROM backups WHERE target = ? AND archive_key = ?`)
      .get(target, archiveKey) as BackupRecord | undefined;
  }

  /** Newest first; of every engine unless `engineId` (an engine key, or an older row's reported ID) is given. */
  list(filter: { volume?: string; engineId?: string } = {}): BackupRecord[] {
    const conditions: string[] = [];
    const args: string[] = [];
    if (filter.volume !== undefined) {
      conditions.push('volume = ?');
      args.push(filter.volume);
    }
    if (filter.engineId !== undefined) {
      conditions.push('engine_id = ?');
      args.push(filter.engineId);
    }
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    return this.#db
      .prepare(`SELECT ${COLUMNS} FROM backups ${where} ORDER BY finished_at DESC, id DESC`)
      .all(...args) as unknown as BackupRecord[];
  }

  markVerified(id: number, ok: boolean, error?: string): void {
    this.#db
      .prepare('UPDATE backups SET verified_at = ?, verify_status = ?, verify_error = ? WHERE id = ?')
      .run(new Date().toISOString(), ok ? 'ok' : 'failed', error ?? null, id);
  }

  remove(id: number): void {
    this.#db.prepare('DELETE FROM backups WHERE id = ?').run(id);
  }
}
