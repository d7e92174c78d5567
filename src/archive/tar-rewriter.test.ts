import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pipeline } from 'node:stream/promises';
import { isStowageError } from '../core/errors.ts';
import { TarParser } from './tar-parser.ts';
import { TarRewriter } from './tar-rewriter.ts';
import { buildTar, chunked, LONG_NAME, memorySink } from './testing/tar-fixtures.ts';

const ENTRIES = [
  { name: './', type: 'directory' as const },
  { name: './a/', type: 'directory' as const },
  { name: './a/one.txt', content: 'one' },
  { name: `./${LONG_NAME}`, content: 'long' },
  { name: './link', type: 'link' as const, linkname: './a/one.txt' },
];

async function rewrite(input: Buffer, rewriter: TarRewriter, chunkSize = 100): Promise<Buffer> {
  const sink = memorySink();
  await pipeline(chunked(input, chunkSize), rewriter, sink);
  return sink.buffer();
}

function names(tar: Buffer): string[] {
  const seen: string[] = [];
  const parser = new TarParser({ entry: (h) => seen.push(h.name), data: () => {}, entryEnd: () => {} });
  parser.push(tar);
  assert.ok(parser.end(), 'the output ends with an end-of-archive marker');
  return seen;
}

describe('TarRewriter', () => {
  it('passes a tar whose names are kept through byte for byte, whatever the chunking', async () => {
    const input = await buildTar(ENTRIES);
    for (const size of [1, 100, 512, 1 << 20]) {
      const rewriter = new TarRewriter({ entry: (header) => header }, { passThrough: true });
      const output = await rewrite(input, rewriter, size);
      assert.ok(output.equals(input), `chunks of ${size} bytes`);
      assert.equal(rewriter.bytesWritten, input.length);
    }
  });

  it('re-encodes every header when the first entry is renamed', async () => {
    const input = await buildTar(ENTRIES.map((e) => ({ ...e, name: e.name.replace(/^\.\//, 'v/') })));
    const rewriter = new TarRewriter(
      { entry: (header) => ({ ...header, name: header.name.replace(/^v\//, './') }) },
      { passThrough: true },
    );
    const output = await rewrite(input, rewriter);
    assert.deepEqual(names(output), ['./', './a/', './a/one.txt', `./${LONG_NAME}`, './link']);
    assert.equal(rewriter.bytesWritten, output.length);
  });

  it('refuses a verbatim stream whose later entry would need a new name', async () => {
    const input = await buildTar(ENTRIES);
    const rewriter = new TarRewriter(
      { entry: (header) => (header.name === './a/one.txt' ? { ...header, name: './b.txt' } : header) },
      { passThrough: true },
    );
    await assert.rejects(rewrite(input, rewriter), (error) => {
      assert.ok(isStowageError(error, 'failed'));
      assert.match(error.message, /"\.\/a\/one\.txt" is not named like the entries before it/);
      return true;
    });
  });

  it('re-encodes without passThrough even when no name changes', async () => {
    const input = await buildTar(ENTRIES);
    const rewriter = new TarRewriter({
      entry: (header) => (header.name === './a/one.txt' ? undefined : header),
    });
    assert.deepEqual(names(await rewrite(input, rewriter)), ['./', './a/', `./${LONG_NAME}`, './link']);
  });

  it('drops entries the hook leaves out, in rewrite mode', async () => {
    const input = await buildTar(ENTRIES.map((e) => ({ ...e, name: e.name.replace(/^\.\//, 'v/') })));
    const rewriter = new TarRewriter({
      entry: (header) =>
        header.name.includes('one') ? undefined : { ...header, name: header.name.replace(/^v\//, './') },
    });
    assert.deepEqual(names(await rewrite(input, rewriter)), ['./', './a/', `./${LONG_NAME}`, './link']);
  });
});
