import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStowageError } from '../core/errors.ts';
import { TarParser } from './tar-parser.ts';
import { splitTar } from './tar-splitter.ts';
import { buildTar, chunked, collect, LONG_NAME } from './testing/tar-fixtures.ts';

const ENTRIES = [
  { name: './', type: 'directory' as const },
  { name: './a/', type: 'directory' as const },
  { name: './a/one.txt', content: 'one' },
  { name: './a/two.txt', content: 'two'.repeat(1000) },
  { name: `./${LONG_NAME}`, content: 'long' },
  { name: './link', type: 'link' as const, linkname: './a/one.txt' },
  { name: './sym', type: 'symlink' as const, linkname: 'a' },
];

/** Entries of a tar as `name=content`; throws unless it ends with an end-of-archive marker. */
function read(tar: Buffer): string[] {
  const seen: string[] = [];
  let data = '';
  const parser = new TarParser({
    entry: (header) => {
      data = '';
      seen.push(header.name);
    },
    data: (chunk) => (data += chunk.toString()),
    entryEnd: () => {
      if (data) seen[seen.length - 1] += `=${data.length}`;
    },
  });
  parser.push(tar);
  assert.ok(parser.end(), 'ends with an end-of-archive marker');
  return seen;
}

describe('splitTar', () => {
  it('routes entries to parts and holds header-only entries for the last tar', async () => {
    const input = await buildTar(ENTRIES);
    const split = splitTar(chunked(input, 700), 2, (header) => {
      if (header.type === 'directory') return { header, to: 'last' };
      return { header, to: header.name.includes('two') || header.name === './sym' ? 1 : 0 };
    });
    const [zero, one] = await Promise.all(split.parts.map((part) => collect(part)));
    assert.deepEqual(read(zero!), ['./a/one.txt=3', `./${LONG_NAME}=4`, './link']);
    assert.deepEqual(read(one!), ['./a/two.txt=3000', './sym']);
    assert.deepEqual(read(await split.last), ['./', './a/']);
  });

  it('leaves out what the route leaves out', async () => {
    const input = await buildTar(ENTRIES);
    const split = splitTar(chunked(input), 1, (header) =>
      header.type === 'file' ? { header, to: 0 } : undefined,
    );
    assert.deepEqual(read(await collect(split.parts[0]!)), [
      './a/one.txt=3',
      './a/two.txt=3000',
      `./${LONG_NAME}=4`,
    ]);
    assert.deepEqual(read(await split.last), []);
  });

  it('fails every part, with no end marker, when the route throws', async () => {
    const input = await buildTar(ENTRIES);
    const split = splitTar(chunked(input, 512), 2, (header) => {
      if (header.name === './link') throw new Error('unsafe entry ./link');
      return header.type === 'directory' ? { header, to: 'last' } : { header, to: 0 };
    });
    for (const part of split.parts) await assert.rejects(collect(part), /unsafe entry \.\/link/);
    await assert.rejects(split.last, /unsafe entry \.\/link/);
  });

  it('refuses a tar cut short', async () => {
    const input = await buildTar(ENTRIES);
    const split = splitTar(chunked(input.subarray(0, input.length - 1024 - 512)), 1, (header) =>
      header.type === 'directory' ? { header, to: 'last' } : { header, to: 0 },
    );
    await assert.rejects(collect(split.parts[0]!));
    await assert.rejects(split.last, (error) => isStowageError(error, 'invalid'));
  });

  it('stops reading when a reader gives up, with that reader’s error', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 1);
    const input = await buildTar([{ name: './big', content: big }, ...ENTRIES.slice(2)]);
    const split = splitTar(chunked(input), 2, (header) => ({ header, to: 0 }));
    split.parts[0]!.destroy(new Error('upload refused by the engine'));
    await assert.rejects(split.last, /upload refused by the engine/);
    assert.ok(split.parts[1]!.destroyed);
  });
});
