/**
 * Property test of the archive safety rules (fast-check): whatever entries an archive holds, the rules do
 * not crash, and an archive they accept never makes the reference extraction write outside the volume,
 * through a symlink, over an existing path or with a name the kernel refuses. A short run; the long one is
 * bench/fuzz/archive.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { archiveArbitrary, emptyCounts, judge } from './testing/fuzz-archive.ts';
import { extractionViolation } from './testing/extraction-model.ts';

describe('SafetyRules, fuzzed', () => {
  it('accepts no archive whose extraction would be unsafe, and never crashes', () => {
    const counts = emptyCounts();
    fc.assert(
      fc.property(archiveArbitrary, (input) => judge(input, counts)),
      { numRuns: 400, seed: 10 },
    );
    assert.equal(counts.crashes, 0, counts.firstFailure);
    assert.equal(counts.unsafeAccepted, 0, counts.firstFailure);
    // The generator must reach both sides, or the property says nothing.
    assert.ok(counts.accepted > 20, `only ${counts.accepted} accepted`);
    assert.ok(Object.keys(counts.refused).length >= 8, JSON.stringify(counts.refused));
  });

  it('the reference model itself sees the unsafe shapes', () => {
    const entry = (
      name: string,
      type: 'file' | 'directory' | 'symlink' | 'hardlink' = 'file',
      linkname = '',
    ) => ({
      name,
      type,
      linkname,
    });
    assert.match(extractionViolation([entry('../x')], false) ?? '', /escapes/);
    assert.match(extractionViolation([entry('l', 'symlink', '/etc'), entry('l/x')], false) ?? '', /symlink/);
    assert.match(extractionViolation([entry('f'), entry('f/', 'directory')], false) ?? '', /replaces/);
    assert.match(extractionViolation([entry('h', 'hardlink', 'nothing')], false) ?? '', /nothing/);
    assert.match(extractionViolation([entry(`${'d/'.repeat(2048)}f`)], false) ?? '', /ENAMETOOLONG/);
    assert.equal(
      extractionViolation([entry('a/b'), entry('a/', 'directory'), entry('h', 'hardlink', 'a/b')], false),
      undefined,
    );
  });
});
