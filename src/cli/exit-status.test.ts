import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import type { Severity } from '../doctor/contract.ts';
import { doctorExitCode } from './commands/doctor.ts';
import { EXIT } from './exit-codes.ts';
import { ExitStatus, RESULT_EXIT } from './exit-status.ts';
import { runCli } from './run-cli.ts';

async function run(main: () => Promise<void>): Promise<{ code: number; stderr: string }> {
  const chunks: string[] = [];
  const stderr = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { code: await runCli(main, stderr), stderr: chunks.join('') };
}

describe('ExitStatus', () => {
  test('result codes are distinct from every error code', () => {
    const errors = new Set<number>(Object.values(EXIT));
    for (const code of Object.values(RESULT_EXIT)) assert.ok(!errors.has(code), `${code} is an error code`);
    assert.deepEqual({ ...RESULT_EXIT }, { warnings: 10, critical: 11 });
  });

  for (const code of Object.values(RESULT_EXIT)) {
    test(`runCli returns ${code} and prints nothing more`, async () => {
      const result = await run(async () => {
        await Promise.resolve();
        throw new ExitStatus(code, 'doctor: 1 critical, 0 warnings, 0 info');
      });
      assert.deepEqual(result, { code, stderr: '' });
    });
  }
});

describe('doctorExitCode', () => {
  const cases: [Severity | undefined, number][] = [
    [undefined, 0],
    ['info', 0],
    ['warning', 10],
    ['critical', 11],
  ];
  for (const [worst, code] of cases) {
    test(`worst finding ${worst ?? 'none'} → ${code}`, () => assert.equal(doctorExitCode(worst), code));
  }
});
