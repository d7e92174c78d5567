/**
 * Seeded fuzzing of both syntaxes: strings built from each syntax's alphabet and tokens, and mutations of valid
 * specs. Whatever the input, a parser or formatter either returns or throws a StowageError of kind 'invalid';
 * a spec it accepts formats back to a string that parses to the same spec, in its own syntax and, when the other
 * syntax can say it, in the other one. A failure prints the seed and the input, so it can be replayed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStowageError } from '../core/errors.ts';
import { checkLocalVolumeName } from './check-on-host.ts';
import { formatLong } from './format-long-spec.ts';
import { formatShort } from './format-short-spec.ts';
import type { MountSpec, ParseOptions } from './mount-spec.ts';
import { parseLongSpec } from './parse-long-spec.ts';
import { parseShortSpec } from './parse-short-spec.ts';

const SEED = Number(process.env.STOWAGE_FUZZ_SEED ?? 20_10_24);
const ROUNDS = Number(process.env.STOWAGE_FUZZ_ROUNDS ?? 1500);

/** mulberry32: small, fast, and the same sequence on every run for a seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const SHORT_TOKENS = [
  ':',
  ':',
  ':',
  ',',
  ',',
  '/',
  '/data',
  '/srv',
  'vol',
  'v',
  'c:',
  '.',
  './x',
  '..',
  '~',
  'ro',
  'rw',
  'z',
  'Z',
  'nocopy',
  'shared',
  'rshared',
  'slave',
  'rslave',
  'private',
  'rprivate',
  'cached',
  'delegated',
  'consistent',
  'default',
  'bogus',
  'RO',
  '\\',
  ' ',
  '\0',
  '\n',
  '\r',
  '\r\n',
  'é',
  '"',
  '=',
  '😀',
];
const LONG_TOKENS = [
  ',',
  ',',
  ',',
  '=',
  '"',
  '""',
  'type=',
  'bind',
  'volume',
  'tmpfs',
  'npipe',
  'image',
  'TYPE=',
  'src=',
  'source=',
  'dst=',
  'target=',
  'destination=',
  '/data',
  '/srv',
  'vol',
  'v',
  '.',
  './x',
  'readonly',
  'ro',
  '=true',
  '=0',
  'volume-nocopy',
  'volume-label=',
  'volume-opt=',
  'volume-driver=',
  'local',
  'volume-subpath=',
  'bind-propagation=',
  'rshared',
  'SLAVE',
  'bogus',
  'bind-nonrecursive',
  'bind-recursive=',
  'writable',
  'disabled',
  'enabled',
  'tmpfs-size=',
  '64m',
  '1.5g',
  '1e3',
  '1_0k',
  'tmpfs-mode=',
  '1777',
  '8',
  'consistency=',
  'cached',
  'image-subpath=',
  '\n',
  '\r',
  '\r\n',
  'é',
  ' ',
  '\\',
  ':',
  '\0',
];
const VALID_SHORT = [
  '/data',
  'vol:/data',
  'vol:/data:ro',
  '/srv:/data:ro,z,rshared',
  'vol:/data:nocopy,Z,cached',
  '/srv:/data:rw,delegated,rslave',
  'v:/d',
  './x:/d:ro',
];
const VALID_LONG = [
  'type=bind,src=/srv,dst=/data,ro,bind-propagation=rshared',
  'src=vol,dst=/data,volume-nocopy',
  'type=tmpfs,dst=/t,tmpfs-size=64m,tmpfs-mode=1777',
  'dst=/data',
  '"src=/a,b",dst=/d,type=bind',
  'src=v1,dst=/d,volume-driver=local,volume-label=a=b,volume-opt=o=x,consistency=cached',
  'type=bind,src=/s,dst=/d,bind-nonrecursive',
  'src=./x,dst=/d',
];

function generate(next: () => number, tokens: readonly string[], valid: readonly string[]): string {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const alphabet = [...new Set(tokens.join(''))];
  if (next() < 0.5) return Array.from({ length: 1 + Math.floor(next() * 8) }, () => pick(tokens)).join('');
  let text = pick(valid);
  for (let edits = 1 + Math.floor(next() * 3); edits > 0; edits--) {
    const at = Math.floor(next() * (text.length + 1));
    const operation = Math.floor(next() * 5);
    if (operation === 0)
      text = text.slice(0, at) + text.slice(at + 1); // delete
    else if (operation === 1)
      text = text.slice(0, at) + pick(alphabet) + text.slice(at); // insert a character
    else if (operation === 2)
      text = text.slice(0, at) + pick(tokens) + text.slice(at); // insert a token
    else if (operation === 3)
      text = text.slice(0, at) + pick(alphabet) + text.slice(at + 1); // replace
    else text = text.slice(0, at) + text.slice(Math.floor(next() * at)); // repeat a stretch
  }
  return text;
}

/** Runs `action`; a throw must be an 'invalid' StowageError with a message. */
function attempt<T>(action: () => T): T | undefined {
  try {
    return action();
  } catch (error) {
    assert.ok(isStowageError(error, 'invalid'), `threw something else: ${String(error)}`);
    assert.ok(error.message.length > 0);
    return undefined;
  }
}

interface Syntax {
  parse(text: string, options?: ParseOptions): MountSpec;
  format(spec: MountSpec): string;
}
const SHORT: Syntax = { parse: parseShortSpec, format: formatShort };
const LONG: Syntax = { parse: parseLongSpec, format: formatLong };

function fuzz(name: string, own: Syntax, other: Syntax, tokens: readonly string[], valid: readonly string[]) {
  test(`fuzz ${name} (seed ${SEED}, ${ROUNDS} inputs)`, () => {
    const next = random(SEED + name.length);
    const verdicts = { accepted: 0, refused: 0, converted: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const input = generate(next, tokens, valid);
      for (const options of [{}, { cwd: '/w/app' }]) {
        const context = `input ${JSON.stringify(input)} with ${JSON.stringify(options)}`;
        try {
          const spec = attempt(() => own.parse(input, options));
          if (spec === undefined) {
            verdicts.refused++;
            continue;
          }
          verdicts.accepted++;
          // Its own syntax can always say what it parsed.
          assert.deepEqual(own.parse(own.format(spec), options), spec);
          const converted = attempt(() => other.format(spec));
          if (converted !== undefined) {
            verdicts.converted++;
            assert.deepEqual(other.parse(converted, options), spec);
          }
          attempt(() => checkLocalVolumeName(spec));
        } catch (error) {
          assert.fail(`${context}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    if (process.env.STOWAGE_FUZZ_STATS) console.log(name, verdicts);
    // The generator must reach both verdicts and conversions, or the test proves little.
    assert.ok(
      verdicts.accepted > ROUNDS / 20 && verdicts.refused > ROUNDS / 4 && verdicts.converted > 0,
      JSON.stringify(verdicts),
    );
  });
}

fuzz('-v', SHORT, LONG, SHORT_TOKENS, VALID_SHORT);
fuzz('--mount', LONG, SHORT, LONG_TOKENS, VALID_LONG);
