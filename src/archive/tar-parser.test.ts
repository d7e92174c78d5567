import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isStowageError } from '../core/errors.ts';
import { BLOCK_SIZE, END_OF_ARCHIVE, encodeHeader } from './tar-header.ts';
import type { TarHeader } from './tar-header.ts';
import { TarParser } from './tar-parser.ts';
import { buildTar, run, withTempDir } from './testing/tar-fixtures.ts';

interface Parsed {
  header: TarHeader;
  sha256: string;
}

/** Parses `tar` fed in pieces of `step` bytes; returns entries with the hash of their data. */
function parse(tar: Buffer, step = tar.length): { entries: Parsed[]; ended: boolean } {
  const entries: Parsed[] = [];
  let hash = createHash('sha256');
  let header: TarHeader | undefined;
  const parser = new TarParser({
    entry: (h) => {
      header = h;
      hash = createHash('sha256');
    },
    data: (chunk) => hash.update(chunk),
    entryEnd: () => entries.push({ header: header!, sha256: hash.digest('hex') }),
  });
  for (let offset = 0; offset < tar.length; offset += step) parser.push(tar.subarray(offset, offset + step));
  return { entries, ended: parser.end() };
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('TarParser', () => {
  it('gives the same entries whatever the chunk boundaries', async () => {
    const tar = await buildTar([
      { name: 'a/', type: 'directory' },
      { name: 'a/one.txt', content: 'one'.repeat(300) },
      { name: 'a/empty', content: '' },
      { name: `a/${'long'.repeat(60)}.txt`, content: 'long name' },
      { name: 'a/ünï.txt', content: 'pax name' },
    ]);
    const whole = parse(tar);
    assert.equal(whole.entries.length, 5);
    assert.equal(whole.entries[1]!.sha256, sha('one'.repeat(300)));
    assert.equal(whole.entries[3]!.header.name, `a/${'long'.repeat(60)}.txt`);
    assert.equal(whole.entries[4]!.header.name, 'a/ünï.txt');
    for (const step of [1, 7, 511, 512, 513, 4096]) assert.deepEqual(parse(tar, step), whole, `step ${step}`);
  });

  it('reads GNU long names and links as GNU tar writes them', async () => {
    await withTempDir(async (dir) => {
      const deep = join(dir, 'src', 'd'.repeat(120));
      await mkdir(deep, { recursive: true });
      await writeFile(join(deep, `${'f'.repeat(120)}.txt`), 'gnu');
      await symlink(`../${'t'.repeat(130)}`, join(dir, 'src', 'link'));
      await run('tar', ['cf', join(dir, 'gnu.tar'), '--format=gnu', '-C', join(dir, 'src'), '.']);
      const { entries, ended } = parse(await readFile(join(dir, 'gnu.tar')), 1000);
      assert.equal(ended, true);
      const names = entries.map((e) => e.header.name).sort();
      const dirName = `./${'d'.repeat(120)}/`;
      assert.deepEqual(names, ['./', dirName, `${dirName}${'f'.repeat(120)}.txt`, './link']);
      const link = entries.find((e) => e.header.type === 'symlink');
      assert.equal(link?.header.linkname, `../${'t'.repeat(130)}`);
    });
  });

  it('applies a global pax header to the entries after it', () => {
    const globalData = Buffer.from('20 uname=globaluser\n');
    const globalHeader = encodeHeader({ ...plain('pax_global_header'), size: globalData.length });
    globalHeader[BLOCK_SIZE - 512 + 156] = 'g'.charCodeAt(0);
    fixChecksum(globalHeader);
    const tar = Buffer.concat([
      globalHeader,
      padded(globalData),
      encodeHeader({ ...plain('./a'), uname: '' }),
      END_OF_ARCHIVE,
    ]);
    assert.equal(parse(tar).entries[0]!.header.uname, 'globaluser');
  });

  it('reads no data after header-only types whatever their size field says, as Go does', () => {
    // A symlink claiming 512 bytes of data followed directly by the next header.
    const tar = Buffer.concat([
      encodeHeader({ ...plain('./link'), type: 'symlink', linkname: 'x', size: 512 }),
      encodeHeader(plain('./next')),
      END_OF_ARCHIVE,
    ]);
    const { entries } = parse(tar);
    assert.deepEqual(
      entries.map((e) => [e.header.name, e.header.size]),
      [
        ['./link', 0],
        ['./next', 0],
      ],
    );
  });

  it('refuses a stream cut inside an entry, naming the entry', async () => {
    const tar = await buildTar([{ name: 'big.bin', content: Buffer.alloc(5000, 1) }]);
    assert.throws(
      () => parse(tar.subarray(0, 3000)),
      (error) => isStowageError(error, 'invalid') && /truncated inside entry "big\.bin"/.test(error.message),
    );
  });

  it('reports a stream cut between entries as having no end marker', async () => {
    const tar = await buildTar([{ name: 'a', content: 'x' }]);
    assert.equal(parse(tar.subarray(0, 2 * BLOCK_SIZE)).ended, false);
    assert.equal(parse(tar).ended, true);
  });

  it('refuses unsupported entry types and non-UTF-8 names, naming the entry', () => {
    const sparse = Buffer.from(encodeHeader(plain('./sparse')));
    sparse[156] = 'S'.charCodeAt(0);
    fixChecksum(sparse);
    assert.throws(
      () => parse(Buffer.concat([sparse, END_OF_ARCHIVE])),
      /entry "\.\/sparse" has unsupported tar type 'S'/,
    );
    const latin1 = Buffer.from(encodeHeader(plain('./caf_')));
    latin1[5] = 0xe9;
    fixChecksum(latin1);
    assert.throws(() => parse(Buffer.concat([latin1, END_OF_ARCHIVE])), /not valid UTF-8/);
  });
});

function plain(name: string): TarHeader {
  return {
    name,
    type: 'file',
    mode: 0o644,
    uid: 0,
    gid: 0,
    uname: 'root',
    gname: 'root',
    size: 0,
    mtime: 1_700_000_000,
    linkname: '',
    devmajor: 0,
    devminor: 0,
    pax: undefined,
  };
}

function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((BLOCK_SIZE - (data.length % BLOCK_SIZE)) % BLOCK_SIZE)]);
}

/** Recomputes the checksum of the last header block after a test edited it. */
function fixChecksum(encoded: Buffer): void {
  const block = encoded.subarray(encoded.length - BLOCK_SIZE);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
}
