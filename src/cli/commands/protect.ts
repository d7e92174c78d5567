import { notFound } from '../../core/errors.ts';
import type { CliSession } from '../session.ts';

export interface ProtectOptions {
  reason?: string;
  list?: boolean;
  json?: boolean;
}

export async function protect(session: CliSession, names: string[], options: ProtectOptions): Promise<void> {
  const marks = session.protectionMarks();
  if (options.list || names.length === 0) {
    const list = await marks.list();
    if (options.json) return session.out.json(list);
    return session.out.table(
      ['VOLUME', 'REASON', 'MARKED'],
      list.map((m) => [session.out.volumeName(m.volume), m.reason ?? '', m.markedAt]),
    );
  }
  for (const name of names) {
    await marks.protect(name, options.reason);
    session.out.write(name);
  }
}

export async function unprotect(session: CliSession, names: string[]): Promise<void> {
  for (const name of names) {
    if (!(await session.protectionMarks().unprotect(name))) {
      throw notFound(
        `unprotect ${name}: no protection mark`,
        'a volume labelled stowage.protect=true stays protected until it is recreated without the label',
      );
    }
    session.out.write(name);
  }
}
