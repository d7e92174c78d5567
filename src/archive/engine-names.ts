/**
 * Maps the names of an engine tar (`GET /containers/{id}/archive`) to volume-relative paths. The engine
 * names entries after the requested path: `path=/v/.` gives `./`, `./a/b.txt`; `path=/v` gives `v/`,
 * `v/a/b.txt`.
 */
import { StowageError } from '../core/errors.ts';
import { normaliseEntryPath } from './entry-path.ts';
import type { EntryType } from './tar-header.ts';

/**
 * `'auto'` (default) decides from the first entry: `.`/`./` means names are already relative to the volume
 * root; a single directory such as `v/` is the root and is stripped from every name. Any other string is
 * that root directory's name; `'.'` forces relative names.
 */
export type EngineRoot = string;

/**
 * Returns a function mapping a stored engine name to a normalised volume path (`./`, `./a/b`). It throws
 * `failed` naming the entry for names outside the root or with `..`/absolute components: the engine never
 * sends those, so the stream is not what Stowage asked for.
 */
export function createEngineNameMapper(root: EngineRoot = 'auto'): (name: string, type: EntryType) => string {
  let prefix: string | undefined = root === 'auto' ? undefined : root === '.' ? '' : stripSlashes(root);
  return (name, type) => {
    if (prefix === undefined) prefix = detectRoot(name, type);
    let relative = name;
    if (prefix !== '') {
      const bare = name.startsWith('./') ? name.slice(2) : name;
      if (bare !== prefix && !bare.startsWith(`${prefix}/`)) {
        throw new StowageError(
          'failed',
          `engine tar entry "${name}" is outside the volume root "${prefix}/"`,
        );
      }
      relative = bare.slice(prefix.length + 1);
    }
    const { path, problem } = normaliseEntryPath(relative === '' ? '.' : relative);
    if (problem !== undefined) {
      throw new StowageError('failed', `engine tar entry "${name}" does not name a path inside the volume`);
    }
    return path;
  };
}

function detectRoot(name: string, type: EntryType): string {
  const bare = stripSlashes(name.startsWith('./') ? name.slice(2) : name);
  if (bare === '' || bare === '.') return '';
  return type === 'directory' && !bare.includes('/') ? bare : '';
}

function stripSlashes(text: string): string {
  return text.replace(/^\/+|\/+$/g, '');
}
