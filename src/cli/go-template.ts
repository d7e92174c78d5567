/**
 * The subset of Go's text/template that Docker's `--format` flags use, so `stowage ls --format` takes the
 * templates people already type for `docker volume ls`. Pure: parse once, execute per row.
 *
 * Supported: text; `{{.Field}}`, `{{.A.B}}`, `{{.}}`; methods with arguments (`{{.Label "k"}}`); string,
 * number and boolean literals; pipelines (`{{.Name | upper}}`); parenthesised calls; `{{- -}}` trimming;
 * `if`/`else if`/`else`/`end`, `range`/`else`/`end` and `with`/`else`/`end`; comments `{{/* … *\/}}`.
 * Functions: Docker's (json, join, split, lower, upper, title, truncate, pad) and Go's usual built-ins
 * (index, len, print, printf, println, eq, ne, lt, le, gt, ge, and, or, not, slice).
 * No variables (`$x :=`), no `define`/`template`/`block`: they are reported as parse errors.
 *
 * No npm package implements enough of text/template faithfully (@ctrl/golang-template substitutes fields
 * only; the others wrap the Go binary), hence this small interpreter.
 */

export class TemplateError extends Error {}

type Arg =
  | { kind: 'field'; path: string[] } // `.` is path []
  | { kind: 'literal'; value: unknown }
  | { kind: 'ident'; name: string }
  | { kind: 'pipe'; pipe: Pipeline };
/** One command of a pipeline: its first word (a function, or a value) and its arguments. */
type Cmd = Arg[];
type Pipeline = Cmd[];

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipeline }
  | { kind: 'if' | 'with' | 'range'; pipe: Pipeline; body: Node[]; otherwise: Node[] };

export interface Template {
  readonly source: string;
  /** Renders `data`; throws TemplateError when a field or function cannot be evaluated. */
  execute(data: unknown, functions?: Partial<Record<string, Fn>>): string;
  /** The top-level fields the template reads (`Name` for `.Name`), and whether it reads `.` itself. */
  readonly fields: ReadonlySet<string>;
  readonly readsWhole: boolean;
}

type Fn = (...args: unknown[]) => unknown;

// ---- lexing: split into text and actions, honouring `{{-` and `-}}` ----

interface Piece {
  text?: string;
  action?: string;
  offset: number;
}

function split(source: string): Piece[] {
  const pieces: Piece[] = [];
  let at = 0;
  while (at < source.length) {
    const open = source.indexOf('{{', at);
    if (open < 0) {
      pieces.push({ text: source.slice(at), offset: at });
      break;
    }
    let text = source.slice(at, open);
    let start = open + 2;
    if (/^- /.test(source.slice(start, start + 2)) || source.slice(start, start + 3) === '-\t') {
      text = text.trimEnd();
      start += 1;
    }
    if (text) pieces.push({ text, offset: at });
    const close = findClose(source, start);
    if (close < 0) throw new TemplateError(`unclosed action at offset ${open}`);
    let end = close;
    let trimAfter = false;
    if (/[ \t\n]-$/.test(source.slice(start, close))) {
      end = close - 1;
      trimAfter = true;
    }
    pieces.push({ action: source.slice(start, end).trim(), offset: open });
    at = close + 2;
    if (trimAfter) while (at < source.length && /\s/.test(source[at]!)) at++;
  }
  return pieces;
}

/** The `}}` that closes an action, skipping quoted strings (a `"}}"` argument does not end it). */
function findClose(source: string, from: number): number {
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (c === '"' || c === '`') {
      const quote = c;
      for (i++; i < source.length && source[i] !== quote; i++) if (quote === '"' && source[i] === '\\') i++;
    } else if (c === '}' && source[i + 1] === '}') return i;
  }
  return -1;
}

type Token =
  | { t: 'field'; path: string[] }
  | { t: 'literal'; value: unknown }
  | { t: 'ident'; name: string }
  | { t: '|' | '(' | ')' };

