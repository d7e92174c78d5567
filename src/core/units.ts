/** Human sizes and durations, parsed strictly (a typo is an error, never a silent zero) and formatted. */
import { invalid } from './errors.ts';

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/** `1G`, `500M`, `1.5GiB`, `1024` (bytes). Units are binary, as Docker's `tmpfs-size` and `size=` are. */
export function parseSize(text: string, what = 'size'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const factor = match ? SIZE_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw invalid(`invalid ${what} "${text}"`, 'use a number with an optional unit: 512, 100M, 1.5G, 2T');
  }
  return Math.round(Number(match[1]) * factor);
}

const DURATION_UNITS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/** `30d`, `12h`, `2w`, `90m`, `1y` in milliseconds. */
export function parseDuration(text: string, what = 'duration'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhdwy])\s*$/i.exec(text);
  if (!match) throw invalid(`invalid ${what} "${text}"`, 'use a number and a unit: 90m, 12h, 30d, 2w, 1y');
  return Math.round(Number(match[1]) * DURATION_UNITS[match[2]!.toLowerCase()]!);
}

/** Like `docker system df`: 1.235GB, 340MB, 12kB, 0B (decimal units, four significant digits). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes}B`;
  const units = ['kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  // Round before printing: 999_999 rounds to 1000kB, which reads 1MB. Number() drops trailing zeros of the
  // fraction only (300kB stays 300kB, 1.20GB becomes 1.2GB).
  let rounded = Number(value.toPrecision(4));
  if (rounded >= 1000 && unit < units.length - 1) {
    rounded = Number((rounded / 1000).toPrecision(4));
    unit++;
  }
  return `${rounded}${units[unit]}`;
}

const AGE_STEPS: readonly [number, string][] = [
  [365 * 86400, 'year'],
  [30 * 86400, 'month'],
  [7 * 86400, 'week'],
  [86400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
];

/** `3 days`, `5 minutes`, `2 years`, as Docker's "Created" column reads. */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  for (const [size, name] of AGE_STEPS) {
    const count = Math.floor(seconds / size);
    if (count >= 1) return `${count} ${name}${count > 1 ? 's' : ''}`;
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

/**
 * Orders text by code units (volume names in `ls` follow the docker CLI's natural order instead:
 * `compareVolumeNames` in volume-name.ts). Deliberately not localeCompare: that loads ICU's collator, which
 * costs more start-up time than a whole listing.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
