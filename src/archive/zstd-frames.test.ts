import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import { isStowageError } from '../core/errors.ts';
import { decompressedChunks } from './compression.ts';
import { chunked, collect } from './testing/tar-fixtures.ts';
import { ZstdFrameSplitter } from './zstd-frames.ts';

const frame = (data: Buffer, checksum: boolean) =>
  zlib.zstdCompressSync(data, { params: { [zlib.constants.ZSTD_c_checksumFlag]: checksum ? 1 : 0 } });

/** A skippable frame (RFC 8878 3.1.2) holding `size` bytes. */
function skippable(size: number): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(0x184d2a53, 0);
  header.writeUInt32LE(size, 4);
  return Buffer.concat([header, Buffer.alloc(size, 9)]);
}

describe('ZstdFrameSplitter', () => {
  const parts = [
    Buffer.from('first '),
    randomBytes(300_000),
    Buffer.alloc(200_000, 'a'),
    Buffer.alloc(0),
    Buffer.from('last'),
  ];
  const frames = [
    frame(parts[0]!, true),
    frame(parts[1]!, false),
    skippable(10),
    frame(parts[2]!, true),
    frame(parts[3]!, false),
    frame(parts[4]!, true),
  ];
  const stream = Buffer.concat(frames);

  it('cuts exactly after each frame, whatever the chunking', () => {
    const ends = frames.map((_, i) => frames.slice(0, i + 1).reduce((sum, f) => sum + f.length, 0));
    for (const size of [1, 2, 3, 7, 4096, stream.length]) {
      const splitter = new ZstdFrameSplitter();
      const cuts: number[] = [];
      for (let offset = 0; offset < stream.length; offset += size) {
        const chunk = stream.subarray(offset, offset + size);
        const pieces = splitter.split(chunk);
        assert.ok(Buffer.concat(pieces).equals(chunk));
        let position = offset;
        for (const piece of pieces.slice(0, -1)) cuts.push((position += piece.length));
      }
      // Frame ends that fall on a chunk boundary need no cut.
      const inside = ends.filter((end) => end % size !== 0 && end < stream.length);
      assert.deepEqual(cuts, inside, `chunks of ${size}`);
    }
  });

  it('lets node:zlib decode every frame', async () => {
    for (const size of [13, 100, 65_536, stream.length]) {
      assert.ok(
        (await collect(decompressedChunks(chunked(stream, size)))).equals(Buffer.concat(parts)),
        `chunks of ${size}`,
      );
    }
  });

  it('refuses bytes that are no zstd frame after a frame', () => {
    const splitter = new ZstdFrameSplitter();
    assert.throws(
      () => splitter.split(Buffer.concat([frames[0]!, Buffer.from('garbage!')])),
      (error) => isStowageError(error, 'invalid'),
    );
  });
});
