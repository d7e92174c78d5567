import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareVersions, MAX_API_VERSION, MIN_API_VERSION } from './transport.ts';

describe('compareVersions', () => {
  const cases: [string, string, -1 | 0 | 1][] = [
    ['1.41', '1.41', 0],
    ['1.41', '1.47', -1],
    ['1.47', '1.41', 1],
    ['1.9', '1.41', -1], // numeric, not lexical: 9 < 41
    ['1.41', '1.5', 1],
    ['2.0', '1.99', 1],
    ['1.41', '1.41.0', 0], // a missing part counts as 0
    ['1.41.1', '1.41', 1],
    ['1', '1.0.0', 0],
    ['0.9', '1', -1],
    ['1.100', '1.99', 1],
  ];
  for (const [a, b, sign] of cases) {
    test(`${a} vs ${b}: ${sign}`, () => assert.equal(Math.sign(compareVersions(a, b)), sign));
  }

  test('the supported range is ordered', () => {
    assert.ok(compareVersions(MIN_API_VERSION, MAX_API_VERSION) < 0);
  });
});
