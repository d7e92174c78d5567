/** The one place error kinds become HTTP statuses; every error body has the same shape. */
import type { ErrorKind } from '../core/errors.ts';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  'not-found': 404,
  conflict: 409,
  'in-use': 409,
  unreachable: 503,
  engine: 502,
  failed: 500,
};

export function statusFor(kind: ErrorKind): number {
  return STATUS[kind];
}

export interface ErrorBody {
  error: { kind: ErrorKind | 'unauthorized' | 'internal'; message: string; hint: string | null };
}

export function errorBody(kind: ErrorBody['error']['kind'], message: string, hint?: string): ErrorBody {
  return { error: { kind, message, hint: hint ?? null } };
}