function tokenize(action: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < action.length) {
    const c = action[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '|' || c === '(' || c === ')') {
      tokens.push({ t: c });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < action.length && action[j] !== '"') j += action[j] === '\\' ? 2 : 1;
      if (j >= action.length) throw new TemplateError('unterminated quoted string');
      tokens.push({ t: 'literal', value: JSON.parse(action.slice(i, j + 1)) as string });
      i = j + 1;
    } else if (c === '`') {
      const j = action.indexOf('`', i + 1);
      if (j < 0) throw new TemplateError('unterminated raw quoted string');
      tokens.push({ t: 'literal', value: action.slice(i + 1, j) });
      i = j + 1;
    } else if (c === '.') {
      const m = /^\.(?:[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)?/.exec(action.slice(i))!;
      tokens.push({ t: 'field', path: m[0] === '.' ? [] : m[0].slice(1).split('.') });
      i += m[0].length;
    } else if (c === '$') {
      throw new TemplateError('variables ($) are not supported');
    } else {
      const m = /^(?:-?\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*)/.exec(action.slice(i));
      if (!m) throw new TemplateError(`unexpected "${c}" in command`);
      const word = m[0];
      if (/^-?\d/.test(word)) tokens.push({ t: 'literal', value: Number(word) });
      else if (word === 'true' || word === 'false') tokens.push({ t: 'literal', value: word === 'true' });
      else if (word === 'nil') tokens.push({ t: 'literal', value: null });
      else tokens.push({ t: 'ident', name: word });
      i += word.length;
    }
  }
  return tokens;
}

function parsePipeline(tokens: Token[], at: { i: number }, inParens: boolean): Pipeline {
  const pipe: Pipeline = [];
  let cmd: Cmd = [];
  for (;;) {
    const token = tokens[at.i];
    if (!token || token.t === ')') {
      if (token && !inParens) throw new TemplateError('unexpected right paren');
      if (!token && inParens) throw new TemplateError('unclosed left paren');
      if (token) at.i++;
      break;
    }
    at.i++;
    if (token.t === '|') {
      if (cmd.length === 0) throw new TemplateError('missing command before "|"');
      pipe.push(cmd);
      cmd = [];
    } else if (token.t === '(') cmd.push({ kind: 'pipe', pipe: parsePipeline(tokens, at, true) });
    else if (token.t === 'field') cmd.push({ kind: 'field', path: token.path });
    else if (token.t === 'literal') cmd.push({ kind: 'literal', value: token.value });
    else if (token.t === 'ident') cmd.push({ kind: 'ident', name: token.name });
  }
  if (cmd.length === 0)
    throw new TemplateError(pipe.length ? 'missing command after "|"' : 'missing value for command');
  pipe.push(cmd);
  return pipe;
}

function pipelineOf(action: string): Pipeline {
  return parsePipeline(tokenize(action), { i: 0 }, false);
}

// ---- parsing: nodes with if/range/with blocks ----

const KEYWORDS = new Set(['if', 'range', 'with', 'else', 'end', 'define', 'template', 'block']);

function parseNodes(
  pieces: Piece[],
  at: { i: number },
  inBlock: string | undefined,
): { nodes: Node[]; ended: string } {
  const nodes: Node[] = [];
  while (at.i < pieces.length) {
    const piece = pieces[at.i++]!;
    if (piece.text !== undefined) {
      nodes.push({ kind: 'text', text: piece.text });
      continue;
    }
    const action = piece.action!;
    if (action.startsWith('/*')) {
      if (!action.endsWith('*/')) throw new TemplateError('unclosed comment');
      continue;
    }
    const keyword = /^[a-z]+/.exec(action)?.[0] ?? '';
    if (!KEYWORDS.has(keyword) || (action.length > keyword.length && !/\s/.test(action[keyword.length]!))) {
      nodes.push({ kind: 'action', pipe: pipelineOf(action) });
      continue;
    }
    const rest = action.slice(keyword.length).trim();
    if (keyword === 'end' || keyword === 'else') {
      if (!inBlock) throw new TemplateError(`unexpected {{${keyword}}}`);
      at.i--; // the block's parser reads it
      return { nodes, ended: keyword };
    }
    if (keyword !== 'if' && keyword !== 'range' && keyword !== 'with')
      throw new TemplateError(`{{${keyword}}} is not supported`);
    if (!rest) throw new TemplateError(`missing value for ${keyword}`);
    nodes.push(parseBlock(keyword, rest, pieces, at));
  }
  if (inBlock) throw new TemplateError(`unexpected EOF: {{${inBlock}}} has no {{end}}`);
  return { nodes, ended: '' };
}

