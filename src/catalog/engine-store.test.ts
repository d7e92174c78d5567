import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openCatalog, type Catalog } from './catalog.ts';
import { SHARED_ID_GAP, type KnownEngine } from './engine-store.ts';

const base = mkdtempSync(join(tmpdir(), 'stowage-engines-'));
after(() => rmSync(base, { recursive: true, force: true }));
let folders = 0;

/** Two engines on one host reporting the same ID (Docker 20.10 and a shared key file). */
const REPORTED = 'ABCD:EFGH:IJKL:MNOP';
const A: KnownEngine = {
  id: 'aaaa',
  reportedId: REPORTED,
  label: 'host#aaaa',
  name: 'host',
  dockerRootDir: '/a',
};
const B: KnownEngine = {
  id: 'bbbb',
  reportedId: REPORTED,
  label: 'host#bbbb',
  name: 'host',
  dockerRootDir: '/b',
};

/** A catalog holding rows written before engines were told apart: all keyed by the reported ID. */
function olderCatalog(): Catalog {
  const catalog = openCatalog(join(base, String(++folders)));
  catalog.protections.protect(REPORTED, 'keep-me', 'important');
  catalog.history.startCoverage(REPORTED, '2026-11-01T00:00:00.000Z');
  catalog.history.noteSeen(REPORTED, 'data', '2026-11-01T00:00:00.000Z', null);
  catalog.backups.add({
    engineId: REPORTED,
    volume: 'data',
    target: 'local:/srv',
    archiveKey: 'data/old.tar.zst',
    manifestKey: null,
    fileListKey: null,
    compression: 'zstd',
    startedAt: null,
    finishedAt: '2026-11-01T00:00:00.000Z',
    files: 1,
    bytes: 1,
    archiveBytes: 1,
    archiveSha256: null,
  });
  return catalog;
}

describe('EngineStore.register: rows from before engines were told apart', () => {
  test('the first engine reporting the ID gets the marks and the history; backups stay unclaimed', () => {
    const catalog = olderCatalog();
    catalog.engines.register(A, new Date('2026-12-01T00:00:00Z'));
    assert.deepEqual(
      catalog.protections.list(A.id).map((m) => m.volume),
      ['keep-me'],
    );
    assert.ok(catalog.history.coverage(A.id));
    assert.ok(catalog.history.summary(A.id, 'data'));
    assert.equal(catalog.history.coverage(REPORTED), undefined);
    assert.deepEqual(
      catalog.backups.list().map((b) => b.engineId),
      [REPORTED],
    );
    assert.equal(catalog.engines.labels([A.id, REPORTED]).get(A.id), 'host#aaaa');
    assert.equal(catalog.engines.labels([REPORTED]).get(REPORTED), 'id:ABCD:EFGH:IJKL');
    catalog.close();
  });

  test("a second engine with the same ID: it is protected too, the first one's older history becomes a gap", () => {
    const catalog = olderCatalog();
    catalog.engines.register(A, new Date('2026-12-01T00:00:00Z'));
    catalog.engines.register(B, new Date('2026-12-02T00:00:00Z'));
    assert.deepEqual(
      catalog.protections.list(B.id).map((m) => m.volume),
      ['keep-me'],
    );
    assert.deepEqual(
      catalog.protections.list(A.id).map((m) => m.volume),
      ['keep-me'],
    );
    assert.equal(catalog.history.coverage(B.id), undefined, 'B never inherits history');
    assert.deepEqual(
      catalog.history.gaps(A.id).map((g) => [g.startsAt, g.endsAt, g.reason]),
      [['1970-01-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', SHARED_ID_GAP]],
    );
    // Registering again changes nothing more.
    catalog.engines.register(A);
    catalog.engines.register(B);
    assert.equal(catalog.history.gaps(A.id).length, 1);
    assert.equal(catalog.engines.sharing(REPORTED), 2);
    catalog.close();
  });

  test('adopting hands the older backups (of one volume, or all) to the engine, and deletes nothing', () => {
    const catalog = olderCatalog();
    catalog.engines.register(A);
    assert.equal(catalog.engines.adoptBackups(A, 'other'), 0);
    assert.equal(catalog.engines.adoptBackups(A, 'data'), 1);
    assert.deepEqual(
      catalog.backups.list({ engineId: A.id }).map((b) => b.volume),
      ['data'],
    );
    catalog.close();
  });
});
