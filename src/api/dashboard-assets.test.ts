import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Fastify from 'fastify';
import { dashboardAssets, dashboardFolder } from './dashboard-assets.ts';

describe('dashboard assets', () => {
  const root = mkdtempSync(join(tmpdir(), 'stowage-web-'));
  const web = join(root, 'dist', 'web');
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>Stowage</title>');
  writeFileSync(join(web, 'assets', 'index-abc123.js'), 'console.log(1)');
  after(() => rmSync(root, { recursive: true, force: true }));

  test('the folder is found from the sources, from tsc output and from the bundle', () => {
    for (const here of ['src/api', 'dist/api', 'dist/bundle'])
      assert.equal(dashboardFolder(join(root, here)), web, here);
    assert.equal(dashboardFolder(join(root, 'elsewhere', 'deep', 'er')), undefined);
  });

  test('serves index.html for client routes, hashed assets as immutable, API errors for /api/', async () => {
    const app = Fastify();
    await dashboardAssets(app, web);
    const index = await app.inject('/');
    assert.equal(index.statusCode, 200);
    assert.match(index.body, /<title>Stowage/);
    assert.match(String(index.headers['content-security-policy']), /default-src 'self'/);
    assert.equal((await app.inject('/volumes/pg-data')).body, index.body);
    const asset = await app.inject('/assets/index-abc123.js');
    assert.equal(asset.statusCode, 200);
    assert.match(String(asset.headers['cache-control']), /immutable/);
    const api = await app.inject('/api/nope');
    assert.equal(api.statusCode, 404);
    assert.equal(api.json<{ error: { kind: string } }>().error.kind, 'not-found');
    await app.close();
  });

  test('without a build, / says to run `npm run build`', async () => {
    const app = Fastify();
    await dashboardAssets(app, undefined);
    for (const path of ['/', '/volumes/x']) {
      const page = await app.inject(path);
      assert.equal(page.statusCode, 503, path);
      assert.match(page.body, /not built[\s\S]*npm run build/);
    }
    await app.close();
  });
});
