/** How commands print: aligned columns like the docker CLI, JSON for `--json`, messages on stderr. */
import { escapeControls, escapeControlsInLines, shortVolumeName, truncate } from '../core/terminal-text.ts';

export interface Output {
  /** Results: what a script would capture. */
  write(text: string): void;
  /** Progress, notes and warnings: never mixed into results. */
  note(text: string): void;
  json(value: unknown): void;
  /**
   * A `--format` template's output, as is: its tabs and newlines are the user's layout; every other control
   * character is escaped, so a label cannot recolour or retitle the terminal.
   */
  formatted(text: string): void;
  table(headers: readonly string[], rows: readonly (readonly string[])[], options?: TableOptions): void;
  /** A volume name for a table cell: anonymous ones shortened (`3c5e…e5a1`) unless `--no-trunc`. */
  volumeName(name: string): string;
}

export interface TableOptions {
  /**
   * The columns (by header) that may be cut to fit the width, in the order they give way: each entry is
   * cut down to its floor before the next is touched; an entry that is a list is cut widest first.
   * Default: every column, widest first. Columns not listed are never cut.
   */
  cut?: readonly (string | readonly string[])[];
  /** Columns cut in the middle, so both ends stay: names that differ at their ends, commands. */
  middle?: readonly string[];
}

export interface OutputOptions {
  /** false for `--no-trunc`: full names, and tables as wide as their cells. */
  truncate?: boolean;
  /** The width tables fit in; default: $COLUMNS, the terminal's width, else 120. */
  columns?: number;
}

/** The width tables fit in: what the user set, the terminal's, or 120 (where output goes to a file or pipe). */
export function tableWidth(stdout: NodeJS.WritableStream = process.stdout, env = process.env): number {
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  const tty = (stdout as { isTTY?: boolean; columns?: number }).isTTY
    ? (stdout as { columns?: number }).columns
    : undefined;
  return tty && tty > 0 ? tty : 120;
}

export function consoleOutput(
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
  options: OutputOptions = {},
): Output {
  const truncating = options.truncate !== false;
  const line = (text: string) => {
    // Values inside a message may hold control characters; the message's own line breaks stay.
    const safe = escapeControlsInLines(text);
    return safe.endsWith('\n') ? safe : `${safe}\n`;
  };
  return {
    write: (text) => void stdout.write(line(text)),
    note: (text) => void stderr.write(line(text)),
    json: (value) => void stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    formatted: (text) => void stdout.write(text.replace(UNSAFE_BUT_LAYOUT, (c) => escapeControls(c))),
    table: (headers, rows, table = {}) =>
      void stdout.write(
        formatTable(headers, rows, truncating ? (options.columns ?? tableWidth(stdout)) : undefined, table),
      ),
    volumeName: (name) => (truncating ? shortVolumeName(name) : name),
  };
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_BUT_LAYOUT = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/gu;

const GAP = 3;
/** A column is never cut narrower than this (or its header). */
const MIN_COLUMN = 8;

/**
 * Columns padded to their widest cell, three spaces apart; the last column is not padded. Every cell is
 * escaped (a cell is one line). With `maxWidth`, columns are cut (marked `…`) as `options.cut` says until
 * the table fits, never below their header or 8 characters.
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  maxWidth?: number,
  options: TableOptions = {},
): string {
  const all = [headers, ...rows].map((row) => row.map(escapeControls));
  const widths = headers.map((_, column) => Math.max(...all.map((row) => width(row[column] ?? ''))));
  if (maxWidth !== undefined) {
    for (const stage of options.cut ?? [headers]) {
      const names = typeof stage === 'string' ? [stage] : stage;
      fit(widths, headers, maxWidth, (column) => names.includes(headers[column]!));
    }
  }
  const middle = headers.map((header) => options.middle?.includes(header) ?? false);
  return all
    .map((row) =>
      row
        .map((raw, column) => {
          const cell =
            width(raw) > widths[column]!
              ? truncate(raw, widths[column]!, middle[column] ? 'middle' : 'end')
              : raw;
          return column === row.length - 1 ? cell : cell + ' '.repeat(widths[column]! - width(cell));
        })
        .join(' '.repeat(GAP))
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}

/** Narrows the widest of the `cuttable` columns, one character at a time, until the table fits or none can give. */
function fit(
  widths: number[],
  headers: readonly string[],
  maxWidth: number,
  cuttable: (column: number) => boolean,
): void {
  const floor = headers.map((header, column) =>
    cuttable(column) ? Math.min(widths[column]!, Math.max(width(header), MIN_COLUMN)) : widths[column]!,
  );
  let total = widths.reduce((sum, w) => sum + w, 0) + GAP * (widths.length - 1);
  while (total > maxWidth) {
    let widest = -1;
    for (let column = 0; column < widths.length; column++) {
      if (widths[column]! > floor[column]! && (widest < 0 || widths[column]! > widths[widest]!))
        widest = column;
    }
    if (widest < 0) return;
    widths[widest]!--;
    total--;
  }
}

// Code points, not UTF-16 units, so non-ASCII names line up; ASCII (nearly every cell) takes the fast path.
const ASCII = /^[\x20-\x7e]*$/;
const width = (text: string) => (ASCII.test(text) ? text.length : [...text].length);
