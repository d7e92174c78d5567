/**
 * Where archives live. A target is a dumb object store (restic's backend layer): named objects written
 * under a temporary name and committed atomically, read, listed and removed. Backup, retention and restore
 * sit above it and never see a path. Local folders now; SFTP and S3 implement the same interface.
 */
import type { Readable, Writable } from 'node:stream';

export interface ObjectInfo {
  key: string;
  size: number;
  modified: Date;
}

/** An object being written: invisible to `list`/`open` until `commit`, gone after `abort`. */
export interface PendingObject {
  readonly stream: Writable;
  /** Durably stores what was written (fsync) and makes it visible under its key (atomic rename). */
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface Target {
  /** As the user wrote it, with secrets redacted: `local:/srv/backups`. */
  readonly url: string;
  create(key: string): Promise<PendingObject>;
  /** @throws StowageError 'not-found' */
  open(key: string): Promise<Readable>;
  stat(key: string): Promise<ObjectInfo | undefined>;
  list(prefix?: string): Promise<ObjectInfo[]>;
  remove(key: string): Promise<void>;
  /** Removes what interrupted writers left behind (their temporary objects), returning the keys removed. */
  sweep(): Promise<string[]>;
}
