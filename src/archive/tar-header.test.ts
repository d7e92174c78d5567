import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isStowageError } from '../core/errors.ts';
import { BLOCK_SIZE, decodeHeaderBlock, encodeHeader, parsePaxRecords } from './tar-header.ts';
import type { TarHeader } from './tar-header.ts';
import { TarParser } from './tar-parser.ts';
import { run, withTempDir } from './testing/tar-fixtures.ts';

const base: TarHeader = {
  name: './file',
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

/** Encodes one header and parses it back with Stowage's parser. */
function roundTrip(header: TarHeader): TarHeader {
  const encoded = encodeHeader(header);
  const seen: TarHeader[] = [];
  const parser = new TarParser({ entry: (h) => seen.push(h), data: () => {}, entryEnd: () => {} });
  parser.push(Buffer.concat([encoded, Buffer.alloc(Math.ceil(header.size / BLOCK_SIZE) * BLOCK_SIZE)]));
  assert.equal(seen.length, 1);
  return seen[0]!;
}

describe('encodeHeader / decode', () => {
  const cases: [string, Partial<TarHeader>, number][] = [
    ['a short name in one ustar block', { name: './a.txt', size: 5 }, 1],
    ['a 200-byte name split into prefix and name', { name: `./${'d'.repeat(120)}/${'f'.repeat(76)}` }, 1],
    ['a 600-byte name through pax', { name: `./${'n'.repeat(598)}` }, 4],
    ['a non-ASCII name through pax', { name: './ünïcødé/日本語.txt' }, 3],
    ['a long symlink target', { type: 'symlink', name: './l', linkname: `/${'t'.repeat(150)}` }, 3],
    ['uid/gid beyond 7 octal digits', { uid: 3_000_000, gid: 4_000_000 }, 3],
    ['setuid, setgid and sticky bits', { mode: 0o7755 }, 1],
    [
      'a fractional mtime',
      { pax: { mtime: '1700000000.123456789' }, mtime: Number('1700000000.123456789') },
      3,
    ],
    ['a character device', { type: 'char-device', name: './null', devmajor: 1, devminor: 3 }, 1],
    ['an extended attribute', { pax: { 'SCHILY.xattr.user.note': 'hello' } }, 3],
    ['a long user name', { uname: 'u'.repeat(40) }, 3],
  ];
  for (const [label, fields, blocks] of cases) {
    it(`round-trips ${label}`, () => {
      const header = { ...base, ...fields };
      assert.equal(encodeHeader(header).length, blocks * BLOCK_SIZE);
      assert.deepEqual(roundTrip(header), { ...header, name: header.name });
    });
  }

  it('appends the slash GNU tar puts on directory names', () => {
    assert.equal(roundTrip({ ...base, name: './dir', type: 'directory' }).name, './dir/');
  });

  it('writes headers that GNU tar reads back with the same attributes', async () => {
    await withTempDir(async (dir) => {
      const long = `./${'x'.repeat(150)}/ünï.txt`;
      const entries = [
        { ...base, name: long, size: 3, uid: 3_000_000, mode: 0o4755 },
        { ...base, name: './big-mtime', mtime: 1_700_000_000.5, pax: { mtime: '1700000000.5' } },
      ];
      const blocks = entries.flatMap((h) => [
        encodeHeader(h),
        Buffer.alloc(h.size > 0 ? BLOCK_SIZE : 0, 'a'),
      ]);
      const archive = join(dir, 'a.tar');
      await writeFile(archive, Buffer.concat([...blocks, Buffer.alloc(1024)]));
      const { stdout } = await run('tar', ['tvf', archive, '--numeric-owner', '--full-time']);
      const lines = stdout.trim().split('\n');
      assert.match(lines[0]!, /^-rwsr-xr-x 3000000\/0 +3 .* \.\/x{150}\/ünï\.txt$/);
      assert.match(lines[1]!, /2023-11-14 22:13:20\.5 \.\/big-mtime$/);
    });
  });

  it('writes sizes above 8 GiB in base-256 and pax', () => {
    const header = { ...base, size: 10 * 1024 ** 3 };
    const encoded = encodeHeader(header);
    const block = encoded.subarray(encoded.length - BLOCK_SIZE);
    assert.equal(block[124], 0x80);
    assert.equal(decodeHeaderBlock(block)?.size, header.size);
  });
});

describe('decodeHeaderBlock', () => {
  it('returns null for the end-of-archive zero block', () => {
    assert.equal(decodeHeaderBlock(Buffer.alloc(BLOCK_SIZE)), null);
  });

  it('refuses a block whose checksum does not match', () => {
    const block = Buffer.from(encodeHeader(base));
    block[0] = 0x41;
    assert.throws(
      () => decodeHeaderBlock(block),
      (error) => isStowageError(error, 'invalid'),
    );
  });
});

describe('parsePaxRecords', () => {
  it('parses records, including ones whose length gains a digit', () => {
    for (const value of ['a', 'b'.repeat(86), 'c'.repeat(87), 'd'.repeat(990)]) {
      const encoded = encodeHeader({ ...base, pax: { comment: value } });
      const data = encoded.subarray(BLOCK_SIZE, encoded.indexOf(0, BLOCK_SIZE));
      assert.deepEqual(parsePaxRecords(data), { comment: value });
    }
  });

  it('refuses malformed records', () => {
    for (const text of ['12 path=abc', '5 x\n', 'abc path=x\n', '99 path=short\n']) {
      assert.throws(
        () => parsePaxRecords(Buffer.from(text)),
        (error) => isStowageError(error, 'invalid'),
        text,
      );
    }
  });
});
