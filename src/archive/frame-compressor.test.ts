import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import { decompressedChunks } from './compression.ts';
import { FrameCompressor } from './frame-compressor.ts';
import { chunked, collect } from './testing/tar-fixtures.ts';
import { zstdCliAvailable } from './zstd-cli.ts';

/** Half text, half random, so that frames differ in size and finish out of order. */
function sample(): Buffer {
  const text = Buffer.from('the quick brown fox jumps over the lazy dog\n'.repeat(20_000));
  return Buffer.concat([text, randomBytes(700_000), text.subarray(0, 123_457)]);
}

async function compress(format: 'zstd' | 'gzip', input: Buffer): Promise<Buffer> {
  const compressor = new FrameCompressor(format, {
    level: format === 'zstd' ? 3 : 6,
    workers: 3,
    frameBytes: 100_000,
  });
  const output = collect(compressor);
  for await (const chunk of chunked(input, 33_333)) {
    if (!compressor.write(chunk)) await new Promise((resolve) => compressor.once('drain', resolve));
  }
  compressor.end();
  return output;
}

async function viaCommand(command: string, args: string[], input: Buffer): Promise<Buffer> {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const output = collect(child.stdout);
  child.stdin.end(input);
  return output;
}

describe('FrameCompressor', () => {
  for (const format of ['zstd', 'gzip'] as const) {
    it(`writes ${format} frames in input order that node:zlib and the ${format} command read back`, async () => {
      const input = sample();
      const compressed = await compress(format, input);
      // (zlib.zstdDecompressSync would stop after the first frame: nodejs/node#64741, see zstd-frames.ts.)
      if (format === 'gzip') assert.ok(zlib.gunzipSync(compressed).equals(input));
      for (const size of [101, 4096, 65_536, compressed.length]) {
        assert.ok(
          (await collect(decompressedChunks(chunked(compressed, size)))).equals(input),
          `chunks of ${size}`,
        );
      }
      if (format === 'gzip' || zstdCliAvailable()) {
        assert.ok((await viaCommand(format, ['-d', '-c'], compressed)).equals(input));
      }
    });
  }

  it('writes one empty frame set for empty input', async () => {
    const compressed = await compress('zstd', Buffer.alloc(0));
    assert.equal(compressed.length, 0);
  });
});