function parseBlock(
  keyword: 'if' | 'range' | 'with',
  rest: string,
  pieces: Piece[],
  at: { i: number },
): Node {
  const body = parseNodes(pieces, at, keyword);
  const closing = pieces[at.i++]!.action!;
  let otherwise: Node[] = [];
  if (body.ended === 'else') {
    const elseRest = closing.slice(4).trim();
    if (keyword === 'if' && elseRest.startsWith('if ')) {
      // `{{else if x}}` is an `if` nested in the else branch that shares its `{{end}}`.
      otherwise = [parseBlock('if', elseRest.slice(3).trim(), pieces, at)];
    } else {
      if (elseRest) throw new TemplateError(`unexpected "${elseRest}" after else`);
      const tail = parseNodes(pieces, at, keyword);
      if (tail.ended !== 'end') throw new TemplateError(`expected {{end}} after {{else}} of ${keyword}`);
      at.i++;
      otherwise = tail.nodes;
    }
  }
  return { kind: keyword, pipe: pipelineOf(rest), body: body.nodes, otherwise };
}

// ---- execution ----

/**
 * A map that prints as text. `docker volume ls`'s `.Labels` is the string `a=1,b=2`, yet people also write
 * `{{index .Labels "a"}}`: printing, `json`, string functions and comparisons see the text; `index` and
 * `.Labels.a` see the map.
 */
export class TextMap {
  readonly map: Readonly<Record<string, string>>;
  readonly text: string;
  constructor(map: Readonly<Record<string, string>>, text: string) {
    this.map = map;
    this.text = text;
  }
  toJSON(): string {
    return this.text;
  }
}

const plain = (value: unknown): unknown => (value instanceof TextMap ? value.text : value);

/** Go's truth: false, 0, nil, an empty string, list or map are false. */
function truthy(given: unknown): boolean {
  const value = plain(given);
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** Go's fmt `%v` of a value, as `{{.X}}` prints it: lists `[a b]`, maps `map[k:v]` (keys sorted). */
export function printValue(value: unknown): string {
  if (value === null || value === undefined) return '<no value>';
  if (value instanceof TextMap) return value.text;
  if (Array.isArray(value)) return `[${value.map(printValue).join(' ')}]`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => typeof v !== 'function');
    return `map[${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}:${printValue(v)}`)
      .join(' ')}]`;
  }
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

const str = (name: string, given: unknown): string => {
  const value = plain(given);
  if (typeof value !== 'string')
    throw new TemplateError(`${name}: expected a string, got ${printValue(value)}`);
  return value;
};
const int = (name: string, value: unknown): number => {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new TemplateError(`${name}: expected an integer, got ${printValue(value)}`);
  return value;
};

function compare(name: string, given: unknown, other: unknown): number {
  const a = plain(given);
  const b = plain(other);
  if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string'))
    throw new TemplateError(`${name}: incompatible types for comparison`);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/** Go's `printf` for the verbs people use in formats: %s %v %d %q %%, with widths (`%-20s`). */
function printf(format: string, ...args: unknown[]): string {
  let n = 0;
  return format.replace(/%([-0]?)(\d*)([svdqf%])/g, (_, flag: string, width: string, verb: string) => {
    if (verb === '%') return '%';
    const arg = args[n++];
    let text = verb === 'q' ? JSON.stringify(printValue(arg)) : printValue(arg);
    const w = Number(width || 0);
    if (text.length < w) text = flag === '-' ? text.padEnd(w) : text.padStart(w, flag === '0' ? '0' : ' ');
    return text;
  });
}

/** Docker's template functions (docker/cli templates/templates.go) and Go's built-ins. */
export const FUNCTIONS: Record<string, Fn> = {
  // No HTML escaping, like Docker's json (SetEscapeHTML(false)); functions on a row are methods, not data.
  json: (v) => JSON.stringify(v === undefined ? null : v) ?? 'null',
  join: (list, sep) => {
    if (!Array.isArray(list)) throw new TemplateError(`join: expected a list, got ${printValue(list)}`);
    return list.map(printValue).join(str('join', sep));
  },
  split: (s, sep) => str('split', s).split(str('split', sep)),
  lower: (s) => str('lower', s).toLowerCase(),
  upper: (s) => str('upper', s).toUpperCase(),
  title: (s) =>
    str('title', s).replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_, a: string, b: string) => a + b.toUpperCase()),
  truncate: (s, n) => {
    const text = str('truncate', s);
    const length = int('truncate', n);
    return text.length < length ? text : text.slice(0, length);
  },
  pad: (s, prefix, suffix) => {
    const text = str('pad', s);
    return text === '' ? text : ' '.repeat(int('pad', prefix)) + text + ' '.repeat(int('pad', suffix));
  },
  index: (collection, ...keys) => {
    let value = collection;
    for (const key of keys) {
      if (value instanceof TextMap) value = value.map;
      if (value === null || value === undefined) throw new TemplateError('index of untyped nil');
      if (Array.isArray(value) || typeof value === 'string') {
        const i = int('index', key);
        if (i < 0 || i >= value.length) throw new TemplateError(`index out of range: ${i}`);
        value = typeof value === 'string' ? value.charCodeAt(i) : value[i];
      } else if (typeof value === 'object') {
        // A missing map key gives the zero value: Docker's maps hold strings, so "".
        value = Object.hasOwn(value, String(key)) ? (value as Record<string, unknown>)[String(key)] : '';
      } else throw new TemplateError(`can't index item of type ${typeof value}`);
    }
    return value;
  },
  len: (given) => {
    const v = plain(given);
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    if (v && typeof v === 'object') return Object.keys(v).length;
    throw new TemplateError(`len of ${printValue(v)}`);
  },
  slice: (v, from, to) => {
    if (typeof v !== 'string' && !Array.isArray(v))
      throw new TemplateError('slice: expected a string or list');
    return v.slice(
      from === undefined ? 0 : int('slice', from),
      to === undefined ? undefined : int('slice', to),
    );
  },
  // Go's print puts spaces only between operands when neither is a string.
  print: (...args) =>
    args
      .map(
        (a, i) =>
          (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + printValue(a),
      )
      .join(''),
  println: (...args) => `${args.map(printValue).join(' ')}\n`,
  printf: (format, ...args) => printf(str('printf', format), ...args),
  eq: (a, ...others) => others.some((b) => plain(a) === plain(b)),
  ne: (a, b) => plain(a) !== plain(b),
  lt: (a, b) => compare('lt', a, b) < 0,
  le: (a, b) => compare('le', a, b) <= 0,
  gt: (a, b) => compare('gt', a, b) > 0,
  ge: (a, b) => compare('ge', a, b) >= 0,
  not: (a) => !truthy(a),
  and: (...args) => args.find((a) => !truthy(a)) ?? args.at(-1),
  or: (...args) => args.find((a) => truthy(a)) ?? args.at(-1),
};

