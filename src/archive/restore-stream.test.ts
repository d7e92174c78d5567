import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isStowageError } from '../core/errors.ts';
import { writeArchive } from './archive-writer.ts';
import { listArchive } from './list-archive.ts';
import { planRestore } from './restore-plan.ts';
import type { RestorePlanOptions } from './restore-plan.ts';
import { createRestoreStream } from './restore-stream.ts';
import {
  buildTar,
  chunked,
  collect,
  memorySink,
  volumeEntries,
  volumeInfo,
  withTempDir,
} from './testing/tar-fixtures.ts';
import type { FixtureEntry } from './testing/tar-fixtures.ts';

/** Plans and re-emits an archive; returns the uncompressed tar the engine would receive. */
async function restoreTar(archive: Buffer, options: RestorePlanOptions = {}): Promise<Buffer> {
  const plan = await planRestore(chunked(archive), options);
  assert.deepEqual(plan.problems, []);
  return collect(createRestoreStream(chunked(archive), plan));
}

async function names(tar: Buffer): Promise<string[]> {
  const result: string[] = [];
  for await (const entry of listArchive(chunked(tar)))
    result.push(entry.type === 'hardlink' ? `${entry.name} => ${entry.linkname}` : entry.name);
  return result;
}

/** What `PUT /containers/{id}/archive?path=/v` does with the tar, played by GNU tar. */
async function extractTo(tar: Buffer, dir: string): Promise<void> {
  const child = spawn('tar', ['xf', '-', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
  const stderr = collect(child.stderr);
  child.stdin.end(tar);
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 0, (await stderr).toString());
}

async function stowageArchive(entries: FixtureEntry[]): Promise<Buffer> {
  const out = memorySink();
  await writeArchive(chunked(await buildTar(entries)), out, { volume: volumeInfo, toolVersion: 't' });
  return out.buffer();
}

describe('createRestoreStream', () => {
  it('re-emits every entry rooted at ./ for the engine, uncompressed', async () => {
    const archive = await stowageArchive(volumeEntries('v/', { devices: false }));
    const tar = await restoreTar(archive);
    assert.equal(tar.subarray(257, 262).toString(), 'ustar');
    const emitted = await names(tar);
    assert.equal(emitted[0], './');
    assert.ok(emitted.includes('./hard => ./a.txt'));
    assert.equal(emitted.length, 13);
  });

  it('roots names of foreign archives (no "./") the same way', async () => {
    const tar = await restoreTar(
      await buildTar([
        { name: 'a/', type: 'directory' },
        { name: 'a/b', content: 'x' },
        { name: 'h', type: 'link', linkname: 'a/b' },
      ]),
    );
    assert.deepEqual(await names(tar), ['./a/', './a/b', './h => ./a/b']);
  });

  it('restores only a path, writing targets of hard links that lie outside it in their place', async () => {
    const archive = await stowageArchive([
      { name: 'v/', type: 'directory' },
      { name: 'v/outside.txt', content: 'shared', mode: 0o600 },
      { name: 'v/other/', type: 'directory' },
      { name: 'v/other/x', content: 'not restored' },
      { name: 'v/sub/', type: 'directory' },
      { name: 'v/sub/own.txt', content: 'own' },
      { name: 'v/sub/h1', type: 'link', linkname: 'v/outside.txt' },
      { name: 'v/sub/h2', type: 'link', linkname: 'v/outside.txt' },
      { name: 'v/sub/h3', type: 'link', linkname: 'v/sub/own.txt' },
    ]);
    const tar = await restoreTar(archive, { path: 'sub' });
    assert.deepEqual(await names(tar), [
      './sub/h1',
      './sub/',
      './sub/own.txt',
      './sub/h2 => ./sub/h1',
      './sub/h3 => ./sub/own.txt',
    ]);
    await withTempDir(async (dir) => {
      await extractTo(tar, dir);
      assert.deepEqual(await readdir(dir), ['sub']);
      assert.equal(await readFile(join(dir, 'sub', 'h1'), 'utf8'), 'shared');
      assert.equal((await stat(join(dir, 'sub', 'h1'))).mode & 0o777, 0o600);
      assert.equal((await stat(join(dir, 'sub', 'h2'))).ino, (await stat(join(dir, 'sub', 'h1'))).ino);
    });
  });

  it('names entries under a folder for an upload at its parent', async () => {
    const archive = await stowageArchive(volumeEntries('./', { devices: false }));
    const plan = await planRestore(chunked(archive));
    const tar = await collect(createRestoreStream(chunked(archive), plan, { under: 'v' }));
    const emitted = await names(tar);
    assert.deepEqual(emitted.slice(0, 3), ['v/', 'v/a.txt', 'v/setuid']);
    assert.ok(emitted.includes('v/hard => v/a.txt'));
    await withTempDir(async (dir) => {
      await extractTo(tar, dir);
      assert.equal((await stat(join(dir, 'v', 'hard'))).ino, (await stat(join(dir, 'v', 'a.txt'))).ino);
    });
  });

  it('refuses to start from a plan that is not ok', async () => {
    const archive = await buildTar([{ name: '/etc/passwd', content: 'x' }]);
    const plan = await planRestore(chunked(archive));
    assert.throws(
      () => createRestoreStream(chunked(archive), plan),
      (error) => isStowageError(error, 'invalid') && error.message.includes('"/etc/passwd"'),
    );
  });

  it('stops before the end-of-archive marker when the archive changed after planning', async () => {
    const safe = await buildTar([
      { name: './', type: 'directory' },
      { name: './a', content: 'a' },
    ]);
    const plan = await planRestore(chunked(safe));
    const changed = await buildTar([
      { name: './', type: 'directory' },
      { name: './a', content: 'b' },
    ]);
    await assert.rejects(
      collect(createRestoreStream(chunked(changed), plan)),
      /changed since it was checked/,
    );
  });

  it('applies the safety rules again while re-emitting', async () => {
    const safe = await buildTar([
      { name: './', type: 'directory' },
      { name: './l', content: 'x' },
    ]);
    const plan = await planRestore(chunked(safe));
    const evil = await buildTar([
      { name: './', type: 'directory' },
      { name: './l', type: 'symlink', linkname: '/etc' },
      { name: './l/passwd', content: 'x' },
    ]);
    const emitted: Buffer[] = [];
    await assert.rejects(async () => {
      for await (const chunk of createRestoreStream(chunked(evil), plan)) emitted.push(chunk as Buffer);
    }, /"\.\/l\/passwd" would be written through the symlink "\.\/l"/);
    assert.ok(!Buffer.concat(emitted).includes('./l/passwd'));
  });
});
