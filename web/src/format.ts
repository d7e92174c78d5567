/** Sizes, dates and spans as people read them; the same decimal units as the CLI. */
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return 'n/a';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

export function formatSpan(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

/** "3 h ago" / "in 5 min", with the exact time in a title for the curious. */
export function relative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const delta = Date.parse(iso) - now;
  if (Math.abs(delta) < 60_000) return 'just now';
  return delta < 0 ? `${formatSpan(-delta)} ago` : `in ${formatSpan(delta)}`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function formatMoney(value: number | null | undefined): string {
  return value === null || value === undefined ? 'n/a' : `$${value.toFixed(2)}`;
}

export const shortName = (name: string): string => (name.length > 24 ? `${name.slice(0, 12)}…` : name);

/** "1 file", "2 files": the CLI's rule (src/core/terminal-text.ts), repeated here since web/ imports nothing from src/. */
export function plural(count: number, singular: string, irregular?: string): string {
  return `${count} ${count === 1 ? singular : (irregular ?? `${singular}s`)}`;
}
