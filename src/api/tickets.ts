/**
 * Short-lived tickets for streams a browser opens without headers (EventSource cannot send a bearer
 * token): `POST /api/tickets` with the token returns one, valid once, for 60 seconds.
 */
import { randomBytes } from 'node:crypto';

const LIFETIME_MS = 60_000;

export class TicketBook {
  readonly #tickets = new Map<string, number>();

  issue(): { ticket: string; expiresAt: string } {
    this.#sweep();
    const ticket = randomBytes(24).toString('base64url');
    const expires = Date.now() + LIFETIME_MS;
    this.#tickets.set(ticket, expires);
    return { ticket, expiresAt: new Date(expires).toISOString() };
  }

  /** True once for a valid ticket; it is spent by the check. */
  redeem(ticket: string): boolean {
    const expires = this.#tickets.get(ticket);
    this.#tickets.delete(ticket);
    return expires !== undefined && expires > Date.now();
  }

  #sweep(): void {
    const now = Date.now();
    for (const [ticket, expires] of this.#tickets) if (expires <= now) this.#tickets.delete(ticket);
  }
}
