import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareText, formatAge, formatBytes, parseDuration, parseSize } from './units.ts';

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const TiB = 1024 ** 4;

describe('parseSize', () => {
  const cases: [string, number][] = [
    ['0', 0],
    ['1024', 1024],
    ['512b', 512],
    ['1k', KiB],
    ['1kb', KiB],
    ['1KiB', KiB],
    ['100M', 100 * MiB],
    ['100mb', 100 * MiB],
    ['2MiB', 2 * MiB],
    ['1G', GiB],
    ['1.5GiB', 1.5 * GiB],
    ['1.5 g', 1.5 * GiB],
    ['2T', 2 * TiB],
    ['3tib', 3 * TiB],
    ['  7  ', 7],
    ['0.5k', 512],
    ['1.0001k', 1024], // rounded to whole bytes
  ];
  for (const [text, bytes] of cases) {
    test(`"${text}" is ${bytes} bytes`, () => assert.equal(parseSize(text), bytes));
  }

  const bad = ['', ' ', 'abc', 'G', '1X', '1 GBs', '-1', '+1', '1.', '.5', '1.5.5', '1e3', '1,5G', '1 2'];
  for (const text of bad) {
    test(`"${text}" is refused`, () => {
      assert.throws(() => parseSize(text), {
        name: 'StowageError',
        kind: 'invalid',
        message: `invalid size "${text}"`,
        hint: 'use a number with an optional unit: 512, 100M, 1.5G, 2T',
      });
    });
  }

  test('the error names what was being parsed', () => {
    assert.throws(() => parseSize('huge', '--larger-than size'), {
      kind: 'invalid',
      message: 'invalid --larger-than size "huge"',
    });
  });
});

describe('parseDuration', () => {
  const second = 1000;
  const minute = 60 * second;
  const hour = 60 * minute;
  const day = 24 * hour;
  const cases: [string, number][] = [
    ['0s', 0],
    ['45s', 45 * second],
    ['90m', 90 * minute],
    ['12h', 12 * hour],
    ['30d', 30 * day],
    ['2w', 14 * day],
    ['1y', 365 * day],
    ['1.5h', 90 * minute],
    [' 3 d ', 3 * day],
    ['2H', 2 * hour], // units are case-insensitive: M is minutes, not months
    ['5M', 5 * minute],
  ];
  for (const [text, ms] of cases) {
    test(`"${text}" is ${ms} ms`, () => assert.equal(parseDuration(text), ms));
  }

  const bad: [string, string][] = [
    ['', 'empty'],
    ['30', 'no unit'],
    ['d', 'no number'],
    ['30x', 'unknown unit'],
    ['30ms', 'two-letter unit'],
    ['30 days', 'unit spelled out'],
    ['1h30m', 'compound duration'],
    ['-1d', 'negative'],
    ['d30', 'unit first'],
    ['1.d', 'dangling decimal point'],
  ];
  for (const [text, why] of bad) {
    test(`"${text}" is refused (${why})`, () => {
      assert.throws(() => parseDuration(text), {
        name: 'StowageError',
        kind: 'invalid',
        message: `invalid duration "${text}"`,
        hint: 'use a number and a unit: 90m, 12h, 30d, 2w, 1y',
      });
    });
  }

  test('the error names what was being parsed', () => {
    assert.throws(() => parseDuration('soon', '--older-than duration'), {
      kind: 'invalid',
      message: 'invalid --older-than duration "soon"',
    });
  });
});

describe('formatBytes', () => {
  // Decimal units and at most four significant digits, as `docker system df` prints them.
  const cases: [number, string][] = [
    [0, '0B'],
    [1, '1B'],
    [999, '999B'],
    [1000, '1kB'],
    [1200, '1.2kB'],
    [1234, '1.234kB'],
    [12_345, '12.35kB'],
    [12_000, '12kB'],
    [100_000, '100kB'],
    [300_000, '300kB'],
    [340_000_000, '340MB'],
    [999_400, '999.4kB'],
    [999_999, '1MB'], // rounds up into the next unit, never "1000kB" or "1.00e+3kB"
    [1_000_000, '1MB'],
    [10_000_000, '10MB'],
    [1_200_000_000, '1.2GB'],
    [1_234_567_890, '1.235GB'],
    [2_500_000_000_000, '2.5TB'],
    [7e15, '7PB'],
    [2e18, '2000PB'], // PB is the largest unit
  ];
  for (const [bytes, text] of cases) {
    test(`${bytes} bytes read "${text}"`, () => assert.equal(formatBytes(bytes), text));
  }
});

describe('formatAge', () => {
  const s = 1000;
  const cases: [number, string][] = [
    [-5 * s, '0 seconds'], // clock skew never shows a negative age
    [0, '0 seconds'],
    [999, '0 seconds'],
    [1 * s, '1 second'],
    [59 * s, '59 seconds'],
    [60 * s, '1 minute'],
    [119 * s, '1 minute'],
    [120 * s, '2 minutes'],
    [3600 * s, '1 hour'],
    [23 * 3600 * s, '23 hours'],
    [86400 * s, '1 day'],
    [6 * 86400 * s, '6 days'],
    [7 * 86400 * s, '1 week'],
    [29 * 86400 * s, '4 weeks'],
    [30 * 86400 * s, '1 month'],
    [364 * 86400 * s, '12 months'],
    [365 * 86400 * s, '1 year'],
    [3 * 365 * 86400 * s, '3 years'],
  ];
  for (const [ms, text] of cases) {
    test(`${ms} ms reads "${text}"`, () => assert.equal(formatAge(ms), text));
  }
});

describe('compareText', () => {
  const cases: [string, string, -1 | 0 | 1][] = [
    ['a', 'a', 0],
    ['', '', 0],
    ['a', 'b', -1],
    ['b', 'a', 1],
    ['', 'a', -1],
    ['app', 'app-1', -1], // a prefix sorts first
    ['Zeta', 'alpha', -1], // code units: upper case before lower case, as Docker sorts
    ['vol-10', 'vol-9', -1], // not a natural sort
    ['é', 'z', 1], // no locale: é (U+00E9) after z
  ];
  for (const [a, b, sign] of cases) {
    test(`"${a}" vs "${b}": ${sign}`, () => assert.equal(compareText(a, b), sign));
  }
});
