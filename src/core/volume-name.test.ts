import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStowageError } from './errors.ts';
import { checkVolumeName, volumeNameProblem } from './volume-name.ts';

test('names Docker accepts pass', () => {
  for (const name of ['db', 'pg-data', 'a.b_c-d', '3c5e'.padEnd(64, 'a'), 'A1']) {
    assert.equal(volumeNameProblem(name), undefined, name);
    assert.equal(checkVolumeName(name), name);
  }
});

test('names that would change the engine URL or that Docker refuses are refused', () => {
  for (const name of [
    '',
    'a',
    '..',
    '../../etc',
    '/etc/passwd',
    '.hidden',
    '-x',
    'my vol',
    'a\0b',
    'é',
    'x/y',
    'a'.repeat(256),
  ]) {
    assert.notEqual(volumeNameProblem(name), undefined, JSON.stringify(name));
    assert.throws(
      () => checkVolumeName(name),
      (error: unknown) => isStowageError(error, 'invalid') && error.message.includes(JSON.stringify(name)),
    );
  }
});

test("the too-short message is the engine's", () => {
  assert.equal(
    volumeNameProblem('v'),
    'volume name is too short, names should be at least two alphanumeric characters',
  );
});
