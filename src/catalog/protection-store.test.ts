import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, test } from 'node:test';
import { openCatalog, type Catalog } from './catalog.ts';
import type { ProtectionMark } from './protection-store.ts';

describe('ProtectionStore', () => {
  const base = mkdtempSync(join(tmpdir(), 'stowage-protect-'));
  let catalog: Catalog;
  let n = 0;

  beforeEach(() => {
    catalog?.close();
    catalog = openCatalog(join(base, `data-${++n}`));
  });
  after(() => {
    catalog?.close();
    rmSync(base, { recursive: true, force: true });
  });

  // Rows come from node:sqlite with a null prototype; compare their fields.
  const list = (engine: string): ProtectionMark[] =>
    catalog.protections.list(engine).map((mark) => ({ ...mark }));

  test('a new catalog is empty', () => {
    assert.equal(catalog.protections.isEmpty(), true);
    assert.deepEqual(list('engine-1'), []);
  });

  test('protect, list, unprotect', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-03-01T10:00:00Z') });
    catalog.protections.protect('engine-1', 'pg-data', 'production database');
    catalog.protections.protect('engine-1', 'cache', undefined);
    assert.equal(catalog.protections.isEmpty(), false);
    assert.deepEqual(list('engine-1'), [
      { volume: 'cache', reason: null, markedAt: '2026-03-01T10:00:00.000Z' },
      { volume: 'pg-data', reason: 'production database', markedAt: '2026-03-01T10:00:00.000Z' },
    ]);
    assert.equal(catalog.protections.unprotect('engine-1', 'cache'), true);
    assert.equal(
      catalog.protections.unprotect('engine-1', 'cache'),
      false,
      'a second unprotect finds nothing',
    );
    assert.deepEqual(
      list('engine-1').map((m) => m.volume),
      ['pg-data'],
    );
    assert.equal(catalog.protections.unprotect('engine-1', 'pg-data'), true);
    assert.equal(catalog.protections.isEmpty(), true);
  });

  test('marking twice keeps the first date and updates the reason', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-03-01T10:00:00Z') });
    catalog.protections.protect('engine-1', 'pg-data', 'first reason');
    t.mock.timers.setTime(Date.parse('2026-04-01T10:00:00Z'));
    catalog.protections.protect('engine-1', 'pg-data', 'second reason');
    assert.deepEqual(list('engine-1'), [
      { volume: 'pg-data', reason: 'second reason', markedAt: '2026-03-01T10:00:00.000Z' },
    ]);
    catalog.protections.protect('engine-1', 'pg-data', undefined);
    assert.deepEqual(list('engine-1')[0]?.reason, null, 'no reason clears the old one');
  });

  test('marks are per engine: the same name on two engines is two volumes', () => {
    catalog.protections.protect('engine-1', 'data', 'one');
    catalog.protections.protect('engine-2', 'data', 'two');
    assert.deepEqual(
      list('engine-1').map((m) => m.reason),
      ['one'],
    );
    assert.deepEqual(
      list('engine-2').map((m) => m.reason),
      ['two'],
    );
    assert.equal(catalog.protections.unprotect('engine-3', 'data'), false);
    assert.equal(catalog.protections.unprotect('engine-1', 'data'), true);
    assert.deepEqual(
      list('engine-2').map((m) => m.volume),
      ['data'],
    );
    assert.equal(catalog.protections.isEmpty(), false, 'engine-2 still has a mark');
  });

  test('list is sorted by volume name, byte-wise', () => {
    for (const volume of ['zeta', 'Alpha', 'beta', 'élan', '0-first'])
      catalog.protections.protect('e', volume, undefined);
    assert.deepEqual(
      list('e').map((m) => m.volume),
      ['0-first', 'Alpha', 'beta', 'zeta', 'élan'],
    );
  });

  test('names are taken literally (no SQL injection, no pattern matching)', () => {
    catalog.protections.protect('e', "it's; DROP TABLE protected_volumes; --", undefined);
    catalog.protections.protect('e', 'data%', undefined);
    assert.equal(catalog.protections.unprotect('e', 'data_'), false);
    assert.deepEqual(
      list('e').map((m) => m.volume),
      ['data%', "it's; DROP TABLE protected_volumes; --"],
    );
  });

  test('marks survive closing and re-opening the catalog', () => {
    const dir = join(base, 'reopen');
    const first = openCatalog(dir);
    first.protections.protect('e', 'keep', 'kept');
    first.close();
    const second = openCatalog(dir);
    try {
      assert.deepEqual(
        second.protections.list('e').map((m) => [m.volume, m.reason]),
        [['keep', 'kept']],
      );
    } finally {
      second.close();
    }
  });
});
