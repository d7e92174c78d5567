import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { openTarget } from './registry.ts';
import { targetContract } from './testing/target-contract.ts';

targetContract('local folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'stwg-local-target-'));
  let n = 0;
  return Promise.resolve({
    subject: {
      async fresh() {
        const folder = join(root, `place-${++n}`);
        const url = `file://${folder}`;
        const stored = () =>
          readdirSync(folder, { recursive: true, withFileTypes: true })
            .filter((entry) => entry.isFile())
            .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
            .sort();
        return {
          url,
          target: await openTarget(url),
          stored: () =>
            Promise.resolve()
              .then(stored)
              .catch(() => []),
        };
      },
      refusals: [],
    },
    stop: () => Promise.resolve(rmSync(root, { recursive: true, force: true })),
  });
});
