/**
 * The helper image is built by Stowage on the engine that lacks it. Several Stowage processes may find it
 * missing at the same moment: they must all succeed and leave one tagged image, never an untagged one.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { HELPER_IMAGE } from '../src/engine/helper-containers.ts';
import { docker, dockerOk, engineAvailable, SKIP_REASON, TestSession } from './support/engine.ts';

const root = join(import.meta.dirname, '..');

/** `stowage backup VOL` as a separate process; resolves with its exit code and stderr. */
function backupProcess(dataDir: string, volume: string): Promise<{ status: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [join(root, 'src/cli/bin.ts'), '--data-dir', dataDir, 'backup', volume],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ status: code ?? 1, stderr }));
  });
}

/** Every image the helper label marks, as `repository:tag` (`<none>:<none>` when untagged). */
const helperImages = () =>
  dockerOk('images', '--filter', 'label=stowage.helper', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}')
    .split('\n')
    .filter(Boolean);

describe(
  'the helper image under concurrency',
  { skip: !engineAvailable() && SKIP_REASON, timeout: 300_000 },
  () => {
    const s = new TestSession();
    // A second user of the same engine: another data folder, so no lock file in a data folder is shared.
    const other = new TestSession();
    after(() => {
      s.cleanup();
      other.cleanup();
    });

    test('backups started at once on an engine without the helper image all succeed and leave no <none> image', async () => {
      const volumes = [`first-${s.id}`, `second-${s.id}`, `third-${s.id}`];
      for (const volume of volumes) {
        s.volume(volume);
        dockerOk(
          'run',
          '--rm',
          '-v',
          `${volume}:/d`,
          process.env.STOWAGE_TEST_IMAGE ?? 'stowage-test/busybox',
          'sh',
          '-c',
          'echo hi > /d/f',
        );
      }
      // Several rounds: each starts from an engine without the image.
      for (let round = 0; round < 3; round++) {
        for (const image of helperImages()) docker('rmi', '-f', image.split(' ')[1]!);
        assert.deepEqual(helperImages(), []);
        const results = await Promise.all([
          backupProcess(s.dataDir, volumes[0]!),
          backupProcess(s.dataDir, volumes[1]!),
          backupProcess(other.dataDir, volumes[2]!),
        ]);
        for (const result of results) assert.equal(result.status, 0, result.stderr);
        const images = helperImages();
        assert.equal(images.length, 1, `one helper image, tagged: ${images.join(', ')}`);
        assert.match(images[0]!, new RegExp(`^${HELPER_IMAGE.replace(/[.]/g, '\\.')} `));
        assert.equal(dockerOk('images', '--filter', 'dangling=true', '-q'), '', 'no untagged image');
      }
    });
  },
);
