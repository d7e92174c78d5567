/** How commands print: aligned columns like the docker CLI, JSON for `--json`, messages on stderr. */
export interface Output {
  /** Results: what a script would capture. */
  write(text: string): void;
  /** Progress, notes and warnings: never mixed into results. */
  note(text: string): void;
  json(value: unknown): void;
  table(headers: readonly string[], rows: readonly (readonly string[])[]): void;
}

export function consoleOutput(
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): Output {
  return {
    write: (text) => void stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    note: (text) => void stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    json: (value) => void stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    table: (headers, rows) => void stdout.write(formatTable(headers, rows)),
  };
}

/** Columns padded to their widest cell, three spaces apart; the last column is not padded. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, column) => Math.max(...all.map((row) => width(row[column] ?? ''))));
  return all
    .map((row) =>
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : cell + ' '.repeat(widths[column]! - width(cell)),
        )
        .join('   ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}

// Code points, not UTF-16 units, so non-ASCII names line up; ASCII (nearly every cell) takes the fast path.
const ASCII = /^[\x20-\x7e]*$/;
const width = (text: string) => (ASCII.test(text) ? text.length : [...text].length);
