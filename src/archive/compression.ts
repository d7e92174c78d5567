/**
 * Compression of archives: zstd (default), gzip (plain `tar xzf` reads it) or none, detected on read by
 * magic bytes so that any archive opens without being told what it is.
 */
import { Readable, pipeline } from 'node:stream';
import type { Duplex } from 'node:stream';
import { PassThrough } from 'node:stream';
import zlib from 'node:zlib';
import { invalid } from '../core/errors.ts';
import { createZstdCliCompressor, zstdCliAvailable } from './zstd-cli.ts';

export type Compression = 'zstd' | 'gzip' | 'none';

export const COMPRESSIONS: readonly Compression[] = ['zstd', 'gzip', 'none'];

/**
 * Which program compresses zstd: `node` (node:zlib, one thread, always there), `cli` (the `zstd` command
 * with `threads` workers) or `auto`: the command when it is installed, else node:zlib.
 */
export type ZstdEngine = 'auto' | 'node' | 'cli';

export interface CompressorOptions {
  /** zstd 1-19 (default 3, zstd's own default) or gzip 1-9 (default 6). */
  level?: number;
  zstdEngine?: ZstdEngine;
  /** Worker threads for the `zstd` command (default 2). */
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
        `decompress it first (for example \`${format === 'bzip2' ? 'bzip2' : format} -d\`)`,
      );
    }
  }
  return 'none';
}

/** A Transform from tar bytes to compressed bytes (a pass-through for `none`). */
export function createCompressor(compression: Compression, options: CompressorOptions = {}): Duplex {
  const bigChunks = { chunkSize: 256 * 1024 };
  switch (compression) {
    case 'none':
      return new PassThrough();
    case 'gzip':
      return zlib.createGzip({ ...bigChunks, level: options.level ?? 6 });
    case 'zstd': {
      const level = options.level ?? 3;
      const engine = options.zstdEngine ?? 'auto';
      if (engine === 'cli' || (engine === 'auto' && zstdCliAvailable())) {
        return createZstdCliCompressor(level, options.threads ?? 2);
      }
      return zlib.createZstdCompress({
        ...bigChunks,
        params: {
          [zlib.constants.ZSTD_c_compressionLevel]: level,
          // A frame checksum lets `zstd -t` and every reader detect corruption without the manifest.
          [zlib.constants.ZSTD_c_checksumFlag]: 1,
          // ZSTD_c_nbWorkers is deliberately not set: node:zlib's stream deadlocks with 2 workers (Node 24).
        },
      });
    }
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
    const decoder =
      compression === 'zstd'
        ? zlib.createZstdDecompress({ chunkSize: 256 * 1024 })
        : zlib.createGunzip({ chunkSize: 256 * 1024 });
    // pipeline destroys the decoder with the first error, which ends the loop below with that error.
    pipeline(Readable.from(rest(), { objectMode: false }), decoder, () => {});
    try {
      for await (const chunk of decoder) yield chunk as Buffer;
    } catch (error) {
      throw wrapDecodeError(error, compression);
    }
  } finally {
    // Stopping early (or failing) must release the source, e.g. close the file or the HTTP response.
    await iterator.return?.();
  }
}

function wrapDecodeError(error: unknown, compression: Compression): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('Z_') && !code.startsWith('ZSTD_')) return error;
  const message = error instanceof Error ? error.message : String(error);
  const damaged = invalid(
    `the ${compression} data of the archive is truncated or corrupt (${message})`,
    'the archive is incomplete or damaged; use another copy',
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
