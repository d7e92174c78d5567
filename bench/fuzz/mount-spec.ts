/**
 * The long fuzz run of the mount-spec parsers (the test suite runs a short one: src/mounts/mount-spec.fuzz.test.ts):
 * at least 10^6 inputs built by fast-check from names, paths, modes and `--mount` fields, each parsed, checked,
 * formatted back in its own syntax and converted to the other one (see `judge`). Prints the counts and exits
 * 1 when anything crashed (threw other than a StowageError 'invalid') or a round trip failed.
 *
 *   node_modules/.bin/node bench/fuzz/mount-spec.ts [--runs 1000000] [--seed N]
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { fuzzInput, judge, type FuzzInput } from '../../src/mounts/testing/mount-spec-arbitraries.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '1000000' }, seed: { type: 'string' } },
});
const runs = Number(values.runs);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(seed)) {
  console.error('usage: bench/fuzz/mount-spec.ts [--runs N] [--seed N]');
  process.exit(2);
}

const CHUNK = 10_000;
const counts = {
  inputs: 0,
  accepted: 0,
  refused: 0,
  converted: 0,
  crashes: 0,
  roundTripFailures: 0,
  short: 0,
  long: 0,
};
const examples: string[] = [];
const started = performance.now();

// fast-check draws each chunk from its own seed, so any input can be found again from `seed` and its chunk.
for (let chunk = 0; counts.inputs < runs; chunk++) {
  const size = Math.min(CHUNK, runs - counts.inputs);
  const inputs: FuzzInput[] = fc.sample(fuzzInput, { seed: seed + chunk, numRuns: size });
  for (const input of inputs) {
    counts.inputs++;
    counts[input.syntax]++;
    const verdict = judge(input);
    if (verdict.outcome === 'crash') counts.crashes++;
    else counts[verdict.outcome]++;
    if (verdict.converted) counts.converted++;
    if (verdict.outcome === 'accepted' && verdict.problem !== undefined) counts.roundTripFailures++;
    if (verdict.problem !== undefined && examples.length < 10)
      examples.push(`  chunk ${chunk}: ${JSON.stringify(input)}\n    ${verdict.problem}`);
  }
}

const seconds = (performance.now() - started) / 1000;
console.log(
  `mount-spec fuzz: seed ${seed}, ${seconds.toFixed(1)} s, ${Math.round(counts.inputs / seconds)} inputs/s`,
);
console.log(`  inputs              ${counts.inputs} (-v ${counts.short}, --mount ${counts.long})`);
console.log(
  `  accepted            ${counts.accepted} (converted to the other syntax and back: ${counts.converted})`,
);
console.log(`  refused             ${counts.refused}`);
console.log(`  crashes             ${counts.crashes}`);
console.log(`  round-trip failures ${counts.roundTripFailures}`);
if (examples.length > 0) console.log(`first problems (replay with --seed ${seed}):\n${examples.join('\n')}`);
process.exit(counts.crashes > 0 || counts.roundTripFailures > 0 ? 1 : 0);
