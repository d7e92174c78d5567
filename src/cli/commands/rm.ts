import { isStowageError, StowageError } from '../../core/errors.ts';
import { removeVolume } from '../../lifecycle/remove-volume.ts';
import type { CliSession } from '../session.ts';
import { plural } from '../../core/terminal-text.ts';

/** Removes each volume in turn, like `docker volume rm`: one refusal does not stop the others. */
export async function rm(session: CliSession, names: string[], options: { force?: boolean }): Promise<void> {
  const failures: StowageError[] = [];
  for (const name of names) {
    try {
      await removeVolume(session.engine(), session.inventory(), name, options);
      session.out.write(name);
    } catch (error) {
      if (!isStowageError(error) || error.kind === 'unreachable' || names.length === 1) throw error;
      failures.push(error);
      session.out.note(`stowage: ${error.message}${error.hint ? `\n  hint: ${error.hint}` : ''}`);
    }
  }
  if (failures.length > 0) {
    throw new StowageError(
      failures[0]!.kind,
      `${failures.length} of ${plural(names.length, 'volume')} ${failures.length === 1 ? 'was' : 'were'} not removed`,
    );
  }
}
