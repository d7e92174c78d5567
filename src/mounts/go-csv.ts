/**
 * The first record of a CSV text, read exactly as Go's `encoding/csv` Reader does with its defaults (the docker
 * CLI reads a `--mount` value this way), with Go's error texts. Go works on UTF-8 bytes and reports 1-based
 * byte columns, so this does too.
 */

export type CsvRecord =
  { readonly ok: true; readonly fields: string[] } | { readonly ok: false; readonly error: string };

const NL = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;
const BARE_QUOTE = 'bare " in non-quoted-field';
const BAD_QUOTE = 'extraneous or missing " in quoted-field';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads the first record; the rest of the text (after the record's line break) is ignored, as the CLI does. */
export function readCsvRecord(text: string): CsvRecord {
  const lines = new LineReader(encoder.encode(text));
  let line: Uint8Array | undefined;
  // Blank lines before the record are skipped; a text with nothing else is Go's io.EOF.
  do line = lines.next();
  while (line !== undefined && line.length === lengthNL(line));
  if (line === undefined) return { ok: false, error: 'EOF' };

  const recordLine = lines.number;
  const fields: string[] = [];
  const failure = (at: number, column: number, what: string): CsvRecord => ({
    ok: false,
    error:
      at === recordLine
        ? `parse error on line ${at}, column ${column}: ${what}`
        : `record on line ${recordLine}; parse error on line ${at}, column ${column}: ${what}`,
  });
  let posLine = recordLine;
  let column = 1;
  for (;;) {
    if (line.length === 0 || line[0] !== QUOTE) {
      const comma = line.indexOf(COMMA);
      const field = comma >= 0 ? line.subarray(0, comma) : line.subarray(0, line.length - lengthNL(line));
      const quote = field.indexOf(QUOTE);
      if (quote >= 0) return failure(lines.number, column + quote, BARE_QUOTE);
      fields.push(decoder.decode(field));
      if (comma < 0) return { ok: true, fields };
      line = line.subarray(comma + 1);
      column += comma + 1;
      continue;
    }
    // A quoted field: it may span lines and ends at a quote followed by a comma or the end of the line.
    line = line.subarray(1);
    column += 1;
    const parts: Uint8Array[] = [];
    for (;;) {
      const quote = line.indexOf(QUOTE);
      if (quote >= 0) {
        parts.push(line.subarray(0, quote));
        line = line.subarray(quote + 1);
        column += quote + 1;
        if (line[0] === QUOTE) {
          parts.push(line.subarray(0, 1));
          line = line.subarray(1);
          column += 1;
        } else if (line[0] === COMMA) {
          fields.push(decodeParts(parts));
          line = line.subarray(1);
          column += 1;
          break;
        } else if (line.length === lengthNL(line)) {
          fields.push(decodeParts(parts));
          return { ok: true, fields };
        } else {
          return failure(lines.number, column - 1, BAD_QUOTE);
        }
      } else if (line.length > 0) {
        parts.push(line);
        column += line.length;
        line = lines.next() ?? new Uint8Array();
        if (line.length > 0) {
          posLine += 1;
          column = 1;
        }
      } else {
        return failure(posLine, column, BAD_QUOTE);
      }
    }
  }
}

/**
 * One `key=value` of a `--mount` value, quoted when the CSV reader would otherwise split or reject it; reads
 * back unchanged. The reader turns a CR LF at a line's end into LF, so a CR LF in the field is written
 * CR CR LF (which it turns back into CR LF).
 */
export function csvField(field: string): string {
  if (!/[",\r\n]/.test(field)) return field;
  return `"${field.replaceAll('"', '""').replaceAll('\r\n', '\r\r\n')}"`;
}

/** Go's `readLine`: lines keep their LF, CR LF becomes LF, a CR right before the end of the text is dropped. */
class LineReader {
  number = 0;
  private offset = 0;
  private readonly data: Uint8Array;

  constructor(data: Uint8Array) {
    this.data = data;
  }

  next(): Uint8Array | undefined {
    this.number += 1;
    if (this.offset >= this.data.length) return undefined;
    const end = this.data.indexOf(NL, this.offset);
    let line = this.data.subarray(this.offset, end < 0 ? this.data.length : end + 1);
    this.offset += line.length;
    const n = line.length;
    if (end < 0 && line[n - 1] === CR) line = line.subarray(0, n - 1);
    else if (n >= 2 && line[n - 2] === CR && line[n - 1] === NL) {
      const normalized = line.slice(0, n - 1);
      normalized[n - 2] = NL;
      line = normalized;
    }
    return line;
  }
}

function lengthNL(line: Uint8Array): number {
  return line.length > 0 && line[line.length - 1] === NL ? 1 : 0;
}

function decodeParts(parts: readonly Uint8Array[]): string {
  return parts.map((part) => decoder.decode(part)).join('');
}
