import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { isStowageError } from '../core/errors.ts';
import { writeArchive } from './archive-writer.ts';
import type { WriteArchiveOptions } from './archive-writer.ts';
import { listArchive } from './list-archive.ts';
import type { ListedEntry } from './list-archive.ts';
import { fileRecordSchema } from './manifest.ts';
import type { ArchiveManifest, FileRecord } from './manifest.ts';
import {
  LONG_NAME,
  MTIME,
  UNICODE_NAME,
  buildTar,
  chunked,
  collect,
  memorySink,
  volumeEntries,
  volumeInfo,
  withTempDir,
} from './testing/tar-fixtures.ts';
import { zstdCliAvailable } from './zstd-cli.ts';

interface Written {
  archive: Buffer;
  manifest: ArchiveManifest;
  records: FileRecord[];
}

async function write(input: Buffer, options: Partial<WriteArchiveOptions> = {}): Promise<Written> {
  const out = memorySink();
  const list = memorySink();
  const manifest = await writeArchive(chunked(input, 1000), out, {
    volume: volumeInfo,
    toolVersion: '0.1.0-test',
    fileList: list,
    ...options,
  });
  const lines = list.buffer().toString().trim().split('\n');
  return {
    archive: out.buffer(),
    manifest,
    records: lines.slice(1).map((l) => fileRecordSchema.parse(JSON.parse(l))),
  };
}

async function list(archive: Buffer): Promise<ListedEntry[]> {
  const entries: ListedEntry[] = [];
  for await (const entry of listArchive(chunked(archive, 4096))) entries.push(entry);
  return entries;
}

const needsZstd = zstdCliAvailable() || process.env.CI ? false : 'the zstd command is not installed';

