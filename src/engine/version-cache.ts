/**
 * Remembers the API version negotiated with each engine, so a command can skip the `/_ping` round trip
 * that would otherwise precede its first request (the single largest cost of a short command's run).
 * A stale entry is harmless: the engine refuses the version, the transport negotiates again and retries.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeFolderSync } from '../core/make-folder.ts';

export interface VersionCache {
  get(endpoint: string): string | undefined;
  set(endpoint: string, version: string): void;
}

/** A cache in one small JSON file; unreadable or unwritable files only cost the ping. */
export function fileVersionCache(file: string): VersionCache {
  let entries: Record<string, string> | undefined;
  const load = (): Record<string, string> => {
    if (entries) return entries;
    try {
      entries = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    } catch {
      entries = {};
    }
    return entries;
  };
  return {
    get: (endpoint) => load()[endpoint],
    set(endpoint, version) {
      const all = load();
      if (all[endpoint] === version) return;
      all[endpoint] = version;
      try {
        makeFolderSync(dirname(file));
        writeFileSync(`${file}.tmp`, JSON.stringify(all));
        renameSync(`${file}.tmp`, file);
      } catch {
        // a read-only data folder: the next command negotiates again
      }
    },
  };
}
