import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { CommanderError } from 'commander';
import { conflict, invalid, notFound, StowageError, type ErrorKind } from '../core/errors.ts';
import { Interrupted } from './interrupt.ts';
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

  test("a system error on a path is the user's mistake: the path, a hint, its exit code, no stack", async () => {
    const cases: [NodeJS.ErrnoException, number, RegExp][] = [
      [
        Object.assign(new Error("ENOTDIR: not a directory, mkdir '/tmp/f/x'"), {
          code: 'ENOTDIR',
          syscall: 'mkdir',
          path: '/tmp/f/x',
        }),
        2,
        /^stowage: cannot create the folder \/tmp\/f\/x: \/tmp\/f\/x: a part of this path is a file, not a folder\n {2}hint: /,
      ],
      [
        Object.assign(new Error("ENOENT: no such file or directory, scandir '/nope'"), {
          code: 'ENOENT',
          syscall: 'scandir',
          path: '/nope',
        }),
        3,
        /^stowage: cannot read the folder \/nope: \/nope does not exist\n {2}hint: /,
      ],
      [
        Object.assign(new Error("EACCES: permission denied, open '/root/x'"), {
          code: 'EACCES',
          syscall: 'open',
          path: '/root/x',
        }),
        1,
        /^stowage: cannot open \/root\/x: permission denied on \/root\/x\n {2}hint: /,
      ],
      [
        Object.assign(new Error('EISDIR: illegal operation on a directory, read'), {
          code: 'EISDIR',
          syscall: 'read',
          path: '/tmp',
        }),
        2,
        /^stowage: cannot read \/tmp: \/tmp is a folder, not a file\n/,
      ],
      [
        Object.assign(new Error('ENOSPC: no space left on device, write'), {
          code: 'ENOSPC',
          syscall: 'write',
          path: '/backups/a',
        }),
        1,
        /no space left on the device of \/backups\/a/,
      ],
      [
        Object.assign(new Error('EROFS: read-only file system'), {
          code: 'EROFS',
          syscall: 'open',
          path: '/ro/a',
        }),
        1,
        /\/ro\/a is on a read-only file system/,
      ],
      [
        Object.assign(new Error('EEXIST: file already exists'), {
          code: 'EEXIST',
          syscall: 'mkdir',
          path: '/x',
        }),
        4,
        /\/x already exists/,
      ],
    ];
    cases.push([
      Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:7780'), {
        code: 'EADDRINUSE',
        syscall: 'listen',
        address: '127.0.0.1',
        port: 7780,
      }),
      4,
      /^stowage: cannot listen on 127\.0\.0\.1:7780: 127\.0\.0\.1:7780 is already in use by another process\n/,
    ]);
    // A stream that hit a full disk does not say which file: still the user's to fix, still no stack.
    cases.push([
      Object.assign(new Error('ENOSPC: no space left on device, write'), {
        code: 'ENOSPC',
        syscall: 'write',
      }),
      1,
      /^stowage: cannot write: no space left on the disk\n {2}hint: free some space/,
    ]);
    for (const [error, code, message] of cases) {
      const result = await run(failWith(error));
      assert.equal(result.code, code, error.code);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at |unexpected error/);
    }
  });

  test('an interrupt ends with 128 + the signal number: 130 for Ctrl-C, 143 for SIGTERM', async () => {
    assert.deepEqual(await run(failWith(new Interrupted('SIGINT', 'interrupted by SIGINT; cleaned up'))), {
      code: 130,
      stderr: 'stowage: interrupted by SIGINT; cleaned up\n',
    });
    assert.equal((await run(failWith(new Interrupted('SIGTERM')))).code, 143);
  });

  test('control characters in an error message are escaped', async () => {
    const result = await run(failWith(notFound('no such volume: "a\x1b]0;x\x07"')));
    assert.equal(result.stderr, 'stowage: no such volume: "a\\x1b]0;x\\x07"\n');
  });
});
