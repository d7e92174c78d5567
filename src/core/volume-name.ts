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
