/**
 * Docker's rule for volume names (moby's local driver: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`), applied to every name
 * a user, a request or a manifest gives Stowage before anything reaches the engine. A name outside the rule
 * would be refused by the engine anyway, and some (`..`, `../x`, `/etc/passwd`) would change the engine URL
 * Stowage calls, so they are refused here with the engine's own wording.
 */
import { invalid } from './errors.ts';

const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
/** The engine accepts longer names, but a name becomes a folder name: 255 bytes at most on every file system. */
const MAX_BYTES = 255;

/** Why `name` is not a valid volume name, in the engine's words, or undefined when it is valid. */
export function volumeNameProblem(name: string): string | undefined {
  // Go's len() counts bytes: "é" is two bytes, so it fails the pattern rather than the length.
  const bytes = Buffer.byteLength(name);
  if (bytes < 2) return 'volume name is too short, names should be at least two alphanumeric characters';
  if (!VOLUME_NAME.test(name)) {
    return `${JSON.stringify(name)} includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed`;
  }
  if (bytes > MAX_BYTES) return `volume name is longer than ${MAX_BYTES} bytes`;
  return undefined;
}

/**
 * Throws `invalid` (exit 2, HTTP 400) naming the volume and Docker's rule when `name` is not a valid volume
 * name. `role` says which name it is in the message ("volume", "target volume", …).
 */
export function checkVolumeName(name: string, role = 'volume'): string {
  const problem = volumeNameProblem(name);
  if (problem !== undefined) {
    throw invalid(
      `${role} name ${JSON.stringify(name)}: ${problem}`,
      'volume names are two or more letters, digits, "_", "." or "-", starting with a letter or digit',
    );
  }
  return name;
}

const isDigit = (code: number) => code >= 48 && code <= 57;

/**
 * Orders volume names as `docker volume ls` does (github.com/fvbommel/sortorder NaturalLess): runs of
 * digits compare as numbers (`vol-9` before `vol-10`), digits before other characters, everything else by
 * code unit (upper case before lower). Names are ASCII by Docker's rule, so code units are its bytes.
 */
export function compareVolumeNames(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    const da = isDigit(ca);
    const db = isDigit(cb);
    if (da !== db) return da ? -1 : 1;
    if (!da) {
      if (ca !== cb) return ca < cb ? -1 : 1;
      i++;
      j++;
      continue;
    }
    while (i < a.length && a[i] === '0') i++;
    while (j < b.length && b[j] === '0') j++;
    const startA = i;
    const startB = j;
    while (i < a.length && isDigit(a.charCodeAt(i))) i++;
    while (j < b.length && isDigit(b.charCodeAt(j))) j++;
    if (i - startA !== j - startB) return i - startA < j - startB ? -1 : 1;
    const na = a.slice(startA, i);
    const nb = b.slice(startB, j);
    if (na !== nb) return na < nb ? -1 : 1;
    // Equal numbers: the one with fewer leading zeros first.
    if (startA !== startB) return startA < startB ? -1 : 1;
  }
  return a.length - i === b.length - j ? 0 : a.length - i < b.length - j ? -1 : 1;
}
