import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { CommanderError } from 'commander';
import { conflict, invalid, notFound, StowageError, type ErrorKind } from '../core/errors.ts';
import { runCli } from './run-cli.ts';

function fakeStderr() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

async function run(main: () => Promise<void>): Promise<{ code: number; stderr: string }> {
  const stderr = fakeStderr();
  const code = await runCli(main, stderr.stream);
  return { code, stderr: stderr.text() };
}

const failWith = (error: unknown) => async () => {
  await Promise.resolve();
  throw error;
};

describe('runCli', () => {
  test('success: 0 and nothing on stderr', async () => {
    let ran = false;
    assert.deepEqual(
      await run(async () => {
        await Promise.resolve();
        ran = true;
      }),
      { code: 0, stderr: '' },
    );
    assert.equal(ran, true);
  });

  const userErrors: [string, StowageError, number, string][] = [
    [
      'invalid, with a hint',
      invalid('invalid size "1Q"', 'use a number with an optional unit: 512, 100M, 1.5G, 2T'),
      2,
      'stowage: invalid size "1Q"\n  hint: use a number with an optional unit: 512, 100M, 1.5G, 2T\n',
    ],
    ['not-found, no hint', notFound('no such volume: pg'), 3, 'stowage: no such volume: pg\n'],
    [
      'conflict',
      conflict('create pg: volume already exists'),
      4,
      'stowage: create pg: volume already exists\n',
    ],
    [
      'in-use',
      new StowageError('in-use', 'remove pg: volume is in use - [abc123]'),
      4,
      'stowage: remove pg: volume is in use - [abc123]\n',
    ],
    [
      'unreachable',
      new StowageError(
        'unreachable',
        'cannot list volumes: no engine is listening at unix:///x.sock (from --host)',
        { hint: 'start Docker' },
      ),
      5,
      'stowage: cannot list volumes: no engine is listening at unix:///x.sock (from --host)\n  hint: start Docker\n',
    ],
    [
      'engine',
      new StowageError('engine', 'list volumes: boom (engine answered HTTP 500)'),
      1,
      'stowage: list volumes: boom (engine answered HTTP 500)\n',
    ],
    [
      'failed',
      new StowageError('failed', 'catalog migration 2 (x) failed: disk full'),
      1,
      'stowage: catalog migration 2 (x) failed: disk full\n',
    ],
  ];
  for (const [name, error, code, stderr] of userErrors) {
    test(`StowageError ${name}: one line (plus hint), no stack, exit ${code}`, async () => {
      const result = await run(failWith(error));
      assert.deepEqual(result, { code, stderr });
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    });
  }

  test('a StowageError thrown synchronously is handled the same', async () => {
    const result = await run(() => {
      throw invalid('bad');
    });
    assert.deepEqual(result, { code: 2, stderr: 'stowage: bad\n' });
  });

  test('every kind gives a non-zero code', async () => {
    const kinds: ErrorKind[] = [
      'invalid',
      'not-found',
      'conflict',
      'in-use',
      'unreachable',
      'engine',
      'failed',
    ];
    for (const kind of kinds) {
      const { code } = await run(failWith(new StowageError(kind, 'x')));
      assert.notEqual(code, 0, kind);
    }
  });

  test('an unexpected error keeps its stack, asks for a report and exits 1', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'name')");
    const { code, stderr } = await run(failWith(bug));
    assert.equal(code, 1);
    assert.ok(bug.stack);
    assert.equal(
      stderr,
      `stowage: unexpected error: ${bug.stack}\n  this is a bug in Stowage: please report it with the output above\n`,
    );
    assert.match(stderr, /TypeError: Cannot read properties of undefined \(reading 'name'\)\n\s+at /);
  });

  test('a thrown non-Error value is shown as text', async () => {
    assert.deepEqual(await run(failWith('just a string')), {
      code: 1,
      stderr:
        'stowage: unexpected error: just a string\n  this is a bug in Stowage: please report it with the output above\n',
    });
  });

  const commanderCases: [string, CommanderError, number][] = [
    ['--help and --version exit 0', new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), 0],
    [
      'a usage error exits 2',
      new CommanderError(1, 'commander.unknownOption', "error: unknown option '--nope'"),
      2,
    ],
  ];
  for (const [name, error, code] of commanderCases) {
    test(`Commander: ${name}, printing nothing more`, async () => {
      assert.deepEqual(await run(failWith(error)), { code, stderr: '' });
    });
  }
});
