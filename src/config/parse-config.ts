/** Parses and validates the config file's text, reporting every problem at once with its line. */
import { isMap, isScalar, parseDocument, LineCounter, type Document } from 'yaml';
import { StowageError } from '../core/errors.ts';
import { configSchema } from './config-schema.ts';
import type { StowageConfig } from './config-types.ts';

/** @throws StowageError 'invalid' listing every YAML and schema error, each with its key path and line. */
export function parseConfig(text: string, file: string): StowageConfig {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const problems = document.errors.map((error) => {
    // Without prettyErrors the parser leaves linePos unset; the offset is always there.
    const line = error.linePos?.[0].line ?? lines.linePos(error.pos[0]).line;
    return `${file}${line ? `:${line}` : ''}: ${error.message.split('\n')[0]}`;
  });
  if (problems.length === 0) {
    const result = configSchema.safeParse(document.toJS() ?? {});
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      const path = issue.path.map(String);
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
      for (const unknownKey of keys) {
        const at = unknownKey === undefined ? path : [...path, unknownKey];
        const where = lineOf(document, lines, at, unknownKey !== undefined);
        const message = unknownKey === undefined ? issue.message : 'unknown key';
        problems.push(
          `${file}${where ? `:${where}` : ''}: ${at.length ? at.join('.') : '(top level)'}: ${scheduleOf(document, at)}${message}`,
        );
      }
    }
  }
  throw new StowageError(
    'invalid',
    `invalid config (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n  ${problems.join('\n  ')}`,
    {
      hint: 'see docs/CONFIG.md for every key',
    },
  );
}

/**
 * The line of a key (when `atKey`) or of its value, for error messages; for a key that is missing, the
 * line of the map that lacks it.
 */
function lineOf(document: Document, lines: LineCounter, path: string[], atKey: boolean): number | undefined {
  const parent = path.length > 1 ? document.getIn(path.slice(0, -1), true) : document.contents;
  if (atKey && isMap(parent)) {
    const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === path.at(-1));
    const range = isScalar(pair?.key) ? pair.key.range : undefined;
    if (range) return lines.linePos(range[0]).line;
  }
  const node = document.getIn(path, true) as { range?: [number, number] } | undefined;
  if (node?.range) return lines.linePos(node.range[0]).line;
  return path.length > 1 ? lineOf(document, lines, path.slice(0, -1), false) : undefined;
}

/** `schedule "nightly": ` for a problem inside a named schedule, so the message says which one. */
function scheduleOf(document: Document, path: string[]): string {
  if (path[0] !== 'schedules' || path.length < 2) return '';
  const name = document.getIn([path[0], Number(path[1]), 'name']);
  return typeof name === 'string' && name !== '' ? `schedule "${name}": ` : '';
}