describe('writeArchive', () => {
  for (const prefix of ['v/', './']) {
    it(`names entries from the volume root for engine names like "${prefix}a.txt"`, async () => {
      const { archive, manifest, records } = await write(await buildTar(volumeEntries(prefix)));
      const entries = await list(archive);
      assert.deepEqual(
        entries.map((e) => e.name),
        [
          './',
          './a.txt',
          './setuid',
          './empty-dir/',
          './empty-file',
          './sub/',
          `./sub/${UNICODE_NAME}`,
          `./sub/${LONG_NAME}`,
          './sub/binary.bin',
          './link-out',
          './link-in',
          './hard',
          './fifo',
          './null',
          './loop0',
        ],
      );
      const byName = new Map(entries.map((e) => [e.name, e]));
      assert.deepEqual(pick(byName.get('./a.txt')), {
        type: 'file',
        mode: 0o640,
        uid: 1000,
        gid: 1000,
        uname: 'app',
        size: 6,
      });
      assert.equal(byName.get('./setuid')?.mode, 0o4755);
      assert.equal(byName.get('./link-out')?.linkname, '/etc/passwd');
      assert.equal(byName.get('./hard')?.linkname, './a.txt');
      assert.equal(byName.get('./null')?.type, 'char-device');
      assert.equal(byName.get('./a.txt')?.mtime, MTIME.getTime() / 1000);

      assert.equal(manifest.compression, 'zstd');
      assert.deepEqual(manifest.contents, {
        entries: 15,
        files: 6,
        directories: 3,
        symlinks: 2,
        hardlinks: 1,
        devices: 2,
        fifos: 1,
        bytes: 6 + 10 + 0 + 8 + 5 + 70_000 + 0,
      });
      assert.deepEqual(manifest.volume, volumeInfo);
      assert.equal(manifest.archive.bytes, archive.length);
      assert.deepEqual(
        manifest.warnings.map((w) => [w.code, w.path]),
        [
          ['device', './null'],
          ['device', './loop0'],
        ],
      );
      assert.equal(records.length, 15);
      assert.equal(manifest.fileList?.records, 15);
      const hello = records.find((r) => r.path === './a.txt');
      assert.equal(hello?.sha256, '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
      assert.equal(records.find((r) => r.path === './null')?.devmajor, 1);
    });
  }

  it('writes gzip that plain `tar xzf` extracts to exactly the files', async () => {
    for (const compressor of ['workers', 'stream'] as const) {
      const input = await buildTar(volumeEntries('v/', { devices: false }));
      const { archive } = await write(input, { compression: 'gzip', compressor });
      await withTempDir(async (dir) => {
        await extract(archive, dir, ['xzf']);
        await assertExtractedVolume(dir);
      });
    }
  });

  it('writes multi-member gzip that GNU tar and busybox tar both extract', async () => {
    const big = Buffer.from(Array.from({ length: 12 * 1024 * 1024 }, (_, i) => (i * 7 + (i >> 12)) % 251));
    const input = await buildTar([
      { name: './', type: 'directory' },
      { name: './big.bin', content: big },
    ]);
    const { archive } = await write(input, { compression: 'gzip' });
    const extractors: [string, string[]][] = [['tar', ['xzf']]];
    // busybox is the seed's restore tool (`busybox tar xzf backup.tar.gz -C /data`).
    if (existsSync('/usr/bin/busybox')) extractors.push(['busybox', ['tar', 'xzf']]);
    for (const [command, flags] of extractors) {
      await withTempDir(async (dir) => {
        await extract(archive, dir, flags, command);
        assert.ok((await readFile(join(dir, 'big.bin'))).equals(big), command);
      });
    }
  });

  it('writes zstd that `tar --zstd -xf` extracts, with every compressor', { skip: needsZstd }, async () => {
    for (const compressor of ['workers', 'stream', 'zstd-cli'] as const) {
      const { archive, manifest } = await write(await buildTar(volumeEntries('./', { devices: false })), {
        compressor,
      });
      assert.equal(manifest.compression, 'zstd');
      await withTempDir(async (dir) => {
        await extract(archive, dir, ['--zstd', '-xf']);
        await assertExtractedVolume(dir);
      });
    }
  });

  it('refuses engine names outside the volume root, naming the entry', async () => {
    const input = await buildTar([
      { name: 'v/', type: 'directory' },
      { name: 'other/file', content: 'x' },
    ]);
    await assert.rejects(
      write(input),
      (error) => isStowageError(error, 'failed') && error.message.includes('"other/file"'),
    );
  });

  it('refuses an engine stream cut short between entries', async () => {
    const input = await buildTar([
      { name: 'v/', type: 'directory' },
      { name: 'v/file', content: 'x' },
    ]);
    await assert.rejects(
      write(input.subarray(0, 3 * 512)),
      (error) => isStowageError(error, 'invalid') && /end-of-archive/.test(error.message),
    );
  });

  it('waits for a slow file-list sink instead of buffering the records', async () => {
    const entries = [{ name: './', type: 'directory' as const }];
    for (let i = 0; i < 3000; i += 1) entries.push({ name: `./f${i}`, content: `file ${i}` } as never);
    let writes = 0;
    const slow = new Writable({
      highWaterMark: 1,
      write(_chunk, _encoding, callback) {
        writes += 1;
        setTimeout(callback, 1);
      },
    });
    const progress: number[] = [];
    const manifest = await writeArchive(chunked(await buildTar(entries), 4096), memorySink(), {
      volume: volumeInfo,
      toolVersion: 't',
      compression: 'none',
      fileList: slow,
      onProgress: (p) => progress.push(p.entries),
    });
    assert.equal(manifest.fileList?.records, 3001);
    assert.ok(writes > 1);
    assert.equal(progress.at(-1), 3001);
  });

  it('records the tool, engine and times it was given', async () => {
    const times = [new Date('2025-01-01T00:00:00Z'), new Date('2025-01-01T00:01:00Z')];
    const { manifest } = await write(await buildTar([{ name: './', type: 'directory' }]), {
      engine: { name: 'host1', version: '28.0.1' },
      clock: () => times.shift() ?? new Date(0),
    });
    assert.deepEqual(manifest.tool, { name: 'stowage', version: '0.1.0-test' });
    assert.deepEqual(manifest.source, { engine: { name: 'host1', version: '28.0.1' } });
    assert.equal(manifest.startedAt, '2025-01-01T00:00:00.000Z');
    assert.equal(manifest.finishedAt, '2025-01-01T00:01:00.000Z');
  });
});

function pick(entry: ListedEntry | undefined) {
  return (
    entry && {
      type: entry.type,
      mode: entry.mode,
      uid: entry.uid,
      gid: entry.gid,
      uname: entry.uname,
      size: entry.size,
    }
  );
}

async function extract(archive: Buffer, dir: string, flags: string[], command = 'tar'): Promise<void> {
  const child = spawn(command, [...flags, '-', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
  const stderr = collect(child.stderr);
  child.stdin.end(archive);
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 0, (await stderr).toString());
}

async function assertExtractedVolume(dir: string): Promise<void> {
  assert.deepEqual((await readdir(dir)).sort(), [
    'a.txt',
    'empty-dir',
    'empty-file',
    'fifo',
    'hard',
    'link-in',
    'link-out',
    'setuid',
    'sub',
  ]);
  assert.equal(await readFile(join(dir, 'a.txt'), 'utf8'), 'hello\n');
  const a = await stat(join(dir, 'a.txt'));
  assert.equal(a.mode & 0o7777, 0o640);
  assert.equal(a.mtimeMs, MTIME.getTime());
  if (process.getuid?.() === 0) assert.equal(a.uid, 1000);
  assert.equal((await stat(join(dir, 'setuid'))).mode & 0o7777, 0o4755);
  assert.equal((await stat(join(dir, 'hard'))).ino, a.ino);
  assert.equal(await readlink(join(dir, 'link-out')), '/etc/passwd');
  assert.equal(await readlink(join(dir, 'link-in')), 'sub/binary.bin');
  assert.ok((await lstat(join(dir, 'fifo'))).isFIFO());
  assert.deepEqual(await readdir(join(dir, 'empty-dir')), []);
  assert.equal((await stat(join(dir, 'empty-dir'))).mode & 0o7777, 0o700);
  assert.equal(await readFile(join(dir, 'sub', UNICODE_NAME), 'utf8'), 'unicode\n');
  assert.equal(await readFile(join(dir, 'sub', LONG_NAME), 'utf8'), 'long\n');
  assert.equal((await readFile(join(dir, 'sub', 'binary.bin'))).length, 70_000);
}
