/**
 * Finds where zstd frames end in a stream of compressed bytes (RFC 8878, section 3.1).
 *
 * Why: node:zlib's zstd decoder (Node 24.21) drops everything after the first frame end within one write
 * (nodejs/node#64741), which would silently cut archives made of several frames: Stowage's own (see
 * frame-compressor.ts), pzstd's, or concatenated ones. Writing each frame's bytes separately avoids it.
 */
import { invalid } from '../core/errors.ts';

const ZSTD_MAGIC = 0xfd2fb528;

type State =
  | 'magic' // reading the 4-byte magic number
  | 'header' // reading the frame header descriptor and the fields it announces
  | 'block-header'
  | 'skip' // skipping block content, a checksum or a skippable frame
  | 'skippable-size';

export class ZstdFrameSplitter {
  #state: State = 'magic';
  /** Bytes of a small field collected across chunks. */
  #field: number[] = [];
  #need = 4;
  #skip = 0;
  #lastBlock = false;
  #checksum = false;
  /** What follows the current skip: another block header, or the end of the frame. */
  #afterSkip: 'block-header' | 'frame-end' = 'block-header';

  /** Splits `chunk` after every frame end; the pieces joined are `chunk`. Throws `invalid` on a bad frame. */
  split(chunk: Buffer): Buffer[] {
    const pieces: Buffer[] = [];
    let start = 0;
    let offset = 0;
    // A skip of zero bytes (an empty last block) is settled at the next byte, or the next chunk.
    while (offset < chunk.length) {
      if (this.#state === 'skip') {
        const take = Math.min(this.#skip, chunk.length - offset);
        this.#skip -= take;
        offset += take;
        if (this.#skip > 0) break;
        if (this.#afterSkip === 'frame-end') {
          if (offset > start) pieces.push(chunk.subarray(start, offset));
          start = offset;
          this.#expect('magic', 4);
        } else {
          this.#expect('block-header', 3);
        }
        continue;
      }
      this.#field.push(chunk[offset]!);
      offset += 1;
      if (this.#field.length === this.#need) this.#onField();
    }
    if (start < chunk.length) pieces.push(chunk.subarray(start));
    return pieces;
  }

  #expect(state: State, bytes: number): void {
    this.#state = state;
    this.#need = bytes;
    this.#field = [];
  }

  #onField(): void {
    const field = this.#field;
    switch (this.#state) {
      case 'magic': {
        const magic = littleEndian(field);
        if (magic === ZSTD_MAGIC) this.#expect('header', 1);
        else if ((magic & 0xfffffff0) >>> 0 === 0x184d2a50) this.#expect('skippable-size', 4);
        else throw invalid('zstd data is damaged: a frame does not start with the zstd magic number');
        return;
      }
      case 'skippable-size':
        this.#skipThen(littleEndian(field), 'frame-end');
        return;
      case 'header': {
        if (field.length === 1) {
          const descriptor = field[0]!;
          const singleSegment = (descriptor & 0x20) !== 0;
          const contentSize = [singleSegment ? 1 : 0, 2, 4, 8][descriptor >> 6]!;
          const dictionary = [0, 1, 2, 4][descriptor & 3]!;
          this.#checksum = (descriptor & 4) !== 0;
          this.#need = 1 + (singleSegment ? 0 : 1) + dictionary + contentSize;
          if (this.#need > 1) return;
        }
        this.#lastBlock = false;
        this.#expect('block-header', 3);
        return;
      }
      case 'block-header': {
        const header = littleEndian(field);
        this.#lastBlock = (header & 1) === 1;
        const type = (header >> 1) & 3;
        if (type === 3) throw invalid('zstd data is damaged: a block has the reserved type');
        const size = type === 1 ? 1 : header >>> 3;
        const end = this.#lastBlock && !this.#checksum;
        if (this.#lastBlock && this.#checksum) this.#skipThen(size + 4, 'frame-end');
        else this.#skipThen(size, end ? 'frame-end' : 'block-header');
        return;
      }
      case 'skip':
        return;
    }
  }

  #skipThen(bytes: number, next: 'block-header' | 'frame-end'): void {
    this.#state = 'skip';
    this.#skip = bytes;
    this.#afterSkip = next;
    this.#field = [];
  }
}

function littleEndian(bytes: number[]): number {
  let value = 0;
  for (let i = bytes.length - 1; i >= 0; i -= 1) value = value * 256 + bytes[i]!;
  return value;
}
