/**
 * Test helpers: build input tars with tar-stream (an implementation independent of Stowage's codec), run
 * the system's tar, collect streams. Used only by `*.test.ts` files.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import tar from 'tar-stream';
import type { Header } from 'tar-stream';

export const run = promisify(execFile);

export interface FixtureEntry extends Partial<Header> {
  name: string;
  content?: string | Buffer;
}

/** A tar built by tar-stream from the given entries (content sets the size of files). */
export async function buildTar(entries: readonly FixtureEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const done = collect(pack as AsyncIterable<Buffer>);
  for (const { content, ...header } of entries) {
    await new Promise<void>((resolve, reject) => {
      const body = typeof content === 'string' ? Buffer.from(content) : content;
      pack.entry({ mtime: new Date(1_700_000_000_000), ...header }, body ?? Buffer.alloc(0), (error) =>
        error ? reject(error) : resolve(),
      );
    });
  }
  pack.finalize();
  return done;
}

/** Reads a stream to the end into one buffer. */
export async function collect(stream: AsyncIterable<Buffer | Uint8Array | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** A Writable that keeps what it receives; `buffer()` returns it. */
export function memorySink(): Writable & { buffer(): Buffer } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return Object.assign(sink, { buffer: () => Buffer.concat(chunks) });
}

/** A Readable over a buffer in chunks of `size` bytes (to exercise chunk boundaries). */
export function chunked(buffer: Buffer, size = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let offset = 0; offset < buffer.length; offset += size)
        yield buffer.subarray(offset, offset + size);
    })(),
  );
}

/** Runs `body` with a fresh temporary directory that is removed afterwards. */
export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-archive-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const MTIME = new Date(1_700_000_000_000);
export const LONG_NAME = `${'long-directory-name/'.repeat(8)}${'x'.repeat(120)}.txt`;
export const UNICODE_NAME = 'ünïcødé-日本語-😀.txt';

/**
 * A volume with every entry kind, named as the engine names them under `prefix` (`v/` for
 * `path=/v`, `./` for `path=/v/.`). `devices: false` leaves out the device nodes (for extraction tests).
 */
export function volumeEntries(prefix: string, options: { devices?: boolean } = {}): FixtureEntry[] {
  const entries: FixtureEntry[] = [
    { name: prefix, type: 'directory', mode: 0o755 },
    {
      name: `${prefix}a.txt`,
      content: 'hello\n',
      mode: 0o640,
      uid: 1000,
      gid: 1000,
      uname: 'app',
      gname: 'app',
    },
    { name: `${prefix}setuid`, content: '#!/bin/sh\n', mode: 0o4755 },
    { name: `${prefix}empty-dir/`, type: 'directory', mode: 0o700 },
    { name: `${prefix}empty-file`, content: '' },
    { name: `${prefix}sub/`, type: 'directory', mode: 0o750 },
    { name: `${prefix}sub/${UNICODE_NAME}`, content: 'unicode\n' },
    { name: `${prefix}sub/${LONG_NAME}`, content: 'long\n' },
    {
      name: `${prefix}sub/binary.bin`,
      content: Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256)),
    },
    { name: `${prefix}link-out`, type: 'symlink', linkname: '/etc/passwd' },
    { name: `${prefix}link-in`, type: 'symlink', linkname: 'sub/binary.bin' },
    { name: `${prefix}hard`, type: 'link', linkname: `${prefix}a.txt` },
    { name: `${prefix}fifo`, type: 'fifo', mode: 0o600 },
  ];
  if (options.devices !== false) {
    entries.push(
      { name: `${prefix}null`, type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
      { name: `${prefix}loop0`, type: 'block-device', devmajor: 7, devminor: 0, mode: 0o660 },
    );
  }
  return entries;
}

export const volumeInfo = {
  name: 'data',
  driver: 'local',
  options: { type: 'none' },
  labels: { app: 'test' },
};
