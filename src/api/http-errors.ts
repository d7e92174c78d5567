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

/** Kinds only the HTTP layer produces: no token (401), a Host header for another name (421), a bug (500). */
export type HttpOnlyKind = 'unauthorized' | 'misdirected' | 'internal';

/** Every kind an error body may carry (the OpenAPI document lists them). */
export const ERROR_KINDS = [
  ...(Object.keys(STATUS) as ErrorKind[]),
  'unauthorized',
  'misdirected',
  'internal',
] as const;

export interface ErrorBody {
  error: { kind: ErrorKind | HttpOnlyKind; message: string; hint: string | null };
}

export function errorBody(kind: ErrorBody['error']['kind'], message: string, hint?: string): ErrorBody {
  return { error: { kind, message, hint: hint ?? null } };
}
