/**
 * A folder on an SFTP server (OpenSSH's, typically), over one ssh2 connection opened on first use.
 *
 * A pending object is a file named `.stowage-tmp-PID@HOST~RANDOM~NAME` beside its final name; `commit`
 * fsyncs it (where the server offers `fsync@openssh.com`) and renames it over the final name in one step
 * (`posix-rename@openssh.com`, or a plain rename). `list` never shows temporary names; `sweep` removes
 * those whose writer, on this host, is dead, and any that has not changed for `staleAfterMs`.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { posix } from 'node:path';
import { PassThrough, Writable, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
// ssh2 is CommonJS whose exports Node cannot name statically: take them from the default export.
import ssh2, { type Client, type SFTPWrapper, type Stats } from 'ssh2';
import { StowageError, invalid, notFound } from '../core/errors.ts';
import { isAlive } from '../core/process-alive.ts';
import { hostKeyRefusal } from '../ssh/known-hosts.ts';
import { sshConnectConfig } from '../ssh/ssh-login.ts';
import {
  STALE_AFTER_MS,
  type ByteRange,
  type ObjectInfo,
  type PendingObject,
  type SweepOptions,
  type Target,
} from './contract.ts';
import type { SftpOptions } from './target-options.ts';
import { formatTargetUrl } from './target-url.ts';

const TEMPORARY = /^\.stowage-tmp-(\d+)@([^~]*)~/;
/** SFTP status codes (draft-ietf-secsh-filexfer-02), as ssh2 puts them on `error.code`. */
const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;
const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);

export interface SftpLocation {
  host: string;
  port: number;
  username: string | undefined;
  password: string | undefined;
  path: string;
}

export class SftpTarget implements Target {
  readonly url: string;
  readonly #location: SftpLocation;
  readonly #options: SftpOptions;
  readonly #env: NodeJS.ProcessEnv;
  #retries = 0;
  #connection: Promise<{ client: Client; sftp: SFTPWrapper }> | undefined;

  constructor(location: SftpLocation, options: SftpOptions = {}, env: NodeJS.ProcessEnv = process.env) {
    this.#location = location;
    this.#options = options;
    this.#env = env;
    this.url = formatTargetUrl({ scheme: 'sftp', ...location });
  }

  get retries(): number {
    return this.#retries;
  }

