import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PrunePlanBook } from './prune-plan-book.ts';

const plan = { remove: [], skipped: [], reclaimableBytes: 0, unknownSizes: 0 };

describe('PrunePlanBook', () => {
  test('a plan is readable until it expires', () => {
    const book = new PrunePlanBook(1000);
    const stored = book.add({ all: true }, plan, 0);
    assert.match(stored.id, /^[0-9a-f]{32}$/);
    assert.equal(stored.expiresAt, new Date(1000).toISOString());
    assert.deepEqual(book.get(stored.id, 999)?.request, { all: true });
    assert.equal(book.get(stored.id, 1000), undefined);
  });

  test('a plan is taken once', () => {
    const book = new PrunePlanBook(1000);
    const stored = book.add({}, plan, 0);
    assert.equal(book.take(stored.id, 10)?.id, stored.id);
    assert.equal(book.take(stored.id, 10), undefined);
    assert.equal(book.get(stored.id, 10), undefined);
  });

  test('IDs are distinct', () => {
    const book = new PrunePlanBook();
    assert.notEqual(book.add({}, plan).id, book.add({}, plan).id);
  });
});