function field(dot: unknown, path: string[], args: unknown[], final: boolean): unknown {
  let value = dot;
  path.forEach((name, i) => {
    if (value instanceof TextMap) value = value.map;
    if (value === null || value === undefined || typeof value !== 'object')
      throw new TemplateError(`can't evaluate field ${name} in type ${typeName(value)}`);
    const record = value as Record<string, unknown>;
    if (!(name in record)) {
      // A row's fields are fixed: a misspelt one is an error naming them. A map (Labels) gives no value.
      if (FIELDS in record) throw new TemplateError(`can't evaluate field ${name}${fieldList(record)}`);
      value = undefined;
      return;
    }
    const member = record[name];
    const last = i === path.length - 1;
    if (typeof member === 'function') value = (member as Fn).call(record, ...(last && final ? args : []));
    else {
      if (last && final && args.length)
        throw new TemplateError(`${name} has arguments but cannot be invoked as a function`);
      value = member;
    }
  });
  return value;
}

/** Marks a row, so a field it lacks is an error naming its fields (maps, like Labels, give no value). */
const FIELDS = Symbol('fields');

/** A template row: `fields` as given (functions are methods, like `.Label "k"`), strict about unknown fields. */
export function templateRow<T extends object>(fields: T): T {
  return Object.defineProperty(fields, FIELDS, { value: true, enumerable: false });
}

function fieldList(record: object): string {
  return ` (fields: ${Object.keys(record).join(', ')})`;
}
function typeName(value: unknown): string {
  return value === null || value === undefined ? 'nil' : Array.isArray(value) ? 'list' : typeof value;
}

function evalArg(arg: Arg, dot: unknown, fns: Record<string, Fn>): unknown {
  switch (arg.kind) {
    case 'literal':
      return arg.value;
    case 'field':
      return field(dot, arg.path, [], true);
    case 'pipe':
      return evalPipe(arg.pipe, dot, fns);
    case 'ident': {
      const fn = fns[arg.name];
      if (!fn) throw new TemplateError(`function "${arg.name}" not defined`);
      return fn();
    }
  }
}

