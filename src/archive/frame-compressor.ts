/**
 * Compression on worker threads, in independent frames (zstd) or members (gzip) of a few MiB, written in
 * input order. Both formats define a stream as a sequence of those, so `zstd -d`, `tar --zstd`, `gzip -d`
 * and `tar xzf` read the result like any other file; the ratio is within 0.5% of one single frame.
 *
 * Why not a node:zlib stream: its work runs on the libuv pool but every chunk needs a turn of the main
 * event loop, which is busy parsing and hashing the tar, so the two mostly take turns instead of running
 * side by side (measured: 150 MB/s vs 300 MB/s on 2 cores, see bench/archive-throughput.ts). Workers get
 * whole batches through their own message queue and never wait for the main thread. Their code is inline
 * so that it survives bundling.
 */
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { StowageError } from '../core/errors.ts';

export type FrameFormat = 'zstd' | 'gzip';

interface WorkerReply {
  id: number;
  data?: Uint8Array;
  error?: string;
}

export interface FrameCompressorOptions {
  level: number;
  /** Worker threads (default 2). */
  workers?: number;
  /** Uncompressed bytes per frame (default 4 MiB). */
  frameBytes?: number;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const zlib = require('node:zlib');
const { format, level } = workerData;
const options = format === 'zstd'
  ? { params: { [zlib.constants.ZSTD_c_compressionLevel]: level, [zlib.constants.ZSTD_c_checksumFlag]: 1 } }
  : { level };
parentPort.on('message', ({ id, data }) => {
  try {
    const input = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    options.chunkSize = Math.max(64 * 1024, Math.min(input.length + 1024, 8 * 1024 * 1024));
    const out = format === 'zstd' ? zlib.zstdCompressSync(input, options) : zlib.gzipSync(input, options);
    // Only a buffer that owns its whole ArrayBuffer can be moved (pool slices cannot).
    const copy = out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? out : new Uint8Array(out);
    parentPort.postMessage({ id, data: copy }, [copy.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

/** A Transform: uncompressed bytes in, a zstd or gzip stream of independent frames out. */
export class FrameCompressor extends Transform {
  readonly #workers: Worker[] = [];
  readonly #count: number;
  readonly #format: FrameFormat;
  readonly #level: number;
  readonly #frameBytes: number;
  readonly #maxInFlight: number;
  readonly #waiting = new Map<number, { resolve: (data: Buffer) => void; reject: (error: Error) => void }>();
  /** Frames being compressed, in output order. */
  readonly #queue: Promise<Buffer>[] = [];
  #parts: Buffer[] = [];
  #size = 0;
  #nextId = 0;

  constructor(format: FrameFormat, options: FrameCompressorOptions) {
    super({ readableHighWaterMark: 4 * 1024 * 1024 });
    const count = Math.max(1, options.workers ?? 2);
    this.#frameBytes = options.frameBytes ?? 4 * 1024 * 1024;
    // Two frames per worker keep every worker busy while the main thread collects the next batch.
    this.#maxInFlight = 2 * count;
    this.#count = count;
    this.#format = format;
    this.#level = options.level;
    // Started now so that a runtime without worker threads (e.g. the permission model without
    // --allow-worker) fails here, where createCompressor can fall back, and not mid-archive.
    this.#worker(0);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#parts.push(chunk);
    this.#size += chunk.length;
    if (this.#size >= this.#frameBytes) this.#dispatch();
    this.#drain(this.#maxInFlight - 1).then(() => callback(), callback);
  }

  override _flush(callback: TransformCallback): void {
    if (this.#size > 0) this.#dispatch();
    this.#drain(0).then(() => {
      this.#terminate();
      callback();
    }, callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#terminate();
    for (const { reject } of this.#waiting.values()) reject(error ?? new Error('compressor closed'));
    this.#waiting.clear();
    callback(error);
  }

  #dispatch(): void {
    // The batch is moved to the worker, so it must own its whole ArrayBuffer (never a pooled slice).
    const data = Buffer.from(new ArrayBuffer(this.#size));
    let offset = 0;
    for (const part of this.#parts) offset += part.copy(data, offset);
    this.#parts = [];
    this.#size = 0;
    const id = this.#nextId++;
    const promise = new Promise<Buffer>((resolve, reject) => this.#waiting.set(id, { resolve, reject }));
    // Rejections are handled where the frame is awaited, in order; this only silences the early ones.
    promise.catch(() => {});
    this.#queue.push(promise);
    const worker = this.#worker(id);
    // Only a worker with a frame to return keeps the process alive (see #worker).
    worker.ref();
    worker.postMessage({ id, data }, [data.buffer]);
  }

  /** The first worker starts at once, the others on first use: a small archive needs one. */
  #worker(id: number): Worker {
    const index = id % this.#count;
    const existing = this.#workers[index];
    if (existing !== undefined) return existing;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { format: this.#format, level: this.#level },
      // A worker only holds the frame it compresses: small heaps make it collect its spent buffers early
      // instead of letting them pile up (peak RSS, not speed, is what this buys).
      resourceLimits: { maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 8 },
    });
    worker.on('message', (message: WorkerReply) => this.#settle(message));
    worker.on('error', (error: Error) => this.destroy(error));
    worker.on('exit', (code) => {
      // #terminate removes a worker before stopping it; any other exit would leave frames waiting forever.
      if (this.#workers.includes(worker)) {
        this.destroy(new StowageError('failed', `compression worker exited unexpectedly (code ${code})`));
      }
    });
    // An idle worker must not keep the process alive if the stream is dropped without being ended.
    worker.unref();
    this.#workers[index] = worker;
    return worker;
  }

  #hasPendingFor(index: number): boolean {
    for (const id of this.#waiting.keys()) if (id % this.#count === index) return true;
    return false;
  }

  #terminate(): void {
    const workers = this.#workers.splice(0);
    for (const worker of workers) {
      if (worker !== undefined) void worker.terminate();
    }
  }

  /** Pushes finished frames, in order, until at most `limit` are still being compressed. */
  async #drain(limit: number): Promise<void> {
    while (this.#queue.length > limit) {
      const frame = await this.#queue.shift()!;
      this.push(frame);
    }
  }

  #settle(message: WorkerReply): void {
    const waiting = this.#waiting.get(message.id);
    if (waiting === undefined) return;
    this.#waiting.delete(message.id);
    if (!this.#hasPendingFor(message.id % this.#count)) this.#workers[message.id % this.#count]?.unref();
    if (message.data !== undefined) {
      waiting.resolve(Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength));
    } else {
      waiting.reject(new StowageError('failed', `compression failed: ${message.error ?? 'unknown error'}`));
    }
  }
}
