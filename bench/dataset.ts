/**
 * A reproducible synthetic volume for the backup benchmarks, written to a host folder: many small text
 * files (pseudo-random words, 1–20 kB, in folders of 100) and a few large incompressible files. Everything
 * (names, sizes, contents, modification times) follows from the seed, so two runs archive the same bytes.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, utimesSync, writeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DatasetSpec {
  seed: number;
  /** Bytes of text, in small files of `minFile`–`maxFile` bytes (uniform). */
  textBytes: number;
  /** Bytes of random (incompressible) data, split evenly over `largeFiles` files. */
  randomBytes: number;
  largeFiles: number;
  minFile?: number;
  maxFile?: number;
}

export interface DatasetSummary {
  files: number;
  directories: number;
  /** Data bytes of all files (what MB/s figures are computed from). */
  bytes: number;
  textBytes: number;
  randomBytes: number;
}

/** Every file and folder gets this modification time, so the tar of the dataset is reproducible too. */
const MTIME = new Date('2025-01-01T00:00:00Z');
const FILES_PER_FOLDER = 100;

/** sfc32: small, fast, good enough for picking words and sizes; seeded, so reproducible. */
function prng(seed: number): () => number {
  let a = 0x9e3779b9,
    b = 0x243f6a88,
    c = 0xb7e15162,
    d = seed >>> 0;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

/** A vocabulary of 4,000 lowercase words, flattened into one byte array (`bytes`, `start`, `length`). */
function vocabulary(next: () => number) {
  const words = Array.from({ length: 4000 }, () =>
    Array.from({ length: 2 + (next() % 10) }, () => String.fromCharCode(97 + (next() % 26))).join(''),
  );
  const bytes = Buffer.from(words.join(''), 'latin1');
  const start = new Uint32Array(words.length);
  const length = new Uint8Array(words.length);
  let offset = 0;
  words.forEach((word, i) => {
    start[i] = offset;
    length[i] = word.length;
    offset += word.length;
  });
  return { bytes, start, length, count: words.length };
}

/**
 * Fills `out` with lines of 4–15 words. Word choice is skewed (a few words are common, most rare), as in
 * real text, so that it compresses like text (about 3× with gzip) rather than like a repeated pool.
 */
function fillText(out: Buffer, next: () => number, vocab: ReturnType<typeof vocabulary>): void {
  let o = 0;
  let wordsLeft = 0;
  while (o < out.length) {
    if (wordsLeft === 0) {
      wordsLeft = 4 + (next() % 12);
      if (o > 0) out[o - 1] = 10; // the space after the line's last word becomes a newline
    }
    const u = next() / 0x1_0000_0000;
    const word = Math.floor(u * u * u * vocab.count);
    const start = vocab.start[word]!;
    const end = Math.min(start + vocab.length[word]!, start + out.length - o);
    for (let i = start; i < end; i++) out[o++] = vocab.bytes[i]!;
    if (o < out.length) out[o++] = 32;
    wordsLeft -= 1;
  }
}

/** Incompressible and reproducible: the AES-256-CTR keystream of a key derived from the seed and file. */
function writeRandomFile(path: string, name: string, bytes: number, seed: number): void {
  const key = createHash('sha256').update(`stowage-bench:${seed}:${name}`).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(4 * 1024 * 1024);
  const fd = openSync(path, 'w');
  try {
    for (let left = bytes; left > 0; left -= zeros.length)
      writeSync(fd, cipher.update(zeros.subarray(0, Math.min(left, zeros.length))));
  } finally {
    closeSync(fd);
  }
}

/** Writes the dataset into `dir` (which must exist and be empty) and says what it wrote. */
export function generateDataset(dir: string, spec: DatasetSpec): DatasetSummary {
  const next = prng(spec.seed);
  const vocab = vocabulary(next);
  const minFile = spec.minFile ?? 1000;
  const maxFile = spec.maxFile ?? 20_000;
  const folders: string[] = [];
  const buffer = Buffer.alloc(maxFile);
  let textBytes = 0;
  let files = 0;
  while (textBytes < spec.textBytes) {
    if (files % FILES_PER_FOLDER === 0) {
      folders.push(join(dir, 'text', `d${String(files / FILES_PER_FOLDER).padStart(4, '0')}`));
      mkdirSync(folders.at(-1)!, { recursive: true });
    }
    const size = minFile + (next() % (maxFile - minFile + 1));
    const content = buffer.subarray(0, size);
    fillText(content, next, vocab);
    const path = join(folders.at(-1)!, `f${String(files).padStart(6, '0')}.txt`);
    writeFileSync(path, content);
    utimesSync(path, MTIME, MTIME);
    textBytes += size;
    files += 1;
  }
  const large = join(dir, 'large');
  mkdirSync(large);
  folders.push(join(dir, 'text'), large, dir);
  const each = Math.ceil(spec.randomBytes / spec.largeFiles);
  for (let i = 0; i < spec.largeFiles; i++) {
    const path = join(large, `blob${i}.bin`);
    writeRandomFile(path, `large/blob${i}.bin`, each, spec.seed);
    utimesSync(path, MTIME, MTIME);
  }
  // Folders last: adding files changed their times.
  for (const folder of folders) utimesSync(folder, MTIME, MTIME);
  const randomBytes = each * spec.largeFiles;
  return {
    files: files + spec.largeFiles,
    directories: folders.length,
    bytes: textBytes + randomBytes,
    textBytes,
    randomBytes,
  };
}
