/**
 * Which engine this is, for everything Stowage keeps about it (backups, protection marks, history, runs,
 * locks). The engine's reported `ID` alone is not enough: Docker before 23.0 derives it from a key file
 * (`/etc/docker/key.json`) that every engine on a host shares, and cloned machines share it too. Two
 * engines on one host differ by their data root; cloned machines by their name (the hostname).
 */
import { createHash } from 'node:crypto';

/** What the engine says about itself (`GET /info`). */
export interface ReportedEngine {
  id: string;
  name: string;
  dockerRootDir: string;
}

export interface EngineIdentity {
  /** The stable key: 16 hex digits of a SHA-256 of the reported ID, data root and name. */
  key: string;
  /** A short readable name for tables: the engine's name and the key's first digits (`buildhost#3fa2c1`). */
  label: string;
}

export function engineIdentity(reported: ReportedEngine): EngineIdentity {
  // JSON of an array: no separator inside a value can make two different triples hash alike.
  const key = createHash('sha256')
    .update(JSON.stringify([reported.id, reported.dockerRootDir, reported.name]))
    .digest('hex')
    .slice(0, 16);
  return { key, label: `${reported.name || 'engine'}#${key.slice(0, 6)}` };
}
