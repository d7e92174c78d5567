/**
 * Compression of archives: zstd (default), gzip (plain `tar xzf` reads it) or none, detected on read by
 * magic bytes so that any archive opens without being told what it is.
 */
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import type { Duplex } from 'node:stream';
import { PassThrough } from 'node:stream';
import zlib from 'node:zlib';
import { invalid } from '../core/errors.ts';
import { FrameCompressor } from './frame-compressor.ts';
import { createZstdCliCompressor, zstdCliAvailable } from './zstd-cli.ts';
import { ZstdFrameSplitter } from './zstd-frames.ts';

export type Compression = 'zstd' | 'gzip' | 'none';

export const COMPRESSIONS: readonly Compression[] = ['zstd', 'gzip', 'none'];

/**
 * What compresses: `workers` (node:zlib on worker threads, independent frames, see frame-compressor.ts),
 * `stream` (one node:zlib stream, one frame; the slower fallback), `zstd-cli` (the `zstd` command with
 * `threads` threads; zstd only) or `auto` (default): `zstd-cli` for zstd when the command is installed,
 * because native zstd does 2.5× the work of node:zlib's per CPU second (bench/archive-throughput.ts),
 * else `workers`.
 */
export type Compressor = 'auto' | 'workers' | 'stream' | 'zstd-cli';

export interface CompressorOptions {
  /** zstd 1-19 (default 3, zstd's own default) or gzip 1-9 (default 6). */
  level?: number;
  compressor?: Compressor;
  /** Threads for `workers` and `zstd-cli`; default: the CPUs available, at most 4. */
  threads?: number;
}

const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const OTHER_FORMATS: readonly [Buffer, string][] = [
  [Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), 'xz'],
  [Buffer.from('BZh'), 'bzip2'],
  [Buffer.from([0x04, 0x22, 0x4d, 0x18]), 'lz4'],
];
/** Enough bytes to recognise every magic above. */
export const MAGIC_LENGTH = 6;

/** Detects zstd or gzip by magic bytes; anything else is taken as plain tar. Throws `invalid` for xz etc. */
export function detectCompression(head: Buffer): Compression {
  if (startsWith(head, ZSTD_MAGIC)) return 'zstd';
  if (startsWith(head, GZIP_MAGIC)) return 'gzip';
  for (const [magic, format] of OTHER_FORMATS) {
    if (startsWith(head, magic)) {
      throw invalid(
        `the archive is ${format}-compressed; Stowage reads zstd, gzip or uncompressed tar`,
        `decompress it first (for example \`${format} -d\`)`,
      );
    }
  }
  return 'none';
}

/**
 * A Transform from tar bytes to compressed bytes (a pass-through for `none`). Throws `invalid` for
 * `zstd-cli` with gzip, `failed` (from the stream) when the `zstd` command cannot run.
 */
export function createCompressor(compression: Compression, options: CompressorOptions = {}): Duplex {
  if (compression === 'none') return new PassThrough();
  const level = options.level ?? (compression === 'zstd' ? 3 : 6);
  const threads = options.threads ?? Math.min(4, availableParallelism());
  switch (options.compressor ?? 'auto') {
    case 'auto':
      return createCompressor(compression, {
        ...options,
        compressor: compression === 'zstd' && zstdCliAvailable() ? 'zstd-cli' : 'workers',
      });
    case 'workers':
      try {
        return new FrameCompressor(compression, { level, workers: threads });
      } catch {
        // No worker threads here: one stream is slower but produces the same format.
        return createCompressor(compression, { ...options, compressor: 'stream' });
      }
    case 'zstd-cli':
      if (compression !== 'zstd') throw invalid('the zstd-cli compressor writes zstd only');
      return createZstdCliCompressor(level, threads);
    case 'stream':
      if (compression === 'gzip') return zlib.createGzip({ chunkSize: 256 * 1024, level });
      return zlib.createZstdCompress({
        chunkSize: 256 * 1024,
        params: {
          [zlib.constants.ZSTD_c_compressionLevel]: level,
          // A frame checksum lets `zstd -t` and every reader detect corruption without the manifest.
          [zlib.constants.ZSTD_c_checksumFlag]: 1,
          // ZSTD_c_nbWorkers stays unset: with 2 workers node:zlib's stream stalls forever (Node 24.21).
        },
      });
  }
}

