/**
 * The engine's multiplexed output (exec and logs without a TTY): frames of an 8-byte header — stream
 * (1 stdout, 2 stderr), three zero bytes, a big-endian length — then that many bytes.
 */
import type { Readable } from 'node:stream';

export async function demultiplex(stream: Readable): Promise<{ stdout: string; stderr: string }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let pending = Buffer.alloc(0);
  for await (const chunk of stream) {
    pending = Buffer.concat([pending, chunk as Buffer]);
    while (pending.length >= 8) {
      const length = pending.readUInt32BE(4);
      if (pending.length < 8 + length) break;
      (pending[0] === 2 ? err : out).push(pending.subarray(8, 8 + length));
      pending = pending.subarray(8 + length);
    }
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
