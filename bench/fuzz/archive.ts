/**
 * Fuzzes the archive safety rules with at least 10^6 random archives (fast-check; see
 * src/archive/testing/fuzz-archive.ts) and prints the counts: inputs, accepted, refused by the code of
 * their first problem, crashes, unsafe archives accepted. Exits 1 on any crash or unsafe acceptance.
 *
 *   node_modules/.bin/node bench/fuzz/archive.ts [RUNS] [SEED]
 */
import fc from 'fast-check';
import { archiveArbitrary, emptyCounts, judge } from '../../src/archive/testing/fuzz-archive.ts';

const runs = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
const counts = emptyCounts();
const started = Date.now();
const result = fc.check(
  fc.property(archiveArbitrary, (input) => judge(input, counts)),
  { numRuns: runs, seed, endOnFailure: true },
);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
const refused = Object.entries(counts.refused).sort(([, a], [, b]) => b - a);
const total = refused.reduce((sum, [, n]) => sum + n, 0);
console.log(`archive safety fuzz: seed ${seed}, ${seconds} s`);
console.log(`inputs          ${counts.inputs}`);
console.log(`accepted        ${counts.accepted}`);
console.log(`refused         ${total}`);
for (const [code, n] of refused) console.log(`  ${code.padEnd(20)} ${n}`);
console.log(`crashes         ${counts.crashes}`);
console.log(`unsafe accepted ${counts.unsafeAccepted}`);
if (result.failed || counts.crashes > 0 || counts.unsafeAccepted > 0) {
  const short = (text: string) => (text.length > 3000 ? `${text.slice(0, 3000)}…` : text);
  console.log(`FAILED: ${short(counts.firstFailure ?? String(result.errorInstance))}`);
  if (result.counterexample)
    console.log(`shrunk counterexample: ${short(JSON.stringify(result.counterexample))}`);
  process.exitCode = 1;
}
