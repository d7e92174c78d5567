import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StowageError } from '../core/errors.ts';
import { DEFAULT_CONFIG } from './config-types.ts';
import { parseConfig } from './parse-config.ts';

const FILE = '/data/config.yaml';
const DEFAULTS = {
  inventory: { sizeConcurrency: 8 },
  backup: { target: undefined, compression: 'zstd', concurrency: 2 },
  prune: { protectLabels: [] },
  cost: { pricePerGbMonth: 0.1 },
  schedules: [],
  notify: { webhook: undefined, on: ['failure'], urls: [] },
  api: { allowedHosts: [] },
  scheduler: { concurrency: 2 },
};

/** The problem lines of an invalid config, or a failure when it parses. */
function problems(text: string): string[] {
  try {
    parseConfig(text, FILE);
  } catch (error) {
    assert.ok(error instanceof StowageError, `expected a StowageError, got ${String(error)}`);
    assert.equal(error.kind, 'invalid');
    assert.equal(error.hint, 'see docs/CONFIG.md for every key');
    const [first, ...lines] = error.message.split('\n');
    const count = lines.length;
    assert.equal(first, `invalid config (${count} problem${count > 1 ? 's' : ''}):`);
    return lines.map((line) => line.replace(/^ {2}/, ''));
  }
  assert.fail(`expected ${JSON.stringify(text)} to be refused`);
}

describe('parseConfig: valid files', () => {
  const cases: [string, string, unknown][] = [
    ['empty text', '', DEFAULTS],
    ['only a comment', '# nothing set yet\n', DEFAULTS],
    ['a null document', '~\n', DEFAULTS],
    ['engine host', 'engine:\n  host: ssh://me@box\n', { ...DEFAULTS, engine: { host: 'ssh://me@box' } }],
    ['engine context', 'engine:\n  context: prod\n', { ...DEFAULTS, engine: { context: 'prod' } }],
    ['empty engine section', 'engine: {}\n', { ...DEFAULTS, engine: {} }],
    [
      'size concurrency',
      'inventory:\n  sizeConcurrency: 64\n',
      { ...DEFAULTS, inventory: { sizeConcurrency: 64 } },
    ],
    [
      'protect labels',
      'prune:\n  protectLabels:\n    - keep\n    - tier=prod\n',
      { ...DEFAULTS, prune: { protectLabels: ['keep', 'tier=prod'] } },
    ],
  ];
  for (const [name, text, expected] of cases) {
    test(name, () => assert.deepEqual(parseConfig(text, FILE), expected));
  }

  test('the schema defaults are DEFAULT_CONFIG, which is used when there is no file', () => {
    assert.deepEqual(parseConfig('', FILE), DEFAULT_CONFIG);
  });
});

