/**
 * Writing values into systemd unit files (systemd.syntax(7), systemd.service(5)): `%` starts a specifier
 * everywhere, `$` starts a variable in command lines, and a word with a space or a quote must be quoted
 * with C-style escapes inside. Every unit Stowage writes goes through these, so no path (a data folder
 * named `50%`, a bin under `/opt/my tools`) changes meaning on its way into a unit.
 */
import { invalid } from './errors.ts';

const PLAIN = /^[\w@+=:,./-]+$/;

/** A newline would start a new setting in the unit: a path must never carry one in. */
const hasControlCharacter = (text: string) =>
  [...text].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);

/** One word of a list setting (ReadWritePaths=…): quoted when it must be, specifiers escaped. */
export function unitWord(word: string): string {
  if (hasControlCharacter(word))
    throw invalid(`"${JSON.stringify(word)}" holds a control character`, 'use a path without one');
  const escaped = word.replace(/%/g, '%%');
  return PLAIN.test(word) ? escaped : `"${escaped.replace(/(["\\])/g, '\\$1')}"`;
}

/** A command line for ExecStart=: each word quoted like {@link unitWord}, `$` kept literal (`$$`). */
export function execLine(words: readonly string[]): string {
  return words.map((word) => unitWord(word).replace(/\$/g, '$$$$')).join(' ');
}

/** A whole-line value (ListenStream=, a path): no quoting exists there, so odd characters are refused. */
export function unitPath(path: string, what: string): string {
  if (!/^\/[^\s"'\\]*$/.test(path) || hasControlCharacter(path))
    throw invalid(
      `${what} ${JSON.stringify(path)} cannot be written into a systemd unit`,
      'use an absolute path without spaces, quotes or backslashes',
    );
  return path.replace(/%/g, '%%');
}
