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
    const copy = out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? out : Buffer.from(out);
    parentPort.postMessage({ id, data: copy }, [copy.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

interface Pending {
  promise: Promise<Buffer>;
}

/** A Transform: uncompressed bytes in, a zstd or gzip stream of independent frames out. */
export class FrameCompressor extends Transform {
  readonly #workers: Worker[];
  readonly #frameBytes: number;
  readonly #maxInFlight: number;
  readonly #waiting = new Map<number, { resolve: (data: Buffer) => void; reject: (error: Error) => void }>();
  readonly #queue: Pending[] = [];
  #parts: Buffer[] = [];
  #size = 0;
  #nextId = 0;

  constructor(format: FrameFormat, options: FrameCompressorOptions) {
    super({ readableHighWaterMark: 4 * 1024 * 1024 });
    const count = Math.max(1, options.workers ?? 2);
    this.#frameBytes = options.frameBytes ?? 4 * 1024 * 1024;
    // Two frames per worker keep every worker busy while the main thread collects the next batch.
    this.#maxInFlight = 2 * count;
    this.#workers = Array.from({ length: count }, () => {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { format, level: options.level } });
      worker.on('message', (message: { id: number; data?: Uint8Array; error?: string }) => this.#settle(message));
      worker.on('error', (error) => this.destroy(error));
      // An idle worker must not keep the process alive; a busy one is awaited through its promise.
      worker.unref();
      return worker;
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#parts.push(chunk);
    this.#size += chunk.length;
    if (this.#size >= this.#frameBytes) this.#dispatch();
    this.#drain(this.#maxInFlight - 1).then(() => callback(), callback);
  }

  override _flush(callback: TransformCallback): void {
    if (this.#size > 0) this.#dispatch();
    this.#drain(0).then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    for (const worker of this.#workers) void worker.terminate();
    for (const { reject } of this.#waiting.values()) reject(error ?? new Error('compressor closed'));
    this.#waiting.clear();
    callback(error);
  }

  #dispatch(): void {
    const data = this.#parts.length === 1 ? Buffer.from(this.#parts[0]!) : Buffer.concat(this.#parts, this.#size);
    this.#parts = [];
    this.#size = 0;
    const id = this.#nextId++;
    const worker = this.#workers[id % this.#workers.length]!;
    const promise = new Promise<Buffer>((resolve, reject) => this.#waiting.set(id, { resolve, reject }));
    // Rejections are handled where the frame is awaited, in order; this only silences the early ones.
    promise.catch(() => {});
    this.#queue.push({ promise });
    worker.ref();
    worker.postMessage({ id, data }, [data.buffer as ArrayBuffer]);
  }

  /** Pushes finished frames, in order, until at most `limit` are still being compressed. */
  async #drain(limit: number): Promise<void> {
    while (this.#queue.length > limit) {
      const frame = await this.#queue.shift()!.promise;
      this.push(frame);
    }
  }

  #settle(message: { id: number; data?: Uint8Array; error?: string }): void {
    const waiting = this.#waiting.get(message.id);
    if (waiting === undefined) return;
    this.#waiting.delete(message.id);
    if (this.#waiting.size === 0) for (const worker of this.#workers) worker.unref();
    if (message.data !== undefined) {
      waiting.resolve(Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength));
    } else {
      waiting.reject(new StowageError('failed', `compression failed: ${message.error ?? 'unknown error'}`));
    }
  }
}
