/**
 * Property-based fuzzing of both mount syntaxes with fast-check, a short run (the long one, 10^6 inputs, is
 * `bench/fuzz/mount-spec.ts`). Inputs are built from names, paths, modes and `--mount` fields, valid and odd
 * (see `testing/mount-spec-arbitraries.ts`). Properties: a parser throws nothing but a StowageError 'invalid';
 * parse → format → parse gives the same spec and the same text; `-v` ↔ `--mount` conversion gives the same
 * spec back; a `-v` spec made of valid parts parses to exactly those parts. A failure prints fast-check's
 * seed and the shrunk input; STOWAGE_FUZZ_SEED and STOWAGE_FUZZ_RUNS replay or lengthen a run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isStowageError } from '../core/errors.ts';
import { parseLongSpec } from './parse-long-spec.ts';
import { parseShortSpec } from './parse-short-spec.ts';
import { anyText, fuzzInput, judge, validShortSpec } from './testing/mount-spec-arbitraries.ts';
import type { FuzzInput } from './testing/mount-spec-arbitraries.ts';

const SEED = Number(process.env.STOWAGE_FUZZ_SEED ?? 20_10_24);
const RUNS = Number(process.env.STOWAGE_FUZZ_RUNS ?? 3000);
const settings = { seed: SEED, numRuns: RUNS };

// Inputs that once went wrong, tried first on every run.
const REGRESSIONS: FuzzInput[] = [
  // A one-letter volume name with `rw`: formatting dropped `rw`, and `v:/data` reads as a Windows drive.
  { syntax: 'short', text: 'v:/a b/日bzz/./:rw', cwd: undefined },
  { syntax: 'long', text: 'src=v,dst=/data', cwd: undefined },
  { syntax: 'short', text: 'a:/data', cwd: '/w' },
  { syntax: 'short', text: '::', cwd: undefined },
  { syntax: 'long', text: 'dst=/d,volume-opt=foo=bar', cwd: undefined },
  // A quoted CR CR LF reads as CR LF, which formatting refused to write.
  { syntax: 'long', text: 'type=bind,"source=/\r\r\n""/",target=/d', cwd: '/w/app' },
  // --mount reads a backslash as a slash, -v does not: `/b\9/..` is `/` to -v.
  { syntax: 'long', text: 'dst=/x,readonly=false,destination=/b\\9/../', cwd: undefined },
];

test('no input makes a parser, a formatter or a check throw anything but an invalid StowageError; round trips hold', () => {
  fc.assert(
    fc.property(fuzzInput, (input) => {
      const verdict = judge(input);
      assert.notEqual(verdict.outcome, 'crash', verdict.problem);
      assert.equal(verdict.problem, undefined);
    }),
    { ...settings, examples: REGRESSIONS.map((input): [FuzzInput] => [input]) },
  );
});

test('anything at all, in either syntax, is parsed or refused with a message', () => {
  fc.assert(
    fc.property(anyText, fc.constantFrom(parseShortSpec, parseLongSpec), (text, parse) => {
      try {
        parse(text, { cwd: '/w' });
      } catch (error) {
        assert.ok(isStowageError(error, 'invalid') && error.message.length > 0, String(error));
      }
    }),
    settings,
  );
});

test('a -v spec made of valid parts parses to exactly those parts', () => {
  fc.assert(
    fc.property(validShortSpec, ({ text, expected }) => {
      assert.deepEqual(parseShortSpec(text), expected);
      assert.equal(judge({ syntax: 'short', text, cwd: undefined }).problem, undefined);
    }),
    settings,
  );
});

test('the generator reaches every verdict in both syntaxes, or the properties prove little', () => {
  const seen = new Map<string, number>();
  for (const input of fc.sample(fuzzInput, { seed: SEED, numRuns: 2000 })) {
    const verdict = judge(input);
    const key = `${input.syntax} ${verdict.outcome}${verdict.converted ? ' converted' : ''}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  for (const syntax of ['short', 'long']) {
    for (const outcome of ['accepted', 'accepted converted', 'refused']) {
      assert.ok((seen.get(`${syntax} ${outcome}`) ?? 0) >= 50, JSON.stringify(Object.fromEntries(seen)));
    }
  }
});
