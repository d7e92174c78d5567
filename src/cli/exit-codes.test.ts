import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ErrorKind } from '../core/errors.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';

describe('exitCodeFor', () => {
  // A Record over ErrorKind: a new kind without a code here fails to type-check.
  const expected: Record<ErrorKind, number> = {
    invalid: 2,
    'not-found': 3,
    conflict: 4,
    'in-use': 4,
    unreachable: 5,
    engine: 1,
    failed: 1,
  };
  for (const [kind, code] of Object.entries(expected) as [ErrorKind, number][]) {
    test(`${kind} → ${code}`, () => assert.equal(exitCodeFor(kind), code));
  }

  test('the documented codes', () => {
    assert.deepEqual({ ...EXIT }, { ok: 0, failed: 1, usage: 2, notFound: 3, conflict: 4, unreachable: 5 });
  });

  test('no error kind exits 0', () => {
    for (const kind of Object.keys(expected) as ErrorKind[]) assert.notEqual(exitCodeFor(kind), EXIT.ok);
  });
});
