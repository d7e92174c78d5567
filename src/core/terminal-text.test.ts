import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeControls, plural, shortVolumeName, truncate } from './terminal-text.ts';

test('escapeControls shows control characters as \\xNN and leaves the rest alone', () => {
  assert.equal(escapeControls('a\x00b\x1b[1mc\x7f\x85d'), 'a\\x00b\\x1b[1mc\\x7f\\x85d');
  assert.equal(escapeControls('données 𝒳 pg-data'), 'données 𝒳 pg-data');
  assert.equal(escapeControls('x\u202ey'), 'x\\u{202e}y');
});

test('plural says "1 file" and "2 files"', () => {
  assert.equal(plural(1, 'file'), '1 file');
  assert.equal(plural(0, 'file'), '0 files');
  assert.equal(plural(2, 'entry', 'entries'), '2 entries');
});

test('shortVolumeName shortens only 64-hex (anonymous) names', () => {
  const hex = 'ab'.repeat(32);
  assert.equal(shortVolumeName(hex), 'abab…abab');
  assert.equal(shortVolumeName('pg-data'), 'pg-data');
});

test('truncate cuts to the given number of characters, marking the cut', () => {
  assert.equal(truncate('abcdefghij', 5), 'abcd…');
  assert.equal(truncate('abcdefghij', 5, 'middle'), 'ab…ij');
  assert.equal(truncate('abc', 5), 'abc');
});
