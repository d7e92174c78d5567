import assert from 'node:assert/strict';
import { link, mkdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeArchive } from './archive-writer.ts';
import type { Compression } from './compression.ts';
import { listArchive } from './list-archive.ts';
import type { ArchiveManifest } from './manifest.ts';
import {
  UNICODE_NAME,
  buildTar,
  chunked,
  memorySink,
  run,
  volumeEntries,
  volumeInfo,
  withTempDir,
} from './testing/tar-fixtures.ts';
import { verifyArchive } from './verify-archive.ts';
import type { VerifyReport } from './verify-archive.ts';

interface Backup {
  archive: Buffer;
  manifest: ArchiveManifest;
  fileList: Buffer;
}

async function backup(compression: Compression): Promise<Backup> {
  const out = memorySink();
  const list = memorySink();
  const manifest = await writeArchive(chunked(await buildTar(volumeEntries('v/'))), out, {
    volume: volumeInfo,
    toolVersion: 't',
    compression,
    fileList: list,
  });
  return { archive: out.buffer(), manifest, fileList: list.buffer() };
}

function verify(b: Partial<Backup> & { archive: Buffer }): Promise<VerifyReport> {
  return verifyArchive(chunked(b.archive, 3000), {
    manifest: b.manifest,
    fileList: b.fileList === undefined ? undefined : chunked(b.fileList, 100),
  });
}

const codes = (report: VerifyReport) => report.problems.map((p) => p.code);

