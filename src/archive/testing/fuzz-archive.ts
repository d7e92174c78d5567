/**
 * Fuzzing the archive safety rules (fast-check): random entry sequences — files, folders, symlinks, hard
 * links, devices, fifos, with names made of `..`, `/`, `.`, NUL and other control characters, long
 * components and paths thousands of levels deep — are judged by SafetyRules as planRestore judges them,
 * and every archive the rules accept is extracted by the reference model (extraction-model.ts), in archive
 * order and in the order of a split restore. Shared by safety-rules.property.test.ts (short) and
 * bench/fuzz/archive.ts (10^6 inputs).
 */
import fc from 'fast-check';
import { normaliseEntryPath } from '../entry-path.ts';
import { ProblemList } from '../problem-list.ts';
import { SafetyRules } from '../safety-rules.ts';
import type { EntryType } from '../tar-header.ts';
import { extractionViolation, splitOrder } from './extraction-model.ts';
import type { ModelEntry } from './extraction-model.ts';

const component = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('a', 'b', 'l') },
  { weight: 2, arbitrary: fc.constantFrom('..', '.', '') },
  { weight: 1, arbitrary: fc.constantFrom('x\0y', 'tab\t', 'nl\n', 'esc\u001b[0m', 'del\u007f', 'Icon\r') },
  { weight: 1, arbitrary: fc.constantFrom('n'.repeat(255), 'n'.repeat(256), 'é'.repeat(128)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);

const deep = fc
  .tuple(fc.constantFrom(1000, 2045, 2046, 2047, 2048, 3000), fc.constantFrom('d', 'a'))
  .map(([levels, part]) => Array.from({ length: levels }, () => part).join('/'));

const name: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc
      .tuple(
        fc.constantFrom('', '', '', './', './', './', '/', './/'),
        fc.array(component, { minLength: 0, maxLength: 4 }),
        fc.constantFrom('', '', '/'),
      )
      .map(([start, parts, end]) => `${start}${parts.join('/')}${end}`),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(deep, fc.constantFrom('', '/f', '/a/f')).map(([path, tail]) => path + tail),
  },
);

const type = fc.constantFrom<EntryType>(
  'file',
  'file',
  'directory',
  'directory',
  'symlink',
  'symlink',
  'hardlink',
  'hardlink',
  'char-device',
  'block-device',
  'fifo',
);

export const entryArbitrary: fc.Arbitrary<ModelEntry> = fc.record({
  name,
  type,
  linkname: fc.oneof(name, fc.constantFrom('', '/etc/shadow', '../../etc', 'x\0y', 'a'.repeat(4096))),
});

export const archiveArbitrary = fc.record({
  entries: fc.array(entryArbitrary, { minLength: 1, maxLength: 8 }),
  allowDevices: fc.boolean(),
});

export interface FuzzCounts {
  inputs: number;
  accepted: number;
  /** Refused archives by the code of their first problem. */
  refused: Record<string, number>;
  crashes: number;
  unsafeAccepted: number;
  /** The first crash or unsafe acceptance, for the report. */
  firstFailure: string | undefined;
}

export function emptyCounts(): FuzzCounts {
  return { inputs: 0, accepted: 0, refused: {}, crashes: 0, unsafeAccepted: 0, firstFailure: undefined };
}

/**
 * Judges one archive as planRestore does and, when accepted, extracts it in the model. Returns false on a
 * crash or an unsafe acceptance (and counts it).
 */
export function judge(input: { entries: ModelEntry[]; allowDevices: boolean }, counts: FuzzCounts): boolean {
  counts.inputs += 1;
  let problems: ProblemList;
  try {
    const rules = new SafetyRules({ allowDevices: input.allowDevices });
    problems = new ProblemList();
    for (const entry of input.entries) {
      const { path, problem } = normaliseEntryPath(entry.name);
      rules.check({ ...entry, path, pathProblem: problem }, problems);
    }
  } catch (error) {
    counts.crashes += 1;
    counts.firstFailure ??= `crash on ${JSON.stringify(input)}: ${(error as Error).stack ?? String(error)}`;
    return false;
  }
  const first = problems.items[0];
  if (first !== undefined) {
    counts.refused[first.code] = (counts.refused[first.code] ?? 0) + 1;
    return true;
  }
  counts.accepted += 1;
  const violation =
    extractionViolation(input.entries, input.allowDevices) ??
    extractionViolation(splitOrder(input.entries), input.allowDevices);
  if (violation === undefined) return true;
  counts.unsafeAccepted += 1;
  counts.firstFailure ??= `unsafe archive accepted (${violation}): ${JSON.stringify(input)}`;
  return false;
}