describe('parseConfig: invalid files', () => {
  const cases: [string, string, string[]][] = [
    ['unknown top-level key', 'engines:\n  host: x\n', [`${FILE}:1: engines: unknown key`]],
    [
      'unknown nested key',
      'inventory:\n  sizeConcurency: 4\n',
      [`${FILE}:2: inventory.sizeConcurency: unknown key`],
    ],
    [
      'several unknown keys in one section',
      'engine:\n  host: a\n  hots: b\n  contxt: c\n',
      [`${FILE}:3: engine.hots: unknown key`, `${FILE}:4: engine.contxt: unknown key`],
    ],
    [
      'host and context together',
      'engine:\n  host: a\n  context: b\n',
      [`${FILE}:2: engine: set either host or context, not both`],
    ],
    [
      'empty host',
      'engine:\n  host: ""\n',
      [`${FILE}:2: engine.host: Too small: expected string to have >=1 characters`],
    ],
    [
      'concurrency below 1',
      'inventory:\n  sizeConcurrency: 0\n',
      [`${FILE}:2: inventory.sizeConcurrency: Too small: expected number to be >=1`],
    ],
    [
      'concurrency above 64',
      'inventory:\n  sizeConcurrency: 65\n',
      [`${FILE}:2: inventory.sizeConcurrency: Too big: expected number to be <=64`],
    ],
    [
      'fractional concurrency',
      'inventory:\n  sizeConcurrency: 2.5\n',
      [`${FILE}:2: inventory.sizeConcurrency: Invalid input: expected int, received number`],
    ],
    [
      'quoted number',
      'inventory:\n  sizeConcurrency: "4"\n',
      [`${FILE}:2: inventory.sizeConcurrency: Invalid input: expected number, received string`],
    ],
    [
      'section that is not a map',
      'inventory: 3\n',
      [`${FILE}:1: inventory: Invalid input: expected object, received number`],
    ],
    [
      'labels that are not a list',
      'prune:\n  protectLabels: keep\n',
      [`${FILE}:2: prune.protectLabels: Invalid input: expected array, received string`],
    ],
    [
      'a list at the top',
      '- 1\n- 2\n',
      [`${FILE}:1: (top level): Invalid input: expected object, received array`],
    ],
    [
      'plain text',
      'just some text',
      [`${FILE}:1: (top level): Invalid input: expected object, received string`],
    ],
    // YAML syntax errors stop before the schema, and carry their own line.
    [
      'unclosed flow sequence',
      'engine: [\n',
      [`${FILE}:2: Flow sequence in block collection must be sufficiently indented and end with a ]`],
    ],
    ['duplicate key', 'engine:\n  host: a\nengine:\n  host: b\n', [`${FILE}:3: Map keys must be unique`]],
    [
      'bad indentation',
      'engine:\n  host: a\n context: b\n',
      [`${FILE}:3: All mapping items must start at the same column`],
    ],
    ['tab indentation', 'engine:\n\tcontext: x\n', [`${FILE}:2: Tabs are not allowed as indentation`]],
    [
      'two documents',
      'engine:\n  host: a\n---\nfoo: 1\n',
      [`${FILE}:3: Source contains multiple documents; please use YAML.parseAllDocuments()`],
    ],
  ];
  for (const [name, text, expected] of cases) {
    test(name, () => assert.deepEqual(problems(text), expected));
  }

  test('every schema problem is listed at once, each with its line and key path', () => {
    const text = [
      'inventory:', //             1
      '  sizeConcurrency: 0', //   2
      'prune:', //                 3
      '  protectLabels: [1, ""]', // 4
      'engine:', //                5
      '  hots: x', //              6
      'colour: blue', //           7
    ].join('\n');
    assert.deepEqual(
      problems(text).sort(),
      [
        `${FILE}:2: inventory.sizeConcurrency: Too small: expected number to be >=1`,
        `${FILE}:4: prune.protectLabels.0: Invalid input: expected string, received number`,
        `${FILE}:4: prune.protectLabels.1: Too small: expected string to have >=1 characters`,
        `${FILE}:6: engine.hots: unknown key`,
        `${FILE}:7: colour: unknown key`,
      ].sort(),
    );
  });

  test('every YAML problem is listed at once', () => {
    assert.deepEqual(problems('a: 1\na: 2\nb: 1\nb: 2\n'), [
      `${FILE}:2: Map keys must be unique`,
      `${FILE}:4: Map keys must be unique`,
    ]);
  });
});

describe('parseConfig: api.allowedHosts', () => {
  test('host names are kept; a port, a scheme or a space is refused with its line', () => {
    const config = parseConfig('api:\n  allowedHosts: [stowage.example.com, 192.0.2.7]\n', 'c.yaml');
    assert.deepEqual(config.api.allowedHosts, ['stowage.example.com', '192.0.2.7']);
    for (const bad of ['stowage.example.com:7780', 'https://stowage.example.com', 'two words']) {
      assert.throws(
        () => parseConfig(`api:\n  allowedHosts:\n    - ${JSON.stringify(bad)}\n`, 'c.yaml'),
        (error: Error) => /c\.yaml:3: api\.allowedHosts\.0: expected a host name/.test(error.message),
        bad,
      );
    }
  });
});