export interface DecompressObserver {
  /** Sees every raw (still compressed) chunk, e.g. to hash the archive as stored. */
  raw?(chunk: Buffer): void;
  /** Called once the format is known, before the first decompressed chunk. */
  detected?(compression: Compression): void;
}

/**
 * Yields the uncompressed tar bytes of an archive in any supported compression. Truncated or corrupt
 * compressed data makes the iteration throw (zlib's error, wrapped as `invalid`).
 */
export async function* decompressedChunks(
  source: AsyncIterable<Buffer | Uint8Array>,
  observer: DecompressObserver = {},
): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    const head: Buffer[] = [];
    let headLength = 0;
    while (headLength < MAGIC_LENGTH) {
      const next = await iterator.next();
      if (next.done === true) break;
      const chunk = toBuffer(next.value);
      observer.raw?.(chunk);
      head.push(chunk);
      headLength += chunk.length;
    }
    const compression = detectCompression(Buffer.concat(head));
    observer.detected?.(compression);
    async function* rest(): AsyncGenerator<Buffer> {
      yield* head;
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) return;
        const chunk = toBuffer(next.value);
        observer.raw?.(chunk);
        yield chunk;
      }
    }
    if (compression === 'none') {
      yield* rest();
      return;
    }
    let rawBytes = 0;
    const counted = (async function* () {
      for await (const chunk of rest()) {
        rawBytes += chunk.length;
        yield chunk;
      }
    })();
    const decoder =
      compression === 'zstd'
        ? zlib.createZstdDecompress({ chunkSize: 256 * 1024 })
        : zlib.createGunzip({ chunkSize: 256 * 1024 });
    const feeding = new AbortController();
    void feed(counted, decoder, compression === 'zstd' ? new ZstdFrameSplitter() : undefined, feeding.signal);
    try {
      for await (const chunk of decoder) yield chunk as Buffer;
    } catch (error) {
      throw wrapDecodeError(error, compression, rawBytes);
    } finally {
      feeding.abort();
    }
  } finally {
    // Stopping early (or failing) must release the source, e.g. close the file or the HTTP response. Not
    // awaited: a source stuck in a read would hold the reader forever.
    Promise.resolve(iterator.return?.()).catch(() => {});
  }
}

/**
 * Writes compressed chunks to the decoder with its backpressure. zstd chunks are cut at frame ends so that
 * each write holds at most one (see zstd-frames.ts). Errors end up on the decoder, where the reader sees them.
 */
async function feed(
  chunks: AsyncIterable<Buffer>,
  decoder: Duplex,
  splitter: ZstdFrameSplitter | undefined,
  signal: AbortSignal,
): Promise<void> {
  try {
    for await (const chunk of chunks) {
      for (const piece of splitter === undefined ? [chunk] : splitter.split(chunk)) {
        if (piece.length > 0 && !decoder.write(piece)) await once(decoder, 'drain', { signal });
      }
    }
    if (!signal.aborted) decoder.end();
  } catch (error) {
    if (!signal.aborted) decoder.destroy(error as Error);
  }
}

/** `rawBytes`: how much of the file was handed to the decoder when it failed (it reads ahead a little). */
function wrapDecodeError(error: unknown, compression: Compression, rawBytes: number): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || (!code.startsWith('Z_') && !code.startsWith('ZSTD_'))) return error;
  const message = error instanceof Error ? error.message : String(error);
  const damaged = invalid(
    `the archive is damaged or cut short within its first ${rawBytes} bytes: its ${compression} data cannot be decompressed (${message})`,
    'use another copy of the archive',
  );
  damaged.cause = error;
  return damaged;
}

function startsWith(head: Buffer, magic: Buffer): boolean {
  return head.length >= magic.length && head.subarray(0, magic.length).equals(magic);
}

function toBuffer(chunk: Buffer | Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
