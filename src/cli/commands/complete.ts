import type { Command } from 'commander';
import { compareVolumeNames } from '../../core/volume-name.ts';
import { completionScript } from '../completion.ts';
import type { CliSession } from '../session.ts';

/** `stowage completion SHELL`: the script, from the program's own commands and options. */
export function completion(program: Command, shell: string, out: (text: string) => void): void {
  out(completionScript(program, shell));
}

/**
 * `stowage __complete volumes`: the engine's volume names, one a line, for the completion scripts. Quiet
 * by design: a shell completing a word must not print errors, so no engine means no names and exit 0.
 */
export async function completeVolumes(open: () => Promise<CliSession>): Promise<void> {
  try {
    const session = await open();
    const volumes = await session.engine().volumes.list();
    const names = volumes.map((v) => v.name).sort(compareVolumeNames);
    process.stdout.write(names.map((n) => `${n}\n`).join(''));
  } catch {
    // Nothing to offer.
  }
}
