/**
 * Splits one tar stream into several complete tars that can be extracted side by side, plus a last one
 * that must be extracted after them. Restores use it to keep several engine uploads busy at once: the
 * engine extracts each upload on one thread, and that, not reading the archive, is what bounds a restore.
 * Folders go to the last tar: extracting a file creates its missing parent folders, and the last tar
 * then gives every folder its owner, mode and time (which writing files into it would otherwise change).
 */
import { Readable } from 'node:stream';
import { invalid } from '../core/errors.ts';
import { BLOCK_SIZE, END_OF_ARCHIVE, encodeHeader, padding } from './tar-header.ts';
import type { TarHeader } from './tar-header.ts';
import { TarParser } from './tar-parser.ts';

/** Where an entry goes: a part's index, or `last` (header-only entries: they are held in memory). */
export type SplitDestination = number | 'last';

export interface SplitRoute {
  header: TarHeader;
  to: SplitDestination;
}

export interface SplitTar {
  /** The tars to extract side by side; each ends with an end-of-archive marker only if all went well. */
  parts: Readable[];
  /** The tar to extract after every part; rejects if the source failed. */
  last: Promise<Buffer>;
}

/** Below this a part takes more input; above it the source waits for that part's reader. */
const PART_HIGH_WATER = 1024 * 1024;
/** Output is gathered to this size (or the end of an input chunk) before a part gets it. */
const BATCH_BYTES = 256 * 1024;
const ZEROS = Buffer.alloc(BLOCK_SIZE);

type Route = (header: TarHeader) => SplitRoute | undefined;

/**
 * Reads `source` (an uncompressed tar) and routes every entry with `route`: undefined leaves it out. An
 * error of the source or of `route`, or a part destroyed by its reader, destroys every part (so no part
 * looks complete) and rejects `last`.
 */
export function splitTar(source: AsyncIterable<Buffer>, count: number, route: Route): SplitTar {
  const waiting: (() => void)[] = [];
  const wake = () => waiting.splice(0).forEach((resolve) => resolve());
  const parts = Array.from({ length: count }, () => {
    const part = new Readable({ highWaterMark: PART_HIGH_WATER, read: wake });
    part.on('close', wake);
    // A part may fail before its reader attaches; the reader still sees the error (`errored`), and
    // `last` carries it: it must not also crash the process as an unhandled 'error' event.
    part.on('error', () => {});
    return part;
  });
  const last = feed(source, parts, route, waiting);
  // The caller awaits `last` only after the parts: an early failure must not be unhandled meanwhile.
  last.catch(() => {});
  return { parts, last };
}

/** One part's output, gathered into batches: the engine's upload pays per write, not per byte. */
class PartWriter {
  readonly readable: Readable;
  #batch: Buffer[] = [];
  #bytes = 0;

  constructor(readable: Readable) {
    this.readable = readable;
  }

  write(buffer: Buffer): void {
    this.#batch.push(buffer);
    this.#bytes += buffer.length;
    if (this.#bytes >= BATCH_BYTES) this.flush();
  }

  flush(): void {
    if (this.#bytes === 0) return;
    this.readable.push(this.#batch.length === 1 ? this.#batch[0] : Buffer.concat(this.#batch, this.#bytes));
    this.#batch = [];
    this.#bytes = 0;
  }

  get full(): boolean {
    return this.readable.readableLength >= PART_HIGH_WATER && !this.readable.destroyed;
  }
}

async function feed(
  source: AsyncIterable<Buffer>,
  parts: Readable[],
  route: Route,
  waiting: (() => void)[],
): Promise<Buffer> {
  const writers = parts.map((part) => new PartWriter(part));
  const held: Buffer[] = [];
  let current: PartWriter | undefined;
  let size = 0;
  const parser = new TarParser({
    entry(header) {
      const decision = route(header);
      current = undefined;
      if (decision === undefined) return;
      if (decision.to === 'last') {
        if (decision.header.size !== 0) throw new Error(`"${header.name}" has data and cannot go last`);
        held.push(encodeHeader(decision.header));
        return;
      }
      current = writers[decision.to];
      size = decision.header.size;
      current?.write(encodeHeader(decision.header));
    },
    data(chunk) {
      current?.write(chunk);
    },
    entryEnd() {
      const fill = padding(size);
      if (fill > 0) current?.write(ZEROS.subarray(0, fill));
      current = undefined;
    },
  });
  try {
    for await (const chunk of source) {
      parser.push(chunk);
      for (const writer of writers) writer.flush();
      // Only the part being written holds the source back; the others drain meanwhile.
      while (current?.full === true) await new Promise<void>((resolve) => waiting.push(resolve));
      const stopped = parts.find((part) => part.destroyed);
      if (stopped !== undefined)
        throw stopped.errored ?? new Error('a reader of the split tar stopped early');
    }
    if (!parser.end()) {
      throw invalid('the tar ends without an end-of-archive marker: it was cut short');
    }
  } catch (error) {
    for (const part of parts) part.destroy(error as Error);
    throw error;
  }
  for (const writer of writers) {
    writer.write(END_OF_ARCHIVE);
    writer.flush();
    writer.readable.push(null);
  }
  return Buffer.concat([...held, END_OF_ARCHIVE]);
}
