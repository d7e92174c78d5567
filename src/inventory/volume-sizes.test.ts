import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { treeSize } from './volume-sizes.ts';

describe('treeSize', () => {
  const base = mkdtempSync(join(tmpdir(), 'stowage-sizes-'));
  const file = (path: string, bytes: number) => writeFileSync(path, Buffer.alloc(bytes, 1));

  before(() => {
    // Outside the measured tree: a symlink to it must not be followed.
    mkdirSync(join(base, 'outside'));
    file(join(base, 'outside', 'huge'), 50_000);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  /** A fresh tree under `base`, built by `build`, measured. */
  const tree = (name: string, build: (root: string) => void) => {
    const root = join(base, name);
    mkdirSync(root);
    build(root);
    return root;
  };

  test('an empty folder is 0', async () => {
    assert.equal(await treeSize(tree('empty', () => {})), 0);
  });

  test('sums the apparent size of files at every depth, ignoring folders themselves', async () => {
    const root = tree('nested', (r) => {
      file(join(r, 'a'), 100);
      mkdirSync(join(r, 'sub', 'deeper', 'deepest'), { recursive: true });
      file(join(r, 'sub', 'b'), 1000);
      file(join(r, 'sub', 'deeper', 'c'), 10);
      file(join(r, 'sub', 'deeper', 'deepest', 'empty'), 0);
      mkdirSync(join(r, 'empty-dir'));
    });
    assert.equal(await treeSize(root), 1110);
  });

  test('hardlinks are counted once, wherever they are in the tree', async () => {
    const root = tree('hardlinks', (r) => {
      file(join(r, 'original'), 4000);
      mkdirSync(join(r, 'other'));
      linkSync(join(r, 'original'), join(r, 'link-1'));
      linkSync(join(r, 'original'), join(r, 'other', 'link-2'));
      file(join(r, 'plain'), 5);
    });
    assert.equal(await treeSize(root), 4005);
  });

  test('a file hardlinked from outside the tree counts once inside it', async () => {
    const root = tree('outside-link', (r) => linkSync(join(base, 'outside', 'huge'), join(r, 'shared')));
    assert.equal(await treeSize(root), 50_000);
  });

  test('symlinks are not followed: only the link itself counts', async () => {
    const target = join(base, 'outside');
    const root = tree('symlinks', (r) => {
      file(join(r, 'real'), 7);
      symlinkSync(target, join(r, 'to-outside-dir'));
      symlinkSync(join(target, 'huge'), join(r, 'to-outside-file'));
      symlinkSync('.', join(r, 'loop')); // would never end if followed
      symlinkSync('missing', join(r, 'dangling'));
    });
    const linkBytes = [target, join(target, 'huge'), '.', 'missing'].reduce(
      (sum, t) => sum + Buffer.byteLength(t),
      0,
    );
    assert.equal(await treeSize(root), 7 + linkBytes);
  });

  test('a missing root throws', async () => {
    await assert.rejects(treeSize(join(base, 'no-such-volume')), { code: 'ENOENT' });
  });

  test('a root that is a file throws', async () => {
    await assert.rejects(treeSize(join(base, 'outside', 'huge')), { code: 'ENOTDIR' });
  });

  test('an unreadable root throws', async () => {
    const root = tree('locked', (r) => file(join(r, 'secret'), 10));
    chmodSync(root, 0o000);
    try {
      if (process.getuid?.() !== 0) {
        await assert.rejects(treeSize(root), { code: 'EACCES' });
        return;
      }
      // Root reads a mode-000 folder anyway: measure it as nobody, in a child process.
      chmodSync(base, 0o755);
      const module = pathToFileURL(join(import.meta.dirname, 'volume-sizes.ts')).href;
      const script = `import { treeSize } from ${JSON.stringify(module)};
        treeSize(process.argv[1]).then(() => process.exit(0), (error) => { console.log(error.code); process.exit(3); });`;
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, root], {
        uid: 65534,
        gid: 65534,
        encoding: 'utf8',
      });
      assert.deepEqual(
        { status: child.status, stdout: child.stdout.trim() },
        { status: 3, stdout: 'EACCES' },
        child.stderr,
      );
    } finally {
      chmodSync(root, 0o700);
    }
  });
});
