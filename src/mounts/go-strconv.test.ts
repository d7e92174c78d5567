import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanPath } from './go-path.ts';
import { goQuote, parseGoBool, parseOctalUint32, ramInBytes } from './go-strconv.ts';

test('goQuote escapes as Go %q does', () => {
  assert.equal(goQuote('my vol'), '"my vol"');
  assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(goQuote('tab\there\n'), '"tab\\there\\n"');
  assert.equal(goQuote('\x00\x7f'), '"\\x00\\x7f"');
  assert.equal(goQuote('é€😀'), '"é€😀"');
  assert.equal(goQuote('\u00a0\u200b'), '"\\u00a0\\u200b"');
});

test('parseGoBool accepts exactly strconv.ParseBool spellings', () => {
  for (const text of ['1', 't', 'T', 'TRUE', 'true', 'True']) assert.equal(parseGoBool(text), true);
  for (const text of ['0', 'f', 'F', 'FALSE', 'false', 'False']) assert.equal(parseGoBool(text), false);
  for (const text of ['', 'yes', 'tRUE', ' true', '2']) assert.equal(parseGoBool(text), undefined);
});

test('parseOctalUint32 is ParseUint(s, 8, 32)', () => {
  assert.equal(parseOctalUint32('1777'), 0o1777);
  assert.equal(parseOctalUint32('0755'), 0o755);
  assert.equal(parseOctalUint32('0'), 0);
  assert.equal(parseOctalUint32('37777777777'), 0xffff_ffff);
  assert.equal(parseOctalUint32('000000000000037777777777'), 0xffff_ffff);
  for (const text of ['', '8', '0o7', '-1', '+7', '7_7', '40000000000', ' 7']) {
    assert.equal(parseOctalUint32(text), undefined, text);
  }
});

test('ramInBytes follows go-units RAMInBytes', () => {
  const table: [string, number | undefined][] = [
    ['64m', 64 * 2 ** 20],
    ['64M', 64 * 2 ** 20],
    ['1g', 2 ** 30],
    ['1GiB', 2 ** 30],
    ['1gb', 2 ** 30],
    ['2k', 2048],
    ['1t', 2 ** 40],
    ['1p', 2 ** 50],
    ['100', 100],
    ['100b', 100],
    ['100B', 100],
    ['1.5k', 1536],
    ['0.5', 0],
    ['-0', 0],
    ['512 k', 512 * 1024],
    ['7 ', 7],
    ['1e3', 1000],
    ['+5', 5],
    ['5.', 5],
    ['.5k', 512],
    ['0x1p10', 1024],
    ['1\u212a', 1024], // the Kelvin sign lowercases to "k", and is 3 bytes long
    ['1\u212ab', undefined], // 4 bytes: too long a suffix for Go
    ['', undefined],
    ['x', undefined],
    ['1x', undefined],
    ['1bb', undefined],
    ['1kbb', undefined],
    ['1kb ', undefined],
    ['1mi', undefined],
    ['-1', undefined],
    [' 1', undefined],
    ['1_000', 1000],
    ['0x_1p4', 16],
    ['1__0', undefined],
    ['_1', undefined],
    ['1_', undefined],
    ['1_.5', undefined],
    ['1e_5', undefined],
    ['0x10', undefined],
    ['1e400', undefined],
    ['1e19', undefined],
    ['inf ', undefined],
  ];
  for (const [text, expected] of table) assert.equal(ramInBytes(text), expected, JSON.stringify(text));
});

test('cleanPath is Go path.Clean', () => {
  const table: [string, string][] = [
    ['', '.'],
    ['/', '/'],
    ['//', '/'],
    ['/..', '/'],
    ['/a/../..', '/'],
    ['a/..', '.'],
    ['../a', '../a'],
    ['a/../../b', '../b'],
    ['/a/./b/', '/a/b'],
    ['/w/./x', '/w/x'],
    ['/w/sub/..', '/w'],
  ];
  for (const [path, clean] of table) assert.equal(cleanPath(path), clean, path);
});
