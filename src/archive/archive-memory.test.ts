import assert from 'node:assert/strict';
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { writeArchive } from './archive-writer.ts';
import { END_OF_ARCHIVE, encodeHeader } from './tar-header.ts';
import type { TarHeader } from './tar-header.ts';
import { volumeInfo, withTempDir } from './testing/tar-fixtures.ts';
import { verifyArchive } from './verify-archive.ts';

const FILES = Number(process.env.FILES ?? 100_000);
const MB = 1024 * 1024;

// A collection before each heap sample makes the live heap measurable; RSS alone is a saw-tooth that also
// steps up when V8 and malloc keep freed pages.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** An engine tar of `FILES` small files in 1,000 directories, generated while it is read. */
function syntheticVolume(): Readable {
  const header = (name: string, type: TarHeader['type'], size: number): Buffer =>
    encodeHeader({
      name,
      type,
      mode: 0o644,
      uid: 1000,
      gid: 1000,
      uname: 'app',
      gname: 'app',
      size,
      mtime: 1_700_000_000,
      linkname: '',
      devmajor: 0,
      devminor: 0,
      pax: undefined,
    });
  return Readable.from(
    (function* () {
      yield header('v/', 'directory', 0);
      let batch: Buffer[] = [];
      for (let i = 0; i < FILES; i += 1) {
        if (i % 100 === 0) batch.push(header(`v/dir-${i / 100}/`, 'directory', 0));
        const data = Buffer.alloc(512, `file number ${i} `);
        batch.push(header(`v/dir-${Math.floor(i / 100)}/file-${i}.txt`, 'file', data.length), data);
        if (batch.length >= 128) {
          yield Buffer.concat(batch);
          batch = [];
        }
      }
      yield Buffer.concat([...batch, END_OF_ARCHIVE]);
    })(),
  );
}

describe('memory', () => {
  it(
    `stays flat while ${FILES.toLocaleString('en')} files are archived and verified`,
    { timeout: 300_000 },
    async () => {
      await withTempDir(async (dir) => {
        const archivePath = join(dir, 'volume.tar.zst');
        const listPath = join(dir, 'volume.files.ndjson');
        const rss = () => process.memoryUsage().rss / MB;
        const liveHeap = () => {
          gc();
          return process.memoryUsage().heapUsed / MB;
        };
        const start = rss();
        const writing: number[] = [];
        const rssSamples: number[] = [];
        const manifest = await writeArchive(syntheticVolume(), createWriteStream(archivePath), {
          volume: volumeInfo,
          toolVersion: 't',
          fileList: createWriteStream(listPath),
          onProgress: (progress) => {
            if (progress.entries - writing.length * 5000 < 5000) return;
            writing.push(liveHeap());
            rssSamples.push(rss());
          },
        });
        assert.equal(manifest.contents.files, FILES);

        const verifying: number[] = [];
        const report = await verifyArchive(createReadStream(archivePath), {
          manifest,
          fileList: createReadStream(listPath),
          inspect: (entry) => {
            if (!entry.name.endsWith('000.txt') || !/[05]000\.txt$/.test(entry.name)) return;
            verifying.push(liveHeap());
            rssSamples.push(rss());
          },
        });
        assert.deepEqual(report.problems, []);

        // Keeping the 100,000 records (or the archive) in memory would add 40-60 MB of live heap on the way.
        for (const [phase, samples] of [
          ['writing', writing],
          ['verifying', verifying],
        ] as const) {
          assert.ok(samples.length >= 10, `${phase}: ${samples.length} samples`);
          const quarter = Math.floor(samples.length / 4);
          const early = Math.max(...samples.slice(0, quarter));
          const late = Math.max(...samples.slice(-quarter));
          const trace = samples.map((mb) => mb.toFixed(1)).join(' ');
          assert.ok(late - early < 8, `${phase}: live heap grew ${(late - early).toFixed(1)} MB (${trace})`);
        }
        const growth = Math.max(...rssSamples, rss()) - start;
        assert.ok(growth < 250, `RSS grew by ${growth.toFixed(0)} MB`);
      });
    },
  );
});
