/**
 * Destructive API calls, one JSON line each, appended to `<data-dir>/audit.log` (0600): what was asked,
 * and for a job, a line when it starts and one with its outcome (succeeded or failed, the error, how long
 * it took). Secrets never reach it: URLs lose their credentials and `token=`-like values are masked.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivate } from '../config/data-dir.ts';

export interface AuditEntry {
  action: string;
  subject: string;
  outcome: string;
  job?: string;
  durationMs?: number;
  error?: string;
}

export class AuditLog {
  readonly #file: string;

  constructor(dataDir: string) {
    this.#file = join(dataDir, 'audit.log');
    // A file made by an older version may be world-readable: `mode` below applies only on creation.
    makePrivate(this.#file);
  }

  record(entry: AuditEntry): void {
    const line = { at: new Date().toISOString(), ...entry };
    if (line.error !== undefined) line.error = redactSecrets(line.error);
    line.subject = redactSecrets(line.subject);
    appendFileSync(this.#file, `${JSON.stringify(line)}\n`, { mode: 0o600 });
  }
}

/** Masks what looks like a credential in free text: `scheme://user:pass@`, `token=…`, `password: …`. */
export function redactSecrets(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@')
    .replace(/\b(token|secret|password|passwd|key|signature|credential)s?([=:]\s*)[^\s&,;"']+/gi, '$1$2***');
}
