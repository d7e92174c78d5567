/**
 * A Transform that parses a tar stream and writes a new one, entry by entry, with headers the caller may
 * rename or drop; headers are re-encoded and data is passed through by reference. With `passThrough`, a
 * stream whose first entry keeps its name is passed on as it came (no re-encoding, no copies: the engine's
 * tar of `path=/v/.` is already named as archives want), and every later entry must keep its name too.
 */
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { invalid, StowageError } from '../core/errors.ts';
import { BLOCK_SIZE, END_OF_ARCHIVE, encodeHeader, padding } from './tar-header.ts';
import type { TarHeader } from './tar-header.ts';
import { TarParser } from './tar-parser.ts';

export interface RewriteHooks {
  /**
   * Returns the header to write for an entry (same size: data passes through unchanged), or undefined to
   * leave the entry and its data out.
   */
  entry(header: TarHeader): TarHeader | undefined;
  /** Sees the data of every entry, written or not. */
  data?(chunk: Buffer): void;
  entryEnd?(): void;
  /** Runs after each input chunk; a returned promise holds the next chunk back (e.g. a sidecar's drain). */
  afterChunk?(): Promise<void> | undefined;
}

export interface RewriteOptions {
  /** Pass the input on unchanged when the first entry keeps its name (see the file comment). */
  passThrough?: boolean;
}

/** Output is gathered to this size before it is pushed: compressors pay per write, not per byte. */
const BATCH_BYTES = 1024 * 1024;
const ZEROS = Buffer.alloc(BLOCK_SIZE);

/** `undecided` until the first entry is parsed; `verbatim` passes input chunks on unchanged. */
type Mode = 'undecided' | 'verbatim' | 'rewrite';

export class TarRewriter extends Transform {
  readonly #hooks: RewriteHooks;
  readonly #parser: TarParser;
  #batch: Buffer[] = [];
  #batchBytes = 0;
  #keeping = false;
  #size = 0;
  #written = 0;
  #mode: Mode;
  /** Input chunks held while undecided, to be passed on if the stream turns out verbatim. */
  #held: Buffer[] = [];

  constructor(hooks: RewriteHooks, options: RewriteOptions = {}) {
    super({ readableHighWaterMark: 2 * BATCH_BYTES });
    this.#hooks = hooks;
    this.#mode = options.passThrough === true ? 'undecided' : 'rewrite';
    this.#parser = new TarParser({
      entry: (header) => this.#entry(header),
      data: (chunk) => {
        this.#hooks.data?.(chunk);
        if (this.#keeping) this.#emit(chunk);
      },
      entryEnd: () => {
        this.#hooks.entryEnd?.();
        if (this.#keeping) this.#emit(ZEROS.subarray(0, padding(this.#size)));
        this.#keeping = false;
      },
    });
  }

  /** Tar bytes read so far. */
  get bytesRead(): number {
    return this.#parser.bytes;
  }

  /** Tar bytes written (pushed or batched) so far. */
  get bytesWritten(): number {
    return this.#written;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#parser.push(chunk);
      if (this.#mode === 'verbatim') this.#pass(chunk);
      else if (this.#mode === 'undecided') this.#held.push(chunk);
      else if (this.#batchBytes >= BATCH_BYTES) this.#pushBatch();
    } catch (error) {
      callback(error as Error);
      return;
    }
    const wait = this.#hooks.afterChunk?.();
    if (wait === undefined) callback();
    else wait.then(() => callback(), callback);
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (!this.#parser.end()) {
        throw invalid(
          'tar stream ended without an end-of-archive marker: it was cut short',
          'the source closed early; try again',
        );
      }
      // A verbatim stream passed on its own end marker already.
      if (this.#mode !== 'verbatim') {
        this.#emit(END_OF_ARCHIVE);
        this.#pushBatch();
      }
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  #entry(header: TarHeader): void {
    const output = this.#hooks.entry(header);
    const unchanged = output?.name === header.name && output.linkname === header.linkname;
    if (this.#mode === 'undecided') this.#decide(unchanged);
    else if (this.#mode === 'verbatim' && !unchanged) {
      // The chunks before this entry are passed on already: it cannot be rewritten any more.
      throw new StowageError('failed', `tar entry "${header.name}" is not named like the entries before it`, {
        hint: 'the source sent an unexpected tar; report this with the engine version',
      });
    }
    this.#keeping = output !== undefined;
    if (output === undefined) return;
    if (output.size !== header.size) throw new Error(`rewrite of "${header.name}" changed its size`);
    this.#size = output.size;
    if (this.#mode !== 'verbatim') this.#emit(encodeHeader(output));
  }

  /** The first entry decides: kept as it is, the whole stream is passed on verbatim. */
  #decide(verbatim: boolean): void {
    this.#mode = verbatim ? 'verbatim' : 'rewrite';
    const held = this.#held;
    this.#held = [];
    if (!verbatim) return;
    this.#batch = [];
    this.#batchBytes = 0;
    this.#written = 0;
    for (const chunk of held) this.#pass(chunk);
  }

  #pass(chunk: Buffer): void {
    this.#written += chunk.length;
    this.push(chunk);
  }

  #emit(buffer: Buffer): void {
    if (buffer.length === 0 || this.#mode === 'verbatim') return;
    this.#batch.push(buffer);
    this.#batchBytes += buffer.length;
    this.#written += buffer.length;
  }

  #pushBatch(): void {
    if (this.#batchBytes === 0) return;
    const batch = this.#batch.length === 1 ? this.#batch[0] : Buffer.concat(this.#batch, this.#batchBytes);
    this.#batch = [];
    this.#batchBytes = 0;
    this.push(batch);
  }
}
