import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { isStowageError } from './errors.ts';
import { makeFolder, makeFolderSync } from './make-folder.ts';

describe('makeFolder and makeFolderSync', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stowage-make-folder-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, make] of [
    ['sync', (path: string, mode?: number) => Promise.resolve().then(() => makeFolderSync(path, mode))],
    ['async', makeFolder],
  ] as const) {
    test(`${name}: creates missing parents with the mode, and accepts a folder that exists`, async () => {
      const path = join(dir, name, 'a', 'b');
      await make(path, 0o700);
      assert.ok(statSync(path).isDirectory());
      assert.equal(statSync(path).mode & 0o777, 0o700);
      await make(path, 0o700);
    });

    test(`${name}: a file on the way is named, exit-2 kind`, async () => {
      const file = join(dir, `${name}-file`);
      writeFileSync(file, 'x');
      await assert.rejects(make(join(file, 'x', 'y')), (error) => {
        assert.ok(isStowageError(error, 'invalid'));
        assert.equal(error.message, `cannot create the folder ${file}/x/y: ${file} is a file, not a folder`);
        return true;
      });
      await assert.rejects(make(file), /is a file, not a folder/);
    });

    test(`${name}: a file system that takes no folders (/proc) fails at once instead of looping`, async () => {
      await assert.rejects(make('/proc/stowage-nope/x'), (error) => {
        assert.ok(isStowageError(error, 'failed'));
        assert.equal(
          error.message,
          'cannot create the folder /proc/stowage-nope: /proc does not take new folders',
        );
        return true;
      });
    });
  }
});
