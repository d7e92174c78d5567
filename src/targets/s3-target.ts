/**
 * An S3 bucket (AWS or an S3-compatible server) through the AWS SDK v3. Keys live under the URL's prefix.
 *
 * A pending object is a multipart upload to its final key whose end is held back until `commit`: parts
 * stream up while the caller writes (lib-storage's Upload, memory bounded by queueSize × partSize), and
 * only `commit` lets the upload complete, which S3 makes visible in one step. Until then nothing lists,
 * whatever happens; `abort` and a broken stream abort the multipart upload (no parts are left), and the
 * parts of a writer that was killed are found by `sweep` (ListMultipartUploads) and aborted. See
 * docs/DECISIONS.md, "S3: commit is the completion of a multipart upload".
 */
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
  type ListMultipartUploadsCommandOutput,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { PassThrough, Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { invalid } from '../core/errors.ts';
import {
  STALE_AFTER_MS,
  type ByteRange,
  type ObjectInfo,
  type PendingObject,
  type SweepOptions,
  type Target,
} from './contract.ts';
import { retriesOf, s3Error } from './s3-errors.ts';
import type { S3Options } from './target-options.ts';
import { formatTargetUrl } from './target-url.ts';

const MIB = 1024 * 1024;

export class S3Target implements Target {
  readonly url: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly #client: S3Client;
  readonly #options: S3Options;
  readonly #where: string;
  #retries = 0;
  /** The first write checks the bucket and the credentials, so a wrong one fails before any upload. */
  #ready: Promise<void> | undefined;

  constructor(bucket: string, prefix: string, options: S3Options = {}, env: NodeJS.ProcessEnv = process.env) {
    this.bucket = bucket;
    this.prefix = prefix;
    this.url = formatTargetUrl({ scheme: 's3', bucket, prefix });
    this.#options = options;
    const endpoint = options.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
    this.#where = endpoint ? `${this.url} (endpoint ${endpoint})` : this.url;
    const config: S3ClientConfig = {
      maxAttempts: options.maxAttempts ?? 5,
      retryMode: 'standard',
    };
    if (endpoint) {
      config.endpoint = endpoint;
      config.forcePathStyle = options.forcePathStyle ?? !isAwsEndpoint(endpoint);
      // S3-compatible servers rarely care about the region, but the signature needs one.
      config.region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
    } else {
      if (options.region) config.region = options.region;
      if (options.forcePathStyle !== undefined) config.forcePathStyle = options.forcePathStyle;
    }
    if (options.credentials) config.credentials = options.credentials;
    this.#client = new S3Client(config);
    // Counts the SDK's retries of every request, lib-storage's uploads included.
    this.#client.middlewareStack.add(
      (next) => async (args) => {
        try {
          const result = await next(args);
          this.#retries += retriesOf(result.output);
          return result;
        } catch (error) {
          this.#retries += retriesOf(error);
          throw error;
        }
      },
      { step: 'initialize', name: 'stowageRetryCount' },
    );
  }

  get retries(): number {
    return this.#retries;
  }

  async create(key: string): Promise<PendingObject> {
    const objectKey = this.#key(key);
    await this.#checkAccess();
    const body = new PassThrough({ highWaterMark: MIB });
    const upload = new Upload({
      client: this.#client,
      params: { Bucket: this.bucket, Key: objectKey, Body: body },
      partSize: this.#options.partSize ?? 16 * MIB,
      queueSize: this.#options.queueSize ?? 4,
    });
    // Runs while the caller writes; completes only once `body` ends, which only `commit` does.
    const uploaded = upload.done().then(
      () => undefined,
      (error: unknown) => error,
    );
    let state: 'open' | 'committed' | 'aborted' = 'open';
    const stream = new Writable({
      highWaterMark: MIB,
      write(chunk: Buffer, _encoding, callback) {
        if (body.write(chunk)) callback();
        else body.once('drain', () => callback());
      },
      // The caller's end is not the upload's end: that waits for `commit`.
      final: (callback) => callback(),
      destroy(error, callback) {
        // A broken writer aborts the upload: lib-storage then aborts the multipart upload itself.
        // (Destroyed after a normal finish, as every stream is, it leaves the upload to `commit`.)
        if (state === 'open' && (error || !stream.writableFinished))
          body.destroy(error ?? new Error('the write was abandoned before commit'));
        callback(error);
      },
    });
    const where = this.#where;
    const pending: PendingObject = {
      stream,
      async commit() {
        if (state !== 'open') throw invalid(`${objectKey} was already ${state}`);
        try {
          await finished(stream);
        } catch (error) {
          await pending.abort();
          throw s3Error(error, where, `write ${objectKey}`);
        }
        body.end();
        const failure = await uploaded;
        if (failure !== undefined) {
          state = 'aborted';
          throw s3Error(failure, where, `upload ${objectKey}`);
        }
        state = 'committed';
      },
      async abort() {
        if (state !== 'open') return;
        state = 'aborted';
        body.destroy(new Error('upload aborted'));
        stream.destroy();
        // lib-storage aborts the multipart upload once its part uploads have stopped.
        await uploaded;
      },
    };
    return pending;
  }

  async open(key: string, range?: ByteRange): Promise<Readable> {
    const objectKey = this.#key(key);
    if (range?.length === 0) return Readable.from([]);
    const Range =
      range === undefined
        ? undefined
        : `bytes=${range.offset}-${range.length === undefined ? '' : range.offset + range.length - 1}`;
    try {
      const output = await this.#client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: objectKey, Range }),
      );
      return output.Body as Readable;
    } catch (error) {
      // As a file read past its end: nothing, not an error.
      if ((error as { Code?: string; name?: string }).name === 'InvalidRange') return Readable.from([]);
      throw s3Error(error, this.#where, `read ${objectKey}`);
    }
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    const objectKey = this.#key(key);
    try {
      const output = await this.#client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      return { key, size: output.ContentLength ?? 0, modified: output.LastModified ?? new Date(0) };
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      // HEAD has no body: a missing key and a missing bucket both read 404. Tell them apart by listing.
      if (status === 404) {
        await this.#checkAccess();
        return undefined;
      }
      throw s3Error(error, this.#where, `look up ${objectKey}`);
    }
  }

  async list(prefix = ''): Promise<ObjectInfo[]> {
    const objects: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const output = await this.#send<ListObjectsV2CommandOutput>(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix + prefix,
          ContinuationToken: token,
          MaxKeys: this.#options.pageSize,
        }),
        'list',
      );
      for (const object of output.Contents ?? []) {
        if (object.Key === undefined) continue;
        objects.push({
          key: object.Key.slice(this.prefix.length),
          size: object.Size ?? 0,
          modified: object.LastModified ?? new Date(0),
        });
      }
      token = output.IsTruncated ? output.NextContinuationToken : undefined;
    } while (token);
    return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async remove(key: string): Promise<void> {
    const objectKey = this.#key(key);
    await this.#send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey }), `remove ${objectKey}`);
  }

  /**
   * Aborts the multipart uploads under the prefix started before `staleAfterMs` ago: those of killed
   * writers. S3 cannot say whether their writer still runs, so the age decides.
   */
  async sweep(options: SweepOptions = {}): Promise<string[]> {
    const staleBefore = Date.now() - (options.staleAfterMs ?? STALE_AFTER_MS);
    const removed: string[] = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const output = await this.#send<ListMultipartUploadsCommandOutput>(
        new ListMultipartUploadsCommand({
          Bucket: this.bucket,
          Prefix: this.prefix,
          KeyMarker: keyMarker,
          UploadIdMarker: uploadIdMarker,
        }),
        'list unfinished uploads',
      );
      for (const upload of output.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId) continue;
        if ((upload.Initiated?.getTime() ?? 0) > staleBefore) continue;
        await this.#send(
          new AbortMultipartUploadCommand({
            Bucket: this.bucket,
            Key: upload.Key,
            UploadId: upload.UploadId,
          }),
          `abort the unfinished upload of ${upload.Key}`,
        );
        removed.push(upload.Key.slice(this.prefix.length));
      }
      keyMarker = output.IsTruncated ? output.NextKeyMarker : undefined;
      uploadIdMarker = output.IsTruncated ? output.NextUploadIdMarker : undefined;
    } while (keyMarker);
    return removed;
  }

  close(): Promise<void> {
    this.#client.destroy();
    return Promise.resolve();
  }

  /** Sends `command`, turning whatever fails (after the SDK's retries) into a StowageError. */
  async #send<Output>(command: { readonly input: object }, operation: string): Promise<Output> {
    try {
      // The SDK's `send` is overloaded per command class; each call site states the output it expects.
      return (await this.#client.send(command as never)) as Output;
    } catch (error) {
      throw s3Error(error, this.#where, operation);
    }
  }

  #checkAccess(): Promise<void> {
    this.#ready ??= this.#send(
      new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, MaxKeys: 1 }),
      'open the bucket',
    ).then(
      () => undefined,
      (error: unknown) => {
        this.#ready = undefined; // a later call may find the bucket created or the key fixed
        throw error;
      },
    );
    return this.#ready;
  }

  /** @throws StowageError 'invalid' for a key S3 would read differently from a folder. */
  #key(key: string): string {
    if (key === '' || key.startsWith('/') || key.split('/').some((part) => part === '..' || part === '.'))
      throw invalid(`object key "${key}" is not a plain relative path`);
    return this.prefix + key;
  }
}

function isAwsEndpoint(endpoint: string): boolean {
  try {
    return /(^|\.)amazonaws\.com(\.cn)?$/.test(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}