function evalPipe(pipe: Pipeline, dot: unknown, fns: Record<string, Fn>): unknown {
  let previous: unknown[] = [];
  for (const [head, ...rest] of pipe) {
    const args = [...rest.map((a) => evalArg(a, dot, fns)), ...previous];
    let value: unknown;
    if (head!.kind === 'ident') {
      const fn = fns[head!.name];
      if (!fn) throw new TemplateError(`function "${head!.name}" not defined`);
      value = fn(...args);
    } else if (head!.kind === 'field') value = field(dot, head!.path, args, true);
    else {
      if (args.length)
        throw new TemplateError(
          `can't give argument to non-function ${printValue(evalArg(head!, dot, fns))}`,
        );
      value = evalArg(head!, dot, fns);
    }
    previous = [value];
  }
  return previous[0];
}

function run(nodes: Node[], dot: unknown, fns: Record<string, Fn>, out: string[]): void {
  for (const node of nodes) {
    if (node.kind === 'text') out.push(node.text);
    else if (node.kind === 'action') {
      const value = evalPipe(node.pipe, dot, fns);
      // Go prints nothing for an action whose pipeline only decides (there is none here); nil prints <no value>.
      out.push(printValue(value));
    } else {
      const value = evalPipe(node.pipe, dot, fns);
      if (node.kind === 'range') {
        const items = Array.isArray(value)
          ? value
          : value && typeof value === 'object'
            ? Object.keys(value)
                .sort()
                .map((k) => (value as Record<string, unknown>)[k])
            : value === null || value === undefined
              ? []
              : typeof value === 'number'
                ? Array.from({ length: value }, (_, i) => i)
                : (() => {
                    throw new TemplateError(`range can't iterate over ${printValue(value)}`);
                  })();
        if (items.length === 0) run(node.otherwise, dot, fns, out);
        for (const item of items) run(node.body, item, fns, out);
      } else if (truthy(value)) run(node.body, node.kind === 'with' ? value : dot, fns, out);
      else run(node.otherwise, dot, fns, out);
    }
  }
}

function collectFields(nodes: Node[], fields: Set<string>, whole: { value: boolean }, depth: number): void {
  const visitPipe = (pipe: Pipeline, atDot: boolean) => {
    for (const cmd of pipe)
      for (const arg of cmd) {
        if (arg.kind === 'pipe') visitPipe(arg.pipe, atDot);
        else if (arg.kind === 'field' && atDot) {
          if (arg.path.length === 0) whole.value = true;
          else fields.add(arg.path[0]!);
        }
      }
  };
  for (const node of nodes) {
    if (node.kind === 'action') visitPipe(node.pipe, depth === 0);
    else if (node.kind !== 'text') {
      visitPipe(node.pipe, depth === 0);
      // Inside range/with, `.` is another value; its fields are not the row's.
      const inner = node.kind === 'if' ? depth : depth + 1;
      collectFields(node.body, fields, whole, inner);
      collectFields(node.otherwise, fields, whole, depth);
    }
  }
}

/** As Go's parser: calling a function that does not exist is a parse error, not an execution error. */
function checkFunctions(nodes: Node[]): void {
  const visit = (pipe: Pipeline): void => {
    for (const cmd of pipe)
      for (const arg of cmd) {
        if (arg.kind === 'pipe') visit(arg.pipe);
        else if (arg.kind === 'ident' && !Object.hasOwn(FUNCTIONS, arg.name))
          throw new TemplateError(`function "${arg.name}" not defined`);
      }
  };
  for (const node of nodes) {
    if (node.kind === 'text') continue;
    visit(node.pipe);
    if (node.kind !== 'action') {
      checkFunctions(node.body);
      checkFunctions(node.otherwise);
    }
  }
}

/** Parses `source`; throws TemplateError naming what is wrong. */
export function parseTemplate(source: string): Template {
  const nodes = parseNodes(split(source), { i: 0 }, undefined).nodes;
  const fields = new Set<string>();
  const whole = { value: false };
  collectFields(nodes, fields, whole, 0);
  checkFunctions(nodes);
  return {
    source,
    fields,
    readsWhole: whole.value,
    execute(data, functions = {}) {
      const out: string[] = [];
      run(nodes, data, { ...FUNCTIONS, ...(functions as Record<string, Fn>) }, out);
      return out.join('');
    },
  };
}
