/**
 * age's payload: the STREAM construction over ChaCha20-Poly1305 (age spec, "Payload"). The plaintext is cut
 * into 64 KiB blocks, each sealed under the payload key with a 12-byte nonce of an 11-byte big-endian block
 * counter and a last-block flag, so blocks cannot be reordered, dropped or cut off unnoticed.
 *
 * typage implements this too, but over WHATWG streams and a pure-JavaScript cipher (about 120 MB/s here);
 * node:crypto's native ChaCha20-Poly1305 runs at about 1.2 GB/s, which matters on a backup's hot path.
 * typage still does everything that involves keys: recipient stanzas, the header and its MAC.
 */
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';

export const BLOCK = 64 * 1024;
const TAG = 16;
export const BLOCK_ON_DISK = BLOCK + TAG;
/** The random nonce between the header and the first block, from which the payload key is derived. */
export const PAYLOAD_NONCE = 16;

/** The payload key: HKDF-SHA-256(ikm = file key, salt = payload nonce, info = "payload"). */
export function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', fileKey, nonce, 'payload', 32));
}

function blockNonce(counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUIntBE(counter, 5, 6); // 11-byte counter; 2^48 blocks (16 EiB) is beyond any file
  nonce[11] = last ? 1 : 0;
  return nonce;
}

function seal(key: Buffer, counter: number, last: boolean, block: Buffer): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, blockNonce(counter, last), { authTagLength: TAG });
  return Buffer.concat([cipher.update(block), cipher.final(), cipher.getAuthTag()]);
}

function open(key: Buffer, counter: number, last: boolean, sealed: Buffer): Buffer | undefined {
  if (sealed.length < TAG) return undefined;
  const decipher = createDecipheriv('chacha20-poly1305', key, blockNonce(counter, last), {
    authTagLength: TAG,
  });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/**
 * Collects `source` into pieces of exactly `size` bytes, holding back one full piece until it is known
 * whether more follows (age marks the last block, which may be full). Yields [piece, isLast].
 */
async function* blocks(source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<[Buffer, boolean]> {
  let held: Buffer[] = [];
  let heldBytes = 0;
  for await (const chunk of source) {
    let rest = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (rest.length > 0) {
      if (heldBytes === size) {
        yield [Buffer.concat(held), false]; // more data follows: not the last block
        held = [];
        heldBytes = 0;
      }
      const take = Math.min(size - heldBytes, rest.length);
      held.push(rest.subarray(0, take));
      heldBytes += take;
      rest = rest.subarray(take);
    }
  }
  yield [Buffer.concat(held), true];
}

/** Seals `plaintext` block by block; an empty input is one empty last block, as age writes it. */
export async function* encryptPayload(
  plaintext: AsyncIterable<Uint8Array>,
  key: Buffer,
): AsyncGenerator<Buffer> {
  let counter = 0;
  for await (const [block, last] of blocks(plaintext, BLOCK)) yield seal(key, counter++, last, block);
}

/** A block that did not authenticate: `index` counts from the first block of the payload. */
export class DamagedBlock extends Error {
  readonly index: number;

  constructor(index: number, why: string) {
    super(why);
    this.index = index;
  }
}

/**
 * Opens `ciphertext` block by block, yielding each block's plaintext once it authenticates.
 * @throws DamagedBlock at the first block that does not (altered, truncated, or extended).
 */
export async function* decryptPayload(
  ciphertext: AsyncIterable<Uint8Array>,
  key: Buffer,
): AsyncGenerator<Buffer> {
  let counter = 0;
  for await (const [sealed, last] of blocks(ciphertext, BLOCK_ON_DISK)) {
    if (last && sealed.length === TAG && counter > 0) {
      throw new DamagedBlock(counter, 'an empty last block may only be the first one');
    }
    const block = open(key, counter, last, sealed);
    if (!block) throw new DamagedBlock(counter, 'the block does not authenticate');
    counter++;
    yield block;
  }
}
