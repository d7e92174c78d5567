/**
 * Text meant for a terminal. Names, labels and paths come from users, engines and archives, and may hold
 * control characters: printed raw, ESC sequences would recolour, move the cursor or retitle the window, and
 * a newline or carriage return would forge lines. They are shown as `\xNN` (as Go's %q and the docker
 * CLI's escaping do), `\u{…}` for the bidirectional overrides that reorder what a reader sees. --json
 * output needs none of this: JSON escapes its strings itself.
 */

// C0 controls, DEL, C1 controls, and the bidi embedding/override/isolate marks: matching them is the point.
/* eslint-disable no-control-regex */
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/gu;
const UNSAFE_BUT_NEWLINE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/gu;
/* eslint-enable no-control-regex */

const escapeOne = (char: string): string => {
  const code = char.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
};

/** `text` with every control character escaped: for one value (a name, a cell, a path). */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** Like escapeControls, but newlines stay: for whole messages, whose lines are Stowage's own. */
export function escapeControlsInLines(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, escapeOne);
}

/** `1 file`, `2 files`, `0 files`; `irregular` for words that do not just take an "s". */
export function plural(count: number, singular: string, irregular?: string): string {
  return `${count} ${count === 1 ? singular : (irregular ?? `${singular}s`)}`;
}

/** An anonymous volume's 64-hex name as the README shows it, `3c5e…e5a1`; other names unchanged. */
export function shortVolumeName(name: string): string {
  return /^[0-9a-f]{64}$/.test(name) ? `${name.slice(0, 4)}…${name.slice(-4)}` : name;
}

/**
 * `text` cut to `max` code points, the cut marked with `…` (at the end, or in the middle for names
 * whose both ends tell them apart).
 */
export function truncate(text: string, max: number, where: 'end' | 'middle' = 'end'): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  if (max <= 1) return '…'.slice(0, max);
  if (where === 'end') return chars.slice(0, max - 1).join('') + '…';
  const head = Math.ceil((max - 1) / 2);
  const tail = max - 1 - head;
  return chars.slice(0, head).join('') + '…' + (tail ? chars.slice(-tail).join('') : '');
}
