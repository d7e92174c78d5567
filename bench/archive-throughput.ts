/**
 * Throughput of the archive writer (engine tar → Stowage archive) on a synthetic ~300 MB volume: thousands
 * of small text files plus a few large files, half of the bytes random. Prints MB/s of uncompressed input
 * for each compressor, and the seed's method (`tar czf`) on the same tree as the baseline.
 *
 *   node bench/archive-throughput.ts [--mb 300] [--runs 5] [--no-tar-baseline]
 *
 * Target: backup with zstd at least 5× `tar czf` (≥ 140 MB/s on a 2-core machine). Measured on an idle
 * 2-core VM (Node 24.21, zstd 1.5.4): default writer 237 MB/s (6.8× `tar czf` at 35 MB/s), one node:zlib
 * stream 188, `zstd -T2` child 217, gzip on 2 workers 84. Rows are interleaved and the median is printed,
 * since a shared machine moves the figures; CPU seconds show the cost independently of that.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { median } from './support.ts';
import { writeArchive } from '../src/archive/archive-writer.ts';
import type { WriteArchiveOptions } from '../src/archive/archive-writer.ts';
import { zstdCliAvailable } from '../src/archive/zstd-cli.ts';
import { END_OF_ARCHIVE, encodeHeader, padding } from '../src/archive/tar-header.ts';
import type { EntryType } from '../src/archive/tar-header.ts';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '300' },
    runs: { type: 'string', default: '5' },
    'no-tar-baseline': { type: 'boolean', default: false },
  },
});
const targetBytes = Number(values.mb) * 1e6;
const runs = Number(values.runs);

/** Deterministic pseudo-random words, so text compresses like text and runs are comparable. */
function textGenerator(seed: number): (bytes: number) => Buffer {
  let state = seed;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const words = Array.from({ length: 2000 }, () => {
    const length = 2 + (next() % 9);
    return Array.from({ length }, () => String.fromCharCode(97 + (next() % 26))).join('');
  });
  return (bytes) => {
    const parts: string[] = [];
    let length = 0;
    while (length < bytes) {
      const line = `${new Date(1_700_000_000_000 + next()).toISOString()} ${Array.from({ length: 4 + (next() % 12) }, () => words[next() % words.length]).join(' ')}\n`;
      parts.push(line);
      length += line.length;
    }
    return Buffer.from(parts.join('').slice(0, bytes));
  };
}

function header(name: string, type: EntryType, size: number): Buffer {
  return encodeHeader({
    name,
    type,
    mode: type === 'directory' ? 0o755 : 0o644,
    uid: 999,
    gid: 999,
    uname: 'app',
    gname: 'app',
    size,
    mtime: 1_700_000_000,
    linkname: '',
    devmajor: 0,
    devminor: 0,
    pax: undefined,
  });
}

/** The synthetic engine tar as a list of buffers, named as the engine names them for `path=/v`. */
function buildVolumeTar(): { chunks: Buffer[]; bytes: number; files: number } {
  const text = textGenerator(42);
  const chunks: Buffer[] = [header('v/', 'directory', 0)];
  let files = 0;
  const addFile = (name: string, data: Buffer) => {
    chunks.push(header(name, 'file', data.length), data, Buffer.alloc(padding(data.length)));
    files += 1;
  };
  // A quarter of the bytes: small text files (0.5-8 KB) in directories of 100.
  const smallBudget = targetBytes / 4;
  const textPool = text(8 * 1024 * 1024);
  let small = 0;
  for (let i = 0; small < smallBudget; i += 1) {
    if (i % 100 === 0) chunks.push(header(`v/d${i / 100}/`, 'directory', 0));
    const size = 512 + ((i * 7919) % 7680);
    const start = (i * 104729) % (textPool.length - size);
    addFile(`v/d${Math.floor(i / 100)}/f${i}.txt`, textPool.subarray(start, start + size));
    small += size;
  }
  // A quarter: two large text files (logs); half: three large random files (media, compressed data).
  chunks.push(header('v/big/', 'directory', 0));
  for (let i = 0; i < 2; i += 1) addFile(`v/big/log${i}.txt`, text(targetBytes / 8));
  for (let i = 0; i < 3; i += 1) addFile(`v/big/blob${i}.bin`, randomBytes(Math.round(targetBytes / 6)));
  chunks.push(END_OF_ARCHIVE);
  return { chunks, bytes: chunks.reduce((sum, chunk) => sum + chunk.length, 0), files };
}

/** Replays the tar in 64 KiB chunks, as an HTTP response would deliver it. */
function engineStream(chunks: Buffer[]): Readable {
  return Readable.from(
    (function* () {
      for (const chunk of chunks) {
        for (let offset = 0; offset < chunk.length; offset += 65536)
          yield chunk.subarray(offset, offset + 65536);
      }
    })(),
  );
}

function discard(): Writable & { bytes: number } {
  const sink = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        sink.bytes += chunk.length;
        callback();
      },
    }),
    { bytes: 0 },
  );
  return sink;
}

