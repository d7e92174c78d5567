/**
 * The API's bearer token: generated at the daemon's first start into a 0600 file in the data folder, shown
 * by `stowage token`, replaced by `stowage token --rotate`. Compared in constant time.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivate } from '../config/data-dir.ts';
import { StowageError } from '../core/errors.ts';
import { makeFolderSync } from '../core/make-folder.ts';

export const TOKEN_FILE = 'api-token';

export function tokenPath(dataDir: string): string {
  return join(dataDir, TOKEN_FILE);
}

/** The current token, created when there is none. */
export function ensureToken(dataDir: string): string {
  const file = tokenPath(dataDir);
  if (!existsSync(file)) return writeToken(dataDir);
  makePrivate(file); // a copy restored or edited by hand may have come back world-readable
  return readToken(dataDir);
}

/** @throws StowageError 'not-found' when the daemon never started with this data folder. */
export function readToken(dataDir: string): string {
  const file = tokenPath(dataDir);
  if (!existsSync(file)) {
    throw new StowageError('not-found', `no API token in ${dataDir}`, {
      hint: 'start `stowage daemon` once, or run `stowage token --rotate` to create one',
    });
  }
  return readFileSync(file, 'utf8').trim();
}

/** Replaces the token; a running daemon picks the new one up on its next request. */
export function writeToken(dataDir: string): string {
  makeFolderSync(dataDir, 0o700);
  const token = randomBytes(32).toString('base64url');
  const file = tokenPath(dataDir);
  writeFileSync(`${file}.tmp`, `${token}\n`, { mode: 0o600 });
  chmodSync(`${file}.tmp`, 0o600);
  renameSync(`${file}.tmp`, file);
  return token;
}

export function tokensMatch(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
