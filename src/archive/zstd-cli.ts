/**
 * The `zstd` command as a compressor, for hosts where it beats node:zlib: it compresses on several threads
 * (`-T`), which node:zlib cannot do safely (see compression.ts). Its output is ordinary zstd frames.
 */
import { spawn, spawnSync } from 'node:child_process';
import { Duplex, PassThrough } from 'node:stream';
import { StowageError } from '../core/errors.ts';

let available: boolean | undefined;

/** Whether a `zstd` executable answers on PATH; probed once per process. */
export function zstdCliAvailable(): boolean {
  if (available === undefined) {
    const probe = spawnSync('zstd', ['--version'], { stdio: 'ignore', timeout: 5000 });
    available = probe.status === 0;
  }
  return available;
}

/**
 * Spawns `zstd -T<threads> -<level>` as a Duplex: uncompressed bytes in, zstd frames out. The readable side
 * errors with `failed` when the process exits non-zero, so a broken compressor never yields a short archive.
 */
export function createZstdCliCompressor(level: number, threads: number): Duplex {
  const child = spawn('zstd', ['-q', '-c', `-${level}`, `-T${threads}`], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output = new PassThrough({ highWaterMark: 1024 * 1024 });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    if (stderr.length < 4096) stderr += text;
  });
  child.stdout.pipe(output, { end: false });
  const fail = (message: string, cause?: unknown) =>
    output.destroy(new StowageError('failed', `zstd compressor ${message}`, { cause }));
  child.on('error', (error) => fail(`could not run: ${error.message}`, error));
  child.on('close', (code, signal) => {
    if (code === 0) output.end();
    else fail(`exited with ${code ?? signal}: ${stderr.trim()}`);
  });
  const duplex = Duplex.from({ writable: child.stdin, readable: output });
  // Whoever abandons the pipeline must not leave the process running.
  duplex.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  });
  return duplex;
}