  async create(key: string): Promise<PendingObject> {
    const final = this.#path(key);
    const sftp = await this.#sftp();
    await this.#mkdirs(sftp, posix.dirname(final));
    const name = `.stowage-tmp-${process.pid}@${hostname()}~${randomBytes(4).toString('hex')}~${posix.basename(final)}`;
    const temporary = posix.join(posix.dirname(final), name);
    const remote = sftp.createWriteStream(temporary, { mode: 0o600 });
    await new Promise<void>((resolve, reject) => {
      remote.once('open', () => resolve());
      remote.once('error', (error: Error) => reject(this.#error(error, `write ${final}`)));
    });
    const stream = finishingWhenClosed(remote);
    let state: 'open' | 'committed' | 'aborted' = 'open';
    const unlinkTemporary = () => call<void>((done) => sftp.unlink(temporary, done)).catch(() => undefined);
    return {
      stream,
      commit: async () => {
        if (state !== 'open') throw invalid(`${final} was already ${state}`);
        try {
          if (!stream.writableFinished) await finished(stream);
          await this.#fsync(sftp, temporary);
          await this.#rename(sftp, temporary, final);
          state = 'committed';
        } catch (error) {
          state = 'aborted';
          await unlinkTemporary();
          throw this.#error(error, `commit ${final}`);
        }
      },
      abort: async () => {
        if (state !== 'open') return;
        state = 'aborted';
        stream.destroy();
        await unlinkTemporary();
      },
    };
  }

  async open(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.#path(key);
    if (!(await this.stat(key))) throw notFound(`no object ${key} at ${this.url}`);
    const sftp = await this.#sftp();
    if (range?.length === 0) return new PassThrough().end();
    const end = range?.length === undefined ? undefined : range.offset + range.length - 1;
    return sftp.createReadStream(path, range === undefined ? {} : { start: range.offset, end });
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    const path = this.#path(key);
    const sftp = await this.#sftp();
    try {
      const info = await call<Stats>((done) => sftp.stat(path, done));
      return info.isFile() ? { key, size: info.size, modified: new Date(info.mtime * 1000) } : undefined;
    } catch (error) {
      if ((error as { code?: unknown }).code === NO_SUCH_FILE) return undefined;
      throw this.#error(error, `look up ${path}`);
    }
  }

  async list(prefix = ''): Promise<ObjectInfo[]> {
    const objects: ObjectInfo[] = [];
    for (const file of await this.#walk()) {
      if (!file.key.startsWith(prefix) || TEMPORARY.test(posix.basename(file.key))) continue;
      objects.push({ key: file.key, size: file.size, modified: file.modified });
    }
    return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async remove(key: string): Promise<void> {
    const path = this.#path(key);
    const sftp = await this.#sftp();
    try {
      await call<void>((done) => sftp.unlink(path, done));
    } catch (error) {
      if ((error as { code?: unknown }).code !== NO_SUCH_FILE) throw this.#error(error, `remove ${path}`);
    }
  }

  async sweep(options: SweepOptions = {}): Promise<string[]> {
    const staleBefore = Date.now() - (options.staleAfterMs ?? STALE_AFTER_MS);
    const here = hostname();
    const removed: string[] = [];
    for (const file of await this.#walk()) {
      const match = TEMPORARY.exec(posix.basename(file.key));
      if (!match) continue;
      const deadHere = match[2] === here && !isAlive(Number(match[1]));
      if (deadHere || file.modified.getTime() <= staleBefore) {
        await this.remove(file.key);
        removed.push(file.key);
      }
    }
    return removed;
  }

  async close(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection) await connection.then(({ client }) => client.end()).catch(() => undefined);
  }

  /** Every file under the folder (temporary ones too), recursively; none when the folder does not exist. */
  async #walk(): Promise<ObjectInfo[]> {
    const sftp = await this.#sftp();
    const files: ObjectInfo[] = [];
    const visit = async (relative: string): Promise<void> => {
      const folder = relative === '' ? this.#location.path : posix.join(this.#location.path, relative);
      let entries;
      try {
        entries = await call<{ filename: string; attrs: Stats }[]>((done) => sftp.readdir(folder, done));
      } catch (error) {
        if (relative === '' && (error as { code?: unknown }).code === NO_SUCH_FILE) return;
        throw this.#error(error, `list ${folder}`);
      }
      for (const entry of entries) {
        const key = relative === '' ? entry.filename : `${relative}/${entry.filename}`;
        if (entry.attrs.isDirectory()) await visit(key);
        else if (entry.attrs.isFile())
          files.push({ key, size: entry.attrs.size, modified: new Date(entry.attrs.mtime * 1000) });
      }
    };
    await visit('');
    return files;
  }

  async #mkdirs(sftp: SFTPWrapper, folder: string): Promise<void> {
    try {
      const info = await call<Stats>((done) => sftp.stat(folder, done));
      if (info.isDirectory()) return;
    } catch {
      // does not exist yet: create it below
    }
    const parent = posix.dirname(folder);
    if (parent !== folder) await this.#mkdirs(sftp, parent);
    try {
      await call<void>((done) => sftp.mkdir(folder, done));
    } catch (error) {
      // Another writer may have made it in between.
      const info = await call<Stats>((done) => sftp.stat(folder, done)).catch(() => undefined);
      if (!info?.isDirectory()) throw this.#error(error, `create the folder ${folder}`);
    }
  }

