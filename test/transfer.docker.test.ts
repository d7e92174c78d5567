/** `stowage transfer` between two private engines started side by side: streamed, then verified. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { buildBusyboxImage, startPrivateEngine, type PrivateEngine } from '../scripts/private-engine.ts';
import { dockerOk, engineAvailable, IMAGE, SKIP_REASON, TestSession } from './support/engine.ts';

describe('transfer to a second engine', { skip: !engineAvailable() && SKIP_REASON, timeout: 300_000 }, () => {
  const s = new TestSession();
  let other: PrivateEngine;
  const onOther = (...args: string[]) => {
    const result = spawnSync('docker', args, { env: other.env, encoding: 'utf8' });
    return { status: result.status ?? 1, stdout: result.stdout.trim(), stderr: result.stderr };
  };

  before(async () => {
    other = await startPrivateEngine();
    buildBusyboxImage(other.env);
    s.volume(`data-${s.id}`);
    dockerOk(
      'run',
      '--rm',
      '-v',
      `data-${s.id}:/d`,
      IMAGE,
      'sh',
      '-c',
      'mkdir -p /d/x && head -c 2000000 /dev/urandom > /d/x/blob && echo hi > /d/note && ln -s note /d/link',
    );
  });
  after(async () => {
    s.cleanup();
    await other.stop();
  });

  test('the volume arrives whole on the other engine, and the source stays', () => {
    const result = s.stowage(['transfer', `data-${s.id}`, '--to-host', other.host, '--json']);
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { files: number; destination: string; verified: boolean };
    assert.equal(report.files, 2);
    assert.equal(report.verified, true);
    const read = (run: (...a: string[]) => string) =>
      run(
        'run',
        '--rm',
        '-v',
        `data-${s.id}:/d:ro`,
        IMAGE,
        'sh',
        '-c',
        'cd /d && md5sum x/blob note && readlink link',
      );
    assert.equal(
      read((...a) => onOther(...a).stdout),
      read(dockerOk),
    );
    assert.equal(
      onOther('ps', '-aq', '--filter', 'label=stowage.helper').stdout,
      '',
      'no helper left on the destination',
    );
  });

  test('a name that exists on the destination is refused and nothing is overwritten', () => {
    const result = s.stowage(['transfer', `data-${s.id}`, '--to-host', other.host]);
    assert.equal(result.status, 4);
    assert.match(
      result.stderr,
      new RegExp(`volume data-${s.id} already exists on ${other.host.replace(/\//g, '\\/')}`),
    );
  });

  test('an unreachable destination is a clear error', () => {
    const result = s.stowage(['transfer', `data-${s.id}`, '--to-host', 'unix:///nonexistent.sock']);
    assert.equal(result.status, 5);
    assert.match(result.stderr, /no engine is listening at unix:\/\/\/nonexistent.sock/);
  });
});
