import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStowageError } from '../core/errors.ts';
import { writeArchive } from './archive-writer.ts';
import { quoteName } from './problem-list.ts';
import { planRestore, selectionPath } from './restore-plan.ts';
import type { RestorePlanOptions } from './restore-plan.ts';
import { buildTar, chunked, memorySink, volumeEntries, volumeInfo } from './testing/tar-fixtures.ts';
import type { FixtureEntry } from './testing/tar-fixtures.ts';

const root: FixtureEntry = { name: './', type: 'directory' };

async function plan(entries: FixtureEntry[], options: RestorePlanOptions = {}) {
  return planRestore(chunked(await buildTar(entries)), options);
}

describe('planRestore refuses, naming the entry', () => {
  const cases: [string, FixtureEntry[], string, string][] = [
    ['an absolute path', [root, { name: '/etc/passwd', content: 'x' }], 'absolute-path', '/etc/passwd'],
    ['a ".." component', [root, { name: '../escape', content: 'x' }], 'parent-path', '../escape'],
    [
      'a ".." in the middle',
      [root, { name: './a/../../escape', content: 'x' }],
      'parent-path',
      './a/../../escape',
    ],
    [
      'a write through a symlink the archive created',
      [root, { name: './link', type: 'symlink', linkname: '/etc' }, { name: './link/passwd', content: 'x' }],
      'through-symlink',
      './link/passwd',
    ],
    [
      'a write through a relative symlink, deeper down',
      [
        root,
        { name: './a/', type: 'directory' },
        { name: './a/up', type: 'symlink', linkname: '../..' },
        { name: './a/up/b/c', content: 'x' },
      ],
      'through-symlink',
      './a/up/b/c',
    ],
    [
      'a directory replaced by a symlink, then written into',
      [
        root,
        { name: './d/', type: 'directory' },
        { name: './d', type: 'symlink', linkname: '/etc' },
        { name: './d/cron.d/job', content: 'x' },
      ],
      'duplicate-path',
      './d',
    ],
    [
      'a symlink replaced by a directory',
      [root, { name: './x', type: 'symlink', linkname: '/etc' }, { name: './x/', type: 'directory' }],
      'duplicate-path',
      './x/',
    ],
    [
      'a hard link replaced by a directory',
      [
        root,
        { name: './f', content: 'x' },
        { name: './h', type: 'link', linkname: './f' },
        { name: './h/', type: 'directory' },
      ],
      'duplicate-path',
      './h/',
    ],
    [
      'a file replaced by a directory',
      [root, { name: './f', content: 'x' }, { name: './f/', type: 'directory' }],
      'duplicate-path',
      './f/',
    ],
    [
      'a folder implied by a deeper entry, then replaced by a file',
      [root, { name: './a/b', content: 'x' }, { name: './a', content: 'y' }],
      'duplicate-path',
      './a',
    ],
    [
      'the same path again under another spelling',
      [root, { name: './a', content: 'x' }, { name: './/a', content: 'y' }],
      'duplicate-path',
      './/a',
    ],
    [
      'a hard link target replaced after the link',
      [
        root,
        { name: './f', content: 'x' },
        { name: './h', type: 'link', linkname: './f' },
        { name: './f', type: 'symlink', linkname: '/etc/shadow' },
      ],
      'duplicate-path',
      './f',
    ],
    [
      'an entry inside a file',
      [root, { name: './f', content: 'x' }, { name: './f/g', content: 'y' }],
      'under-non-directory',
      './f/g',
    ],
    [
      'a NUL byte in a name',
      [root, { name: './a', pax: { path: './a\u0000b' }, content: 'x' }],
      'control-character',
      './a\u0000b',
    ],
    [
      'a NUL byte in a symlink target',
      [root, { name: './l', type: 'symlink', linkname: 'a', pax: { linkpath: 'a\u0000b' } }],
      'control-character',
      './l',
    ],
    [
      'a path thousands of levels deep',
      [root, { name: `./${'d/'.repeat(3000)}f`, content: 'x' }],
      'path-too-long',
      `./${'d/'.repeat(3000)}f`,
    ],
    [
      'a name component longer than 255 bytes',
      [root, { name: `./${'n'.repeat(256)}`, content: 'x' }],
      'path-too-long',
      `./${'n'.repeat(256)}`,
    ],
    [
      'a hard link to an absolute path',
      [root, { name: './h', type: 'link', linkname: '/etc/shadow' }],
      'hardlink-target',
      './h',
    ],
    [
      'a hard link out through ".."',
      [root, { name: './h', type: 'link', linkname: '../../x' }],
      'hardlink-target',
      './h',
    ],
    [
      'a hard link to a later entry',
      [root, { name: './h', type: 'link', linkname: './later' }, { name: './later', content: 'x' }],
      'hardlink-target',
      './h',
    ],
    [
      'a hard link through a symlink',
      [
        root,
        { name: './l', type: 'symlink', linkname: '/etc' },
        { name: './h', type: 'link', linkname: './l/shadow' },
      ],
      'hardlink-target',
      './h',
    ],
    [
      'a hard link to a directory',
      [root, { name: './d/', type: 'directory' }, { name: './h', type: 'link', linkname: './d' }],
      'hardlink-target',
      './h',
    ],
    [
      'a character device',
      [root, { name: './null', type: 'character-device', devmajor: 1, devminor: 3 }],
      'device',
      './null',
    ],
    [
      'a block device',
      [root, { name: './sda', type: 'block-device', devmajor: 8, devminor: 0 }],
      'device',
      './sda',
    ],
    ['a volume root that is a symlink', [{ name: './', type: 'symlink', linkname: '/' }], 'root-type', './'],
  ];
  for (const [label, entries, code, entry] of cases) {
    it(label, async () => {
      const result = await plan(entries);
      assert.equal(result.ok, false);
      assert.deepEqual(
        result.problems.map((p) => [p.code, p.entry]),
        [[code, entry]],
      );
      assert.ok(result.problems[0]!.message.includes(quoteName(entry)), result.problems[0]!.message);
    });
  }

  it('a checksum that differs from the file list', async () => {
    const out = memorySink();
    const list = memorySink();
    const manifest = await writeArchive(
      chunked(await buildTar(volumeEntries('v/', { devices: false }))),
      out,
      {
        volume: volumeInfo,
        toolVersion: 't',
        fileList: list,
      },
    );
    const tampered = list
      .buffer()
      .toString()
      .replace(/("path":"\.\/a\.txt".*"sha256":")[0-9a-f]/, '$10');
    assert.notEqual(tampered, list.buffer().toString());
    const result = await planRestore(chunked(out.buffer()), {
      manifest,
      fileList: chunked(Buffer.from(tampered)),
    });
    assert.equal(result.ok, false);
    assert.ok(result.problems.some((p) => p.code === 'entry-mismatch' && p.entry === './a.txt'));
  });
});

describe('planRestore accepts', () => {
  it('symlinks pointing anywhere, as content', async () => {
    const result = await plan([
      root,
      { name: './abs', type: 'symlink', linkname: '/etc/passwd' },
      { name: './up', type: 'symlink', linkname: '../../../../etc' },
    ]);
    assert.deepEqual(result.problems, []);
  });

  it('devices when allowed, and every entry kind of a normal volume', async () => {
    const result = await plan(volumeEntries('./'), { allowDevices: true });
    assert.deepEqual(result.problems, []);
    assert.equal(result.selected.entries, 15);
  });

  it('names without "./" (tar czf x.tgz -C dir a b)', async () => {
    const result = await plan([
      { name: 'a/', type: 'directory' },
      { name: 'a/b', content: 'x' },
      { name: 'h', type: 'link', linkname: 'a/b' },
    ]);
    assert.deepEqual(result.problems, []);
  });
});

describe('planRestore with a path', () => {
  it('counts only the selected entries and plans hard links whose target lies outside', async () => {
    const result = await plan(
      [
        root,
        { name: './outside.txt', content: 'shared' },
        { name: './null', type: 'character-device', devmajor: 1, devminor: 3 },
        { name: './sub/', type: 'directory' },
        { name: './sub/h1', type: 'link', linkname: './outside.txt' },
        { name: './sub/h2', type: 'link', linkname: './outside.txt' },
      ],
      { path: 'sub' },
    );
    // The device lies outside the selection, so it is not refused.
    assert.deepEqual(result.problems, []);
    assert.equal(result.path, './sub');
    assert.equal(result.selected.entries, 3);
    assert.deepEqual(result.linkTargets, { './outside.txt': './sub/h1' });
  });

  it('refuses a path the archive does not hold, as not-found naming it', async () => {
    await assert.rejects(
      plan([root, { name: './a', content: 'x' }], { path: 'nope/x' }),
      (error) =>
        isStowageError(error, 'not-found') &&
        error.message.includes('"nope/x"') &&
        (error.hint ?? '').includes('stowage ls-archive'),
    );
  });

  it('refuses a path that leaves the volume', () => {
    for (const path of ['../x', 'a/../../x']) {
      assert.throws(
        () => selectionPath(path),
        (error) => isStowageError(error, 'invalid'),
      );
    }
    assert.equal(selectionPath('/data/db/'), './data/db');
    assert.equal(selectionPath(undefined), './');
  });
});
