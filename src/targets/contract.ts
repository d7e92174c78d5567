/**
 * Where archives live. A target is a dumb object store (restic's `internal/backend`): named objects
 * written under a temporary name and committed atomically, read whole or by byte range, listed with their
 * sizes and removed. Backup, retention and restore sit above it and never see a path, a bucket or a
 * connection. Each kind of place is one adapter behind this interface, found by URL scheme in
 * `registry.ts`: a local folder, an SFTP server, an S3 bucket.
 *
 * The one promise every adapter keeps: nothing half-written lists as an object. A write is invisible to
 * `list`, `stat` and `open` until `commit` returns; `abort` (or a crash) leaves at most a temporary
 * object that `list` never shows and `sweep` removes.
 */
import type { Readable, Writable } from 'node:stream';

export interface ObjectInfo {
  key: string;
  size: number;
  modified: Date;
}

/** An object being written: invisible to `list`/`stat`/`open` until `commit`, gone after `abort`. */
export interface PendingObject {
  readonly stream: Writable;
  /**
   * Waits for `stream` to finish, stores what was written durably (local: fsync; SFTP: fsync where the
   * server offers it; S3: the upload completes) and makes it visible under its key in one step.
   * @throws StowageError when the target refuses the write; the object then stays invisible.
   */
  commit(): Promise<void>;
  /** Discards what was written (S3: AbortMultipartUpload, so no parts are left). Safe to call twice. */
  abort(): Promise<void>;
}

/** A byte range of an object: `length` bytes from `offset` (to the end when `length` is omitted). */
export interface ByteRange {
  offset: number;
  length?: number;
}

export interface SweepOptions {
  /**
   * A temporary object whose writer cannot be proven alive counts as abandoned once it is this old.
   * Default `STALE_AFTER_MS`; 0 when the caller knows no other writer is running.
   */
  staleAfterMs?: number;
}

/** A day: no upload of one backup lasts that long without touching its temporary object. */
export const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

export interface Target {
  /**
   * Names the place, with any password redacted: `local:/srv/backups`, `sftp://me@host:2222/srv/b`,
   * `s3://bucket/prefix`. The catalog stores it; `openTarget(url)` opens the same place again.
   */
  readonly url: string;
  /** How many times a transient failure (connection reset, HTTP 5xx, throttling) was retried so far. */
  readonly retries: number;
  create(key: string): Promise<PendingObject>;
  /** The whole object, or `range` of it. @throws StowageError 'not-found' */
  open(key: string, range?: ByteRange): Promise<Readable>;
  stat(key: string): Promise<ObjectInfo | undefined>;
  /** Every committed object whose key starts with `prefix`, sorted by key; follows pagination. */
  list(prefix?: string): Promise<ObjectInfo[]>;
  /** Removing an object that does not exist is not an error. */
  remove(key: string): Promise<void>;
  /** Removes what interrupted writers left behind (their temporary objects), returning what it removed. */
  sweep(options?: SweepOptions): Promise<string[]>;
  /** Releases connections; the target is not used afterwards. */
  close(): Promise<void>;
}
