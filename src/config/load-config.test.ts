import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { configPath, loadConfig } from './load-config.ts';

const DEFAULTS = {
  inventory: { sizeConcurrency: 8 },
  backup: { target: undefined, compression: 'zstd', concurrency: 2 },
  prune: { protectLabels: [] },
  cost: { pricePerGbMonth: 0.1 },
  schedules: [],
  notify: { webhook: undefined, on: ['failure'], urls: [] },
  api: { allowedHosts: [] },
  scheduler: { concurrency: 2 },
};

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stowage-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the file lives in the data folder', () => {
    assert.equal(configPath('/var/lib/stowage'), '/var/lib/stowage/config.yaml');
  });

  test('a missing file is the default config', async () => {
    assert.deepEqual(await loadConfig(join(dir, 'absent')), DEFAULTS);
  });

  test('reads the file and names it in errors', async () => {
    const dataDir = mkdtempSync(join(dir, 'data-'));
    writeFileSync(configPath(dataDir), 'engine:\n  context: prod\n');
    assert.deepEqual(await loadConfig(dataDir), { ...DEFAULTS, engine: { context: 'prod' } });
    writeFileSync(configPath(dataDir), 'engine:\n  context: prod\n  tls: yes\n');
    await assert.rejects(loadConfig(dataDir), {
      kind: 'invalid',
      message: `invalid config (1 problem):\n  ${join(dataDir, 'config.yaml')}:3: engine.tls: unknown key`,
    });
  });
});
