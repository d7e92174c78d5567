/**
 * A folder on this host. Objects are files; keys are relative paths. A pending object is a hidden file
 * named after its writer's pid, so a sweep can tell a live writer's file from a dead one's.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { finished } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { invalid, notFound } from '../core/errors.ts';
import { fileSystemError } from '../core/file-errors.ts';
import { makeFolder } from '../core/make-folder.ts';
import { isAlive } from '../core/process-alive.ts';
import {
  STALE_AFTER_MS,
  type ByteRange,
  type ObjectInfo,
  type PendingObject,
  type SweepOptions,
  type Target,
} from './contract.ts';

const PENDING = /^\.(.+)\.pending-(\d+)$/;

export class LocalTarget implements Target {
  readonly url: string;
  readonly root: string;
  /** Local disks have no transient failures worth retrying. */
  readonly retries = 0;

  constructor(root: string) {
    this.root = resolve(root);
    this.url = `local:${this.root}`;
  }

  /**
   * Creates the folder (and its parents) if needed, so a command can refuse an unusable folder before
   * it starts any work. @throws StowageError naming the path (a file, /proc, no permission, …).
   */
  async prepare(): Promise<void> {
    await makeFolder(this.root);
  }

  async create(key: string): Promise<PendingObject> {
    const final = this.#path(key);
    await makeFolder(dirname(final));
    const temporary = join(dirname(final), `.${basename(final)}.pending-${process.pid}`);
    const stream = createWriteStream(temporary, { flags: 'w', mode: 0o600 });
    let done = false;
    return {
      stream,
      async commit() {
        if (!stream.writableFinished) await finished(stream);
        await fsyncFile(temporary);
        await rename(temporary, final);
        await fsyncFile(dirname(final)); // the rename itself must survive a crash
        done = true;
      },
      async abort() {
        if (done) return;
        stream.destroy();
        await rm(temporary, { force: true });
      },
    };
  }

  async open(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.#path(key);
    if (!(await this.stat(key))) {
      const folder = await stat(path).then(
        (info) => info.isDirectory(),
        () => false,
      );
      if (folder) throw invalid(`${path} is a folder, not an archive file`, 'give the path of a file');
      throw notFound(`archive ${path} does not exist`);
    }
    if (range === undefined) return createReadStream(path);
    const end = range.length === undefined ? undefined : range.offset + range.length - 1;
    // createReadStream's `end` is inclusive; an empty range must read nothing, not one byte.
    if (end !== undefined && end < range.offset) return Readable.from([]);
    return createReadStream(path, { start: range.offset, end });
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    try {
      const info = await stat(this.#path(key));
      return info.isFile() ? { key, size: info.size, modified: info.mtime } : undefined;
    } catch {
      return undefined;
    }
  }

  /** @throws StowageError 'not-found' when the folder does not exist, 'invalid' when it is a file. */
  async list(prefix = ''): Promise<ObjectInfo[]> {
    const objects: ObjectInfo[] = [];
    for (const file of await this.#files()) {
      const key = relative(this.root, file).split(sep).join('/');
      if (!key.startsWith(prefix) || PENDING.test(basename(file))) continue;
      const info = await stat(file);
      objects.push({ key, size: info.size, modified: info.mtime });
    }
    return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async remove(key: string): Promise<void> {
    await rm(this.#path(key), { force: true });
  }

  /** A pending file goes when its writer's pid is dead, or when it has not been written to for long. */
  async sweep(options: SweepOptions = {}): Promise<string[]> {
    const staleBefore = Date.now() - (options.staleAfterMs ?? STALE_AFTER_MS);
    const removed: string[] = [];
    for (const file of await this.#files()) {
      const match = PENDING.exec(basename(file));
      if (!match) continue;
      const stale = () =>
        stat(file).then(
          (info) => info.mtimeMs <= staleBefore,
          () => false,
        );
      if (!isAlive(Number(match[2])) || (await stale())) {
        await rm(file, { force: true });
        removed.push(relative(this.root, file));
      }
    }
    return removed;
  }

  async close(): Promise<void> {}

  /** @throws StowageError 'invalid' for a key that would leave the folder. */
  #path(key: string): string {
    const path = resolve(this.root, key);
    if (path !== this.root && !path.startsWith(this.root + sep))
      throw invalid(`object key "${key}" leaves the target folder`);
    return path;
  }

  async #files(): Promise<string[]> {
    try {
      const entries = await readdir(this.root, { recursive: true, withFileTypes: true });
      return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    } catch (error) {
      // Listing is how a folder is scanned: a folder that is not there is the user's mistake, not "empty".
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        throw notFound(`folder ${this.root} does not exist`, 'give the folder that holds the archives');
      if (code === 'ENOTDIR')
        throw invalid(`${this.root} is a file, not a folder`, 'give the folder that holds the archives');
      throw fileSystemError(error, { path: this.root, action: 'read the folder' }) ?? error;
    }
  }
}

async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