describe('verifyArchive', () => {
  for (const compression of ['zstd', 'gzip', 'none'] as const) {
    it(`passes an intact ${compression} archive with its manifest and file list`, async () => {
      const b = await backup(compression);
      const report = await verify(b);
      assert.deepEqual(report.problems, []);
      assert.equal(report.ok, true);
      assert.equal(report.compression, compression);
      assert.equal(report.sha256, b.manifest.archive.sha256);
      assert.deepEqual(report.contents, b.manifest.contents);
      assert.equal(report.manifestChecked && report.fileListChecked, true);
    });
  }

  it('reads and verifies an archive made by `tar czf x.tar.gz -C dir .` (GNU tar and busybox)', async () => {
    await withTempDir(async (dir) => {
      const data = join(dir, 'data');
      await mkdir(join(data, 'sub', 'empty'), { recursive: true });
      await writeFile(join(data, 'a.txt'), 'hello\n');
      await writeFile(join(data, 'sub', UNICODE_NAME), 'unicode\n');
      await writeFile(join(data, 'sub', 'x'.repeat(200)), 'long name\n');
      await link(join(data, 'a.txt'), join(data, 'hard'));
      await symlink('/etc/passwd', join(data, 'link'));
      await utimes(join(data, 'a.txt'), 1_700_000_000, 1_700_000_000);
      const tars: [string, string[]][] = [['tar', ['czf', join(dir, 'gnu.tar.gz'), '-C', data, '.']]];
      tars.push(['busybox', ['tar', 'czf', join(dir, 'busybox.tar.gz'), '-C', data, '.']]);
      for (const [command, args] of tars) {
        await run(command, args);
        const archive = await readFile(args.at(-4)!);
        const report = await verify({ archive });
        assert.equal(report.ok, true, `${command}: ${JSON.stringify(report.problems)}`);
        assert.equal(report.compression, 'gzip');
        assert.equal(report.manifestChecked, false);
        assert.deepEqual(
          { files: report.contents.files, hardlinks: report.contents.hardlinks },
          { files: 3, hardlinks: 1 },
        );
        const names: string[] = [];
        for await (const entry of listArchive(chunked(archive))) names.push(entry.path);
        assert.deepEqual(
          names.sort(),
          [
            './',
            './a.txt',
            './hard',
            './link',
            './sub',
            './sub/empty',
            `./sub/${UNICODE_NAME}`,
            `./sub/${'x'.repeat(200)}`,
          ].sort(),
          command,
        );
      }
    });
  });

  for (const compression of ['zstd', 'gzip'] as const) {
    it(`fails a truncated ${compression} archive`, async () => {
      const b = await backup(compression);
      const report = await verify({ ...b, archive: b.archive.subarray(0, Math.floor(b.archive.length / 2)) });
      assert.equal(report.ok, false);
      assert.ok(codes(report).includes('damaged'), JSON.stringify(report.problems));
    });

    it(`fails a ${compression} archive with a corrupted byte`, async () => {
      const b = await backup(compression);
      const archive = Buffer.from(b.archive);
      archive[Math.floor(archive.length / 2)]! ^= 0xff;
      const report = await verify({ ...b, archive });
      assert.equal(report.ok, false);
      // Without the manifest the compression's own checksum still catches it.
      assert.equal((await verify({ archive })).ok, false);
    });
  }

  it('names the entry whose data changed in an uncompressed archive', async () => {
    const b = await backup('none');
    const archive = Buffer.from(b.archive);
    const at = archive.indexOf('hello\n');
    archive[at] = 'j'.charCodeAt(0);
    const report = await verify({ ...b, archive });
    assert.deepEqual(codes(report).sort(), ['archive-checksum', 'entry-mismatch']);
    const mismatch = report.problems.find((p) => p.code === 'entry-mismatch');
    assert.equal(mismatch?.entry, './a.txt');
    assert.match(
      mismatch?.message ?? '',
      /^the content of "\.\/a\.txt" does not match its checksum \(expected SHA-256 [0-9a-f]{64}, found [0-9a-f]{64}\)$/,
    );
  });

  it('says in words that random bytes and a text file are not archives, and where damage lies', async () => {
    const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251));
    for (const input of [random, Buffer.from('just some notes\n'), Buffer.from('x'.repeat(2000))]) {
      const report = await verify({ archive: input });
      assert.deepEqual(codes(report), ['not-archive']);
      assert.match(report.problems[0]!.message, /is not a Stowage or tar archive$/);
    }
    assert.match((await verify({ archive: Buffer.alloc(0) })).problems[0]!.message, /the file is empty/);
    const b = await backup('none');
    const second = b.archive.indexOf('./a.txt') - (b.archive.indexOf('./a.txt') % 512);
    const damaged = Buffer.from(b.archive);
    damaged[second + 148] = 'x'.charCodeAt(0);
    const report = await verify({ archive: damaged });
    assert.match(report.problems[0]!.message, new RegExp(`^the archive is damaged at byte ${second}: `));
  });

  it('names the entry whose file-list record was altered, and the altered list', async () => {
    const b = await backup('zstd');
    const fileList = Buffer.from(b.fileList.toString().replace('"mode":416', '"mode":511'));
    const report = await verify({ ...b, fileList });
    assert.deepEqual(codes(report).sort(), ['entry-mismatch', 'file-list']);
    assert.equal(
      report.problems[0]!.message,
      '"./a.txt" differs from the file list: mode 0640 (file list: 0777)',
    );
  });

  it('fails when entries are missing at the end, and when a plain tar has no end marker', async () => {
    const b = await backup('none');
    const cut = b.archive.indexOf('./null') - 512 * 3;
    const alignedCut = cut - (cut % 512);
    const report = await verify({ ...b, archive: b.archive.subarray(0, alignedCut) });
    assert.ok(codes(report).includes('truncated'));
    const bare = await verify({ archive: b.archive.subarray(0, alignedCut) });
    assert.deepEqual(codes(bare), ['truncated']);
  });

  it('reports a damaged file list instead of throwing', async () => {
    const b = await backup('zstd');
    const report = await verify({
      ...b,
      fileList: Buffer.from('{"format":"stowage-file-list","formatVersion":1}\nnot json\n'),
    });
    assert.ok(codes(report).includes('file-list'));
  });

  it('reports an xz archive as damaged with a hint to decompress it', async () => {
    const report = await verify({ archive: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3]) });
    assert.deepEqual(codes(report), ['damaged']);
    assert.match(report.problems[0]!.message, /xz-compressed/);
  });
});
