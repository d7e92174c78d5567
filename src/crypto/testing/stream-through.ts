/**
 * A child process for the memory test: pushes SIZE_MB of generated data through age encryption and back
 * through decryption in one pipeline, sampling RSS as it goes, and prints one JSON line with the result.
 * A separate process, so the parent's test runner and other tests do not blur the measurement.
 */
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { createEncryptStream, openDecryptStream } from '../age-stream.ts';
import { DecryptionKeys } from '../decryption-keys.ts';
import { EncryptionKeys, parseRecipient } from '../encryption-keys.ts';

const MB = 1024 * 1024;
const total = Number(process.env.SIZE_MB ?? 512) * MB;
const identity = await generateIdentity();
const encryption = new EncryptionKeys([parseRecipient(await identityToRecipient(identity))]);
const decryption = new DecryptionKeys([{ kind: 'X25519', identity }]);

const rss = () => process.memoryUsage().rss;
const start = rss();
let peak = start;

/** Fresh buffers, as a file or socket would hand them over (a reused buffer would hide retention). */
function* generated(): Generator<Buffer> {
  for (let sent = 0; sent < total; sent += MB) {
    const chunk = Buffer.allocUnsafe(Math.min(MB, total - sent));
    chunk.fill(sent / MB);
    yield chunk;
  }
}

const sent = createHash('sha256');
const source = Readable.from(
  (function* () {
    for (const chunk of generated()) {
      sent.update(chunk);
      yield chunk;
    }
  })(),
);
const encrypted = source.pipe(createEncryptStream(encryption));
const plaintext = await openDecryptStream(encrypted, decryption, 'the stream');
const received = createHash('sha256');
let bytes = 0;
await pipeline(
  plaintext,
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      received.update(chunk);
      bytes += chunk.length;
      if (bytes % (16 * MB) < chunk.length) peak = Math.max(peak, rss());
      done();
    },
  }),
);
peak = Math.max(peak, rss());
console.log(
  JSON.stringify({
    bytes,
    same: sent.digest('hex') === received.digest('hex'),
    startMB: Math.round(start / MB),
    peakMB: Math.round(peak / MB),
  }),
);
