/**
 * Prune plans the API computed, kept in memory under a random ID until they expire or are applied, so that
 * `apply` removes only what a person saw in the plan (and what is still prunable then). A daemon restart
 * forgets them.
 */
import { randomBytes } from 'node:crypto';
import type { PruneRequest, StoredPrunePlan } from '../api/api-backend.ts';
import type { PrunePlan } from '../lifecycle/prune-plan.ts';

/** Long enough to read a plan and confirm it, short enough that it does not go stale. */
export const PLAN_LIFETIME_MS = 10 * 60_000;

export class PrunePlanBook {
  readonly #plans = new Map<string, StoredPrunePlan>();
  readonly #lifetimeMs: number;

  constructor(lifetimeMs = PLAN_LIFETIME_MS) {
    this.#lifetimeMs = lifetimeMs;
  }

  add(request: PruneRequest, plan: PrunePlan, now = Date.now()): StoredPrunePlan {
    this.#sweep(now);
    const stored: StoredPrunePlan = {
      id: randomBytes(16).toString('hex'),
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.#lifetimeMs).toISOString(),
      request,
      ...plan,
    };
    this.#plans.set(stored.id, stored);
    return stored;
  }

  /** The plan, or undefined when it is unknown, expired or already applied. */
  get(id: string, now = Date.now()): StoredPrunePlan | undefined {
    this.#sweep(now);
    return this.#plans.get(id);
  }

  /** Like `get`, and the plan is gone afterwards: a plan is applied at most once. */
  take(id: string, now = Date.now()): StoredPrunePlan | undefined {
    const plan = this.get(id, now);
    this.#plans.delete(id);
    return plan;
  }

  #sweep(now: number): void {
    for (const [id, plan] of this.#plans) if (Date.parse(plan.expiresAt) <= now) this.#plans.delete(id);
  }
}