const volume = { name: 'bench', driver: 'local', options: {}, labels: {} };

/** One run; CPU time counts this process and its children (the zstd command). */
async function timeWriter(
  chunks: Buffer[],
  bytes: number,
  options: Partial<WriteArchiveOptions>,
): Promise<{ mbps: number; ratio: number; cpuSeconds: number }> {
  const sink = discard();
  const cpu = process.cpuUsage();
  const children = childCpuSeconds();
  const start = performance.now();
  await writeArchive(engineStream(chunks), sink, {
    volume,
    toolVersion: 'bench',
    fileList: discard(),
    ...options,
  });
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    mbps: bytes / 1e6 / seconds,
    ratio: sink.bytes / bytes,
    cpuSeconds: (used.user + used.system) / 1e6 + childCpuSeconds() - children,
  };
}

function childCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  // Fields 16 and 17 of stat(5), cutime and cstime: CPU of waited-for children, in clock ticks (100/s).
  return (Number(fields[13] ?? 0) + Number(fields[14] ?? 0)) / 100;
}

/** The seed's method on the same tree: `tar czf - -C dir .` (GNU tar + gzip -6). */
async function timeTarCzf(chunks: Buffer[], bytes: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-bench-'));
  try {
    const untar = spawn('tar', ['xf', '-', '-C', dir], { stdio: ['pipe', 'inherit', 'inherit'] });
    await pipeline(engineStream(chunks), untar.stdin);
    await new Promise((resolve) => untar.on('close', resolve));
    const start = performance.now();
    const tar = spawn('tar', ['czf', '-', '-C', join(dir, 'v'), '.'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await pipeline(tar.stdout, discard());
    return bytes / 1e6 / ((performance.now() - start) / 1000);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const generated = performance.now();
const { chunks, bytes, files } = buildVolumeTar();
console.log(
  `synthetic volume: ${(bytes / 1e6).toFixed(0)} MB tar, ${files} files ` +
    `(generated in ${((performance.now() - generated) / 1000).toFixed(1)} s); ` +
    `${(await import('node:os')).availableParallelism()} CPUs, Node ${process.version}`,
);

const rows: [string, Partial<WriteArchiveOptions>][] = [
  ['no compression (tar rewrite + hashes)', { compression: 'none' }],
  ['zstd -3, node:zlib on 2 workers (default)', { compression: 'zstd', compressor: 'workers', threads: 2 }],
  ['zstd -3, one node:zlib stream', { compression: 'zstd', compressor: 'stream' }],
];
if (zstdCliAvailable()) {
  rows.push([
    'zstd -3, `zstd -T2` child process',
    { compression: 'zstd', compressor: 'zstd-cli', threads: 2 },
  ]);
  rows.push([
    'zstd -3, `zstd -T1` child process',
    { compression: 'zstd', compressor: 'zstd-cli', threads: 1 },
  ]);
} else {
  console.log('zstd command not installed: skipping the `zstd -T2` rows (apt-get install zstd)');
}
rows.push(['gzip -6, node:zlib on 2 workers', { compression: 'gzip', compressor: 'workers', threads: 2 }]);
rows.push(['gzip -6, one node:zlib stream', { compression: 'gzip', compressor: 'stream' }]);

// Interleaved rounds, median per row: the figures hold up on a machine that is busy with other work.
const samples = new Map<string, { mbps: number[]; cpu: number[]; ratio: number }>();
for (let round = 0; round < runs; round += 1) {
  for (const [label, options] of round % 2 === 0 ? rows : [...rows].reverse()) {
    const result = await timeWriter(chunks, bytes, options);
    const entry = samples.get(label) ?? { mbps: [], cpu: [], ratio: result.ratio };
    entry.mbps.push(result.mbps);
    entry.cpu.push(result.cpuSeconds);
    samples.set(label, entry);
  }
}
const results: Record<string, number> = {};
console.log(`${'writer (engine tar → archive)'.padEnd(46)}  MB/s (best)  CPU s  ratio   (median of ${runs})`);
for (const [label] of rows) {
  const { mbps, cpu, ratio } = samples.get(label)!;
  results[label] = median(mbps);
  const best = `(${Math.max(...mbps).toFixed(0)})`.padStart(6);
  console.log(
    `${label.padEnd(46)} ${median(mbps).toFixed(0).padStart(5)} ${best}  ${median(cpu).toFixed(2).padStart(5)}  ${ratio.toFixed(3)}`,
  );
}
console.log(
  'CPU s: this process and its children per run; on 2 idle cores a run cannot take less than CPU s / 2.',
);
console.log(
  `load average during the run: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
if (!values['no-tar-baseline']) {
  const tarMbps = await timeTarCzf(chunks, bytes);
  console.log(
    `${'seed: tar czf -C dir . (GNU tar + gzip -6)'.padEnd(48)} ${tarMbps.toFixed(0).padStart(5)} MB/s`,
  );
  for (const [label, mbps] of Object.entries(results)) {
    console.log(`  ${label}: ${(mbps / tarMbps).toFixed(1)}× tar czf`);
  }
}
