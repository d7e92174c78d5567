/** Destructive API calls, one JSON line each, appended to `<data-dir>/audit.log` (0600). */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

export class AuditLog {
  readonly #file: string;

  constructor(dataDir: string) {
    this.#file = join(dataDir, 'audit.log');
  }

  record(entry: { action: string; subject: string; outcome: string }): void {
    appendFileSync(this.#file, `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`, {
      mode: 0o600,
    });
  }
}
