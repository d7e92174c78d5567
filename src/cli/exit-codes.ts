/** The one place error kinds become exit codes (documented in docs/CLI.md). */
import type { ErrorKind } from '../core/errors.ts';

export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  unreachable: 5,
} as const;

const BY_KIND: Record<ErrorKind, number> = {
  invalid: EXIT.usage,
  'not-found': EXIT.notFound,
  conflict: EXIT.conflict,
  'in-use': EXIT.conflict,
  unreachable: EXIT.unreachable,
  engine: EXIT.failed,
  failed: EXIT.failed,
};

export function exitCodeFor(kind: ErrorKind): number {
  return BY_KIND[kind];
}
