import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isStowageError } from './errors.ts';
import { checkVolumeName, compareVolumeNames, volumeNameProblem } from './volume-name.ts';

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

describe('compareVolumeNames: the order of docker volume ls', () => {
  // Sorted as `docker volume ls` prints them (sortorder.NaturalLess); test/format.docker.test.ts checks the engine.
  const sorted = [
    '1',
    '01',
    '2',
    '10',
    'Zeta',
    'a',
    'a-2',
    'a-9',
    'a-10',
    'a-10b',
    'a-010',
    'a.b',
    'alpha',
    'alpha-2',
    'b',
  ];
  test('sorts a shuffled list into docker order', () =>
    assert.deepEqual([...sorted].reverse().sort(compareVolumeNames), sorted));
  test('equal names compare equal', () => assert.equal(compareVolumeNames('vol-01', 'vol-01'), 0));
});
