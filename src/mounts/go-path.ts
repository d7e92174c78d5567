/**
 * Go's `path.Clean`: the shortest slash path equivalent to `path` (no `.`, no resolvable `..`, no repeated or
 * trailing `/`; `''` becomes `.`). The engine compares cleaned targets with `/`, the CLI resolves `./x` with it.
 */
export function cleanPath(path: string): string {
  const rooted = path.startsWith('/');
  const kept: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment !== '..') kept.push(segment);
    else if (kept.length > 0 && kept[kept.length - 1] !== '..') kept.pop();
    // `..` above the root is the root; above a relative start it is kept.
    else if (!rooted) kept.push('..');
  }
  const joined = kept.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}
