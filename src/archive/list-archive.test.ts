import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStowageError } from '../core/errors.ts';
import { listArchive, modeString } from './list-archive.ts';
import { buildTar, chunked } from './testing/tar-fixtures.ts';

describe('listArchive', () => {
  it('streams every entry with type, mode, size, mtime and name, then fails at damage', async () => {
    const tar = await buildTar([
      { name: './', type: 'directory', mode: 0o755 },
      { name: './bin/tool', content: 'x'.repeat(2000), mode: 0o4755, uid: 1000, uname: 'app' },
      { name: './l', type: 'symlink', linkname: 'bin/tool', mode: 0o777 },
    ]);
    const seen = [];
    for await (const entry of listArchive(chunked(tar, 100))) seen.push(entry);
    assert.deepEqual(
      seen.map((e) => [modeString(e.type, e.mode), e.uname, e.size, e.mtime, e.name, e.linkname]),
      [
        ['drwxr-xr-x', '', 0, 1_700_000_000, './', ''],
        ['-rwsr-xr-x', 'app', 2000, 1_700_000_000, './bin/tool', ''],
        ['lrwxrwxrwx', '', 0, 1_700_000_000, './l', 'bin/tool'],
      ],
    );
    const names: string[] = [];
    await assert.rejects(
      async () => {
        for await (const entry of listArchive(chunked(tar.subarray(0, 1000)))) names.push(entry.name);
      },
      (error) => isStowageError(error, 'invalid'),
    );
    assert.deepEqual(names, ['./']);
  });

  it('spells special bits as ls does', () => {
    assert.equal(modeString('directory', 0o1777), 'drwxrwxrwt');
    assert.equal(modeString('file', 0o2644), '-rw-r-Sr--');
    assert.equal(modeString('char-device', 0o666), 'crw-rw-rw-');
  });
});
