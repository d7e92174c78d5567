/**
 * `--format`, as the docker CLI does it (docker/cli cli/command/formatter): a Go template run once per
 * row, each row ending in a newline; `table …` adds a header row and aligns the columns with Go's
 * tabwriter (min width 10, padding 3); `json` is `{{json .}}`; the two-character `\t` and `\n` become a tab
 * and a newline; `table` alone is the command's usual table.
 */
import { invalid } from '../core/errors.ts';
import { parseTemplate, TemplateError, templateRow, type FUNCTIONS, type Template } from './go-template.ts';

export interface FormatSpec {
  /** Every field a row has (the header row is built from these, so a template is checked even with no rows). */
  fields: readonly string[];
  /** Fields that are methods taking arguments (`.Label "k"`). */
  methods?: readonly string[];
  /** Headers where the derived one (`CreatedAt` → `CREATED AT`) is not Docker's (`Name` → `VOLUME NAME`). */
  headers?: Readonly<Record<string, string>>;
}

export interface ParsedFormat {
  readonly table: boolean;
  readonly template: Template;
  /** Whether a row's `field` is read (so costly fields, like sizes, are measured only when shown). */
  reads(field: string): boolean;
}

/** `undefined` for no format or `table` alone (the command's own table); else the parsed template. */
export function parseFormat(format: string | undefined): ParsedFormat | undefined {
  // An empty --format is no format, as for the docker CLI.
  if (format === undefined || format === '') return undefined;
  let text = format.trim() === 'json' ? '{{json .}}' : format;
  const table = text.startsWith('table');
  if (table) text = text.slice('table'.length);
  text = text.trim().replaceAll('\\t', '\t').replaceAll('\\n', '\n');
  if (table && text === '') return undefined;
  let template: Template;
  try {
    template = parseTemplate(text);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    throw invalid(
      `template parsing error: ${error.message} (in ${JSON.stringify(format)})`,
      "use Go template syntax, as docker's --format: '{{.Name}}', 'table {{.Name}}\\t{{.Driver}}', '{{json .}}' (see docs/CLI.md)",
    );
  }
  return { table, template, reads: (field) => template.readsWhole || template.fields.has(field) };
}

/** The rows rendered by `format`: a line per row (and a header line for `table`), as the docker CLI prints. */
export function renderFormat(format: ParsedFormat, rows: readonly object[], spec: FormatSpec): string {
  // As Docker: the header row (table only) runs first, so a misspelt field fails even with no rows.
  const header = format.table ? execute(format, headerRow(spec), spec, HEADER_FUNCTIONS) : '';
  const body = rows.map((row) => execute(format, templateRow({ ...row }), spec) + '\n').join('');
  return format.table ? tabwrite(`${header}\n${body}`) : body;
}

function execute(format: ParsedFormat, row: object, spec: FormatSpec, functions?: typeof FUNCTIONS): string {
  try {
    return format.template.execute(row, functions);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    throw invalid(
      `template error: ${error.message} (in ${JSON.stringify(format.template.source)})`,
      `fields: ${spec.fields.map((f) => `.${f}`).join(' ')}`,
    );
  }
}

/** `CreatedAt` → `CREATED AT`, `ID` → `ID`: Docker's header style. */
export function headerOf(field: string): string {
  return field
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toUpperCase();
}

function headerRow(spec: FormatSpec): object {
  const row: Record<string, unknown> = {};
  for (const field of spec.fields) {
    const text = spec.headers?.[field] ?? headerOf(field);
    row[field] = spec.methods?.includes(field) ? () => text : text;
  }
  return templateRow(row);
}

// In the header row Docker's functions pass their first argument through (docker/cli templates.HeaderFunctions);
// `index` too, so `table {{index .Labels "k"}}` is headed LABELS where Docker would fail on a string.
const HEADER_FUNCTIONS: typeof FUNCTIONS = Object.fromEntries(
  ['json', 'join', 'split', 'lower', 'upper', 'title', 'truncate', 'pad', 'index'].map((name) => [
    name,
    (value: unknown) => value,
  ]),
);

const MIN_WIDTH = 10;
const PADDING = 3;

/**
 * Go's text/tabwriter with Docker's settings (minwidth 10, padding 3, spaces, no flags): tab-terminated
 * cells align in columns; a column's width holds over a block of consecutive lines that have that cell;
 * the last cell of a line (not tab-terminated) is written as is.
 */
export function tabwrite(text: string): string {
  const lines = text.split('\n').map((line) => line.split('\t'));
  const out: string[] = [];
  const widths: number[] = [];
  const width = (cell: string) => [...cell].length;

  const write = (from: number, to: number) => {
    for (let l = from; l < to; l++) {
      const cells = lines[l]!;
      let line = '';
      cells.forEach((cell, j) => {
        line +=
          j < widths.length && j < cells.length - 1 ? cell + ' '.repeat(widths[j]! - width(cell)) : cell;
      });
      out.push(line);
    }
  };

  const format = (line0: number, line1: number) => {
    const column = widths.length;
    for (let current = line0; current < line1; current++) {
      if (column >= lines[current]!.length - 1) continue;
      // This line has a cell in `column`: a block starts, running while lines have one.
      write(line0, current);
      line0 = current;
      let w = MIN_WIDTH;
      for (; current < line1 && column < lines[current]!.length - 1; current++) {
        w = Math.max(w, width(lines[current]![column]!) + PADDING);
      }
      widths.push(w);
      format(line0, current);
      widths.pop();
      line0 = current;
      current--; // the loop's increment moves past the block's end
    }
    write(line0, line1);
  };

  format(0, lines.length);
  return out.join('\n');
}