  /** fsync@openssh.com where the server has it; others give no way to, and the rename still is atomic. */
  async #fsync(sftp: SFTPWrapper, path: string): Promise<void> {
    const handle = await call<Buffer>((done) => sftp.open(path, 'r', done));
    try {
      await call<void>((done) => sftp.ext_openssh_fsync(handle, (error) => done(error))).catch(
        (error: Error) => {
          if (!/not support/i.test(error.message)) throw error;
        },
      );
    } finally {
      await call<void>((done) => sftp.close(handle, done));
    }
  }

  /** posix-rename@openssh.com replaces the final name atomically; plain SFTP rename refuses to. */
  async #rename(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
    try {
      await call<void>((done) => sftp.ext_openssh_rename(from, to, done));
    } catch (error) {
      if (!/not support/i.test((error as Error).message)) throw error;
      await call<void>((done) => sftp.unlink(to, done)).catch(() => undefined);
      await call<void>((done) => sftp.rename(from, to, done));
    }
  }

  #sftp(): Promise<SFTPWrapper> {
    this.#connection ??= this.#connect().catch((error: unknown) => {
      this.#connection = undefined; // the next call tries again
      throw error;
    });
    return this.#connection.then(({ sftp }) => sftp);
  }

  /** Connects, retrying refused and reset connections with backoff; refusals of keys fail at once. */
  async #connect(): Promise<{ client: Client; sftp: SFTPWrapper }> {
    const attempts = this.#options.maxAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#connectOnce();
      } catch (error) {
        const code = (error as { cause?: { code?: string } }).cause?.code;
        if (attempt >= attempts || !RETRYABLE.has(code ?? '')) throw error;
        this.#retries += 1;
        await sleep(200 * 2 ** (attempt - 1));
      }
    }
  }

  #connectOnce(): Promise<{ client: Client; sftp: SFTPWrapper }> {
    const { host, port, username, password } = this.#location;
    const { config, verdict } = sshConnectConfig({
      host,
      port,
      username,
      password,
      identityFile: this.#options.identityFile,
      env: this.#env,
    });
    return new Promise((resolve, reject) => {
      const client = new ssh2.Client();
      client.once('error', (error: Error & { level?: string }) => {
        const refusal = verdict();
        if (refusal !== 'known') {
          const { problem, hint } = hostKeyRefusal(refusal, host, port, config.username ?? '', this.#env);
          reject(
            new StowageError('unreachable', `cannot connect to ${this.url}: ${problem}`, {
              hint,
              cause: error,
            }),
          );
        } else if (error.level === 'client-authentication') {
          reject(
            new StowageError(
              'unreachable',
              `cannot connect to ${this.url}: ssh login as ${config.username} refused`,
              {
                hint: 'Stowage logs in with the ssh agent\u2019s keys (SSH_AUTH_SOCK), the identity file option and ~/.ssh/id_ed25519, id_ecdsa, id_rsa: add the right key with `ssh-add`, or name it as the identity file',
                cause: error,
              },
            ),
          );
        } else {
          reject(
            new StowageError('unreachable', `cannot connect to ${this.url}: ${error.message}`, {
              hint: 'check the host and port, and that the server runs sshd with the sftp subsystem',
              cause: error,
            }),
          );
        }
      });
      client.once('ready', () => {
        client.sftp((error, sftp) => {
          if (error) {
            client.end();
            reject(
              new StowageError(
                'unreachable',
                `cannot open an SFTP session at ${this.url}: ${error.message}`,
                {
                  hint: 'the server must offer the sftp subsystem (`Subsystem sftp internal-sftp` in sshd_config)',
                  cause: error,
                },
              ),
            );
          } else resolve({ client, sftp });
        });
      });
      client.connect(config);
    });
  }

  #error(error: unknown, operation: string): StowageError {
    if (error instanceof StowageError) return error;
    const code = (error as { code?: unknown }).code;
    const message = (error as Error).message ?? String(error);
    if (code === PERMISSION_DENIED)
      return new StowageError('invalid', `cannot ${operation} at ${this.url}: permission denied`, {
        hint: `let ${this.#location.username ?? 'the ssh user'} write the folder ${this.#location.path} on ${this.#location.host}`,
        cause: error,
      });
    if (code === NO_SUCH_FILE) return notFound(`cannot ${operation} at ${this.url}: no such file`);
    return new StowageError('failed', `cannot ${operation} at ${this.url}: ${message}`, { cause: error });
  }

  /** @throws StowageError 'invalid' for a key that would leave the folder. */
  #path(key: string): string {
    if (key === '' || key.startsWith('/') || key.split('/').some((part) => part === '..' || part === '.'))
      throw invalid(`object key "${key}" is not a plain relative path`);
    return posix.join(this.#location.path, key);
  }
}

/**
 * ssh2's write stream closes its remote file at the end but never emits 'finish'. This one does, once
 * every byte is written and the remote file is closed, as a file stream would.
 */
function finishingWhenClosed(remote: Writable): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (remote.write(chunk)) callback();
      else remote.once('drain', () => callback());
    },
    final(callback) {
      remote.once('error', callback);
      remote.once('close', () => callback());
      remote.end();
    },
    construct(callback) {
      remote.once('error', (error: Error) => this.destroy(error));
      callback();
    },
    destroy(error, callback) {
      remote.destroy();
      callback(error);
    },
  });
}

/** Runs an ssh2 callback-style call as a promise. */
function call<T>(run: (done: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    run((error, value) => (error ? reject(error) : resolve(value as T))),
  );
}
