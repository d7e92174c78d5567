import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installedCommand } from './installed-command.ts';

describe('the command a unit runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stwg-installed-command-'));
  const node = join(dir, 'node');
  const script = join(dir, 'lib', 'stowage', 'bin', 'stowage.cjs');
  mkdirSync(join(dir, 'lib', 'stowage', 'bin'), { recursive: true });
  mkdirSync(join(dir, 'bin'));
  writeFileSync(node, '');
  writeFileSync(script, '');
  symlinkSync(script, join(dir, 'bin', 'stowage')); // how npm installs a bin

  it('is the single executable alone when running as one', () => {
    assert.deepEqual(installedCommand({ execPath: node, script: join(dir, 'bin', 'stowage'), sea: true }), [
      node,
    ]);
  });

  it('is otherwise this Node and the real path of the bin, not the symlink that ran it', () => {
    assert.deepEqual(installedCommand({ execPath: node, script: join(dir, 'bin', 'stowage'), sea: false }), [
      node,
      script,
    ]);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));
});
