/**
 * The few Go library functions whose exact behaviour decides a mount's verdict or shapes an error message:
 * `strconv.Quote` (`%q`), `strconv.ParseBool`, `strconv.ParseUint(s, 8, 32)` and go-units' `RAMInBytes`.
 */

/** Go's `%q`: a double-quoted string with Go escapes, as engine messages quote names and types. */
export function goQuote(text: string): string {
  let quoted = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '"' || char === '\\') quoted += `\\${char}`;
    else if (char === ' ' || /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(char)) quoted += char;
    else if (SHORT_ESCAPES[char] !== undefined) quoted += SHORT_ESCAPES[char];
    else if (code < 0x80) quoted += `\\x${hex(code, 2)}`;
    else if (code < 0x10000) quoted += `\\u${hex(code, 4)}`;
    else quoted += `\\U${hex(code, 8)}`;
  }
  return `${quoted}"`;
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

const hex = (code: number, width: number) => code.toString(16).padStart(width, '0');

const GO_BOOLS: ReadonlyMap<string, boolean> = new Map([
  ...['1', 't', 'T', 'TRUE', 'true', 'True'].map((text) => [text, true] as const),
  ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((text) => [text, false] as const),
]);

/** Go's `strconv.ParseBool`; `undefined` where Go returns an error. */
export function parseGoBool(text: string): boolean | undefined {
  return GO_BOOLS.get(text);
}

/** Go's `strconv.ParseUint(text, 8, 32)`: octal digits only (no sign, prefix or `_`), at most 2³²−1. */
export function parseOctalUint32(text: string): number | undefined {
  if (!/^[0-7]+$/.test(text)) return undefined;
  const digits = text.replace(/^0+(?=.)/, '');
  const value = digits.length <= 11 ? Number.parseInt(digits, 8) : Infinity;
  return value <= 0xffff_ffff ? value : undefined;
}

const BINARY_UNITS: Readonly<Record<string, number>> = {
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
  p: 2 ** 50,
};

/**
 * go-units' `RAMInBytes` (v0.5.0, the docker CLI's): a number, an optional space, an optional binary unit
 * `k m g t p` (any case) with an optional `b` or `ib`; the number is truncated to an integer. `undefined` where
 * it fails. Stricter than Go in one place: a value that does not fit in an int64 (`1e19`, `inf `, `nan `),
 * which Go turns into a negative size the kernel then refuses, is refused here.
 */
export function ramInBytes(text: string): number | undefined {
  const sep = Math.max(...[...'0123456789. '].map((char) => text.lastIndexOf(char)));
  if (sep < 0) return undefined;
  const number = text[sep] === ' ' ? text.slice(0, sep) : text.slice(0, sep + 1);
  const suffix = text.slice(sep + 1);
  let size = parseGoFloat(number);
  if (size === undefined || size < 0) return undefined;
  if (suffix !== '') {
    // Go measures the suffix in bytes before lowercasing it (so the Kelvin sign "K" passes as "k").
    const unit = suffix.toLowerCase();
    if (new TextEncoder().encode(suffix).length > 3 || !/^(?:b|[kmgtp](?:b|ib)?)$/.test(unit))
      return undefined;
    size *= BINARY_UNITS[unit[0]!] ?? 1;
  }
  const bytes = Math.trunc(size) + 0; // + 0 turns -0 into 0
  return Number.isFinite(bytes) && bytes < 2 ** 63 ? bytes : undefined;
}

/**
 * Go's `strconv.ParseFloat(text, 64)` for the syntax a size can have: decimal with optional fraction and
 * exponent, or a hexadecimal mantissa with a `p` exponent, with `_` between digits as in Go literals. `inf`
 * and `nan` are not accepted (Go accepts them; a size made of them is meaningless). `undefined` on a syntax
 * or range error.
 */
function parseGoFloat(literal: string): number | undefined {
  if (literal.includes('_') && !underscoresOk(literal)) return undefined;
  const text = literal.replaceAll('_', '');
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) {
    const value = Number(text);
    return Number.isFinite(value) ? value : undefined;
  }
  const hexFloat = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(text);
  if (!hexFloat || hexFloat[2]! + hexFloat[3]! === '') return undefined;
  const [, sign, whole, fraction, exponent] = hexFloat as unknown as [string, string, string, string, string];
  const mantissa = Number.parseInt(whole + fraction || '0', 16) / 16 ** fraction.length;
  const value = (sign === '-' ? -1 : 1) * mantissa * 2 ** Number(exponent);
  return Number.isFinite(value) ? value : undefined;
}

/** Go's `underscoreOK`: each `_` sits between two digits, or between a base prefix and a digit. */
function underscoresOk(literal: string): boolean {
  let text = literal.replace(/^[+-]/, '');
  let saw: 'start' | 'digit' | 'underscore' | 'other' = 'start';
  const hexPrefix = /^0[xX]/.test(text);
  if (/^0[bBoOxX]/.test(text)) {
    text = text.slice(2);
    saw = 'digit';
  }
  for (const char of text) {
    if (/[0-9]/.test(char) || (hexPrefix && /[a-fA-F]/.test(char))) saw = 'digit';
    else if (char === '_') {
      if (saw !== 'digit') return false;
      saw = 'underscore';
    } else if (saw === 'underscore') return false;
    else saw = 'other';
  }
  return saw !== 'underscore';
}
