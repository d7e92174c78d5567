/**
 * The file list: NDJSON beside the archive, one header line then one record per entry in archive order
 * (see FORMAT.md). Written and read as streams so that memory does not grow with the number of files.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { invalid } from '../core/errors.ts';
import { decompressedChunks } from './compression.ts';
import { FILE_LIST_FORMAT, FORMAT_VERSION, fileListHeaderSchema, fileRecordSchema } from './manifest.ts';
import type { FileRecord } from './manifest.ts';

export interface FileListSummary {
  /** SHA-256 of the NDJSON text (uncompressed), as the manifest records it. */
  sha256: string;
  bytes: number;
  records: number;
}

const FLUSH_CHARS = 64 * 1024;
const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** Writes records to a sink with its backpressure; `finish()` ends the sink. */
export class FileListWriter {
  readonly #sink: Writable;
  readonly #hash = createHash('sha256');
  #text = '';
  #bytes = 0;
  #records = 0;
  #blocked = false;

  constructor(sink: Writable) {
    this.#sink = sink;
    this.#append({ format: FILE_LIST_FORMAT, formatVersion: FORMAT_VERSION });
  }

  add(record: FileRecord): void {
    this.#append(record);
    this.#records += 1;
  }

  /** A promise to wait on when the sink asked the writer to slow down, else undefined. */
  drained(): Promise<void> | undefined {
    if (!this.#blocked) return undefined;
    this.#blocked = false;
    return once(this.#sink, 'drain').then(() => undefined);
  }

  async finish(): Promise<FileListSummary> {
    this.#flush();
    this.#sink.end();
    await finished(this.#sink);
    return { sha256: this.#hash.digest('hex'), bytes: this.#bytes, records: this.#records };
  }

  #append(value: object): void {
    this.#text += `${JSON.stringify(value)}\n`;
    if (this.#text.length >= FLUSH_CHARS) this.#flush();
  }

  #flush(): void {
    if (this.#text === '') return;
    const bytes = Buffer.from(this.#text, 'utf8');
    this.#text = '';
    this.#hash.update(bytes);
    this.#bytes += bytes.length;
    if (!this.#sink.write(bytes)) this.#blocked = true;
  }
}

/**
 * Reads a file list (NDJSON, optionally zstd/gzip-compressed), validating its header line and every
 * record. `summary` is set once `records()` has been iterated to the end.
 */
export class FileListReader {
  readonly #source: AsyncIterable<Buffer | Uint8Array>;
  #summary: FileListSummary | undefined;

  constructor(source: AsyncIterable<Buffer | Uint8Array>) {
    this.#source = source;
  }

  get summary(): FileListSummary | undefined {
    return this.#summary;
  }

  async *records(): AsyncGenerator<FileRecord> {
    const hash = createHash('sha256');
    let bytes = 0;
    let records = 0;
    let line = 0;
    let partial = '';
    let headerSeen = false;
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for await (const chunk of decompressedChunks(this.#source)) {
      hash.update(chunk);
      bytes += chunk.length;
      const lines = (partial + decoder.decode(chunk, { stream: true })).split('\n');
      partial = lines.pop() ?? '';
      if (partial.length > MAX_LINE_BYTES) throw invalid(`file list line ${line + 1} is too long`);
      for (const text of lines) {
        line += 1;
        if (!headerSeen) {
          parseLine(text, line, (value) => fileListHeaderSchema.parse(value));
          headerSeen = true;
          continue;
        }
        records += 1;
        yield parseLine(text, line, (value) => fileRecordSchema.parse(value));
      }
    }
    if (partial !== '') throw invalid(`file list ends inside line ${line + 1}: it is truncated`);
    if (!headerSeen) throw invalid('file list is empty', 'expected a Stowage file list (NDJSON)');
    this.#summary = { sha256: hash.digest('hex'), bytes, records };
  }
}

function parseLine<T>(text: string, line: number, parse: (value: unknown) => T): T {
  try {
    return parse(JSON.parse(text));
  } catch (error) {
    throw invalid(
      `file list line ${line} is not a valid record: ${error instanceof Error ? error.message.slice(0, 200) : ''}`,
      'the file list is damaged or from a newer Stowage',
    );
  }
}
