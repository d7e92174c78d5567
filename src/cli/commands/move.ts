import { cloneVolume, renameVolume, transferVolume, type MoveResult } from '../../backup/volume-moves.ts';
import { formatBytes } from '../../core/units.ts';
import { connectEngine } from '../../engine/docker-engine.ts';
import { parseOptionList } from '../../lifecycle/local-driver-options.ts';
import { withInterrupt } from '../interrupt.ts';
import { progressDisplay } from '../progress.ts';
import type { CliSession } from '../session.ts';
import { plural } from '../../core/terminal-text.ts';

export interface MoveOptions {
  driver?: string;
  opt?: string[];
  json?: boolean;
}

export interface TransferOptions extends MoveOptions {
  toHost: string;
  name?: string;
}

type Mover = (
  signal: AbortSignal,
  onProgress: (p: Parameters<ReturnType<typeof progressDisplay>['update']>[0]) => void,
) => Promise<MoveResult>;

async function run(session: CliSession, verb: string, options: MoveOptions, move: Mover): Promise<void> {
  const progress = progressDisplay();
  const result = await withInterrupt(
    (text) => session.out.note(text),
    (signal) => move(signal, (p) => progress.update(p)),
  ).finally(() => progress.stop());
  if (options.json) return session.out.json({ ...result, verified: true });
  session.out.write(
    `${verb} ${result.source} → ${result.destination}: ${plural(result.files, 'file')}, ${formatBytes(result.bytes)}, every file verified`,
  );
  if (result.droppedOptions.length) {
    session.out.note(
      `driver options of ${result.source} (${result.droppedOptions.join(', ')}) were not copied: they point at host paths or shares; pass --opt to set them`,
    );
  }
}

const moveOptions = (options: MoveOptions) => ({
  ...(options.driver ? { driver: options.driver } : {}),
  ...(options.opt?.length ? { options: parseOptionList(options.opt, '--opt') } : {}),
});

export async function clone(
  session: CliSession,
  source: string,
  destination: string,
  options: MoveOptions,
): Promise<void> {
  const context = await session.backupContext();
  await run(session, 'Cloned', options, (signal, onProgress) =>
    cloneVolume(context, source, destination, { ...moveOptions(options), signal, onProgress }),
  );
}

export async function rename(
  session: CliSession,
  source: string,
  destination: string,
  options: MoveOptions,
): Promise<void> {
  const context = await session.backupContext();
  await run(session, 'Renamed', options, (signal, onProgress) =>
    renameVolume(context, source, destination, { ...moveOptions(options), signal, onProgress }),
  );
}

export async function transfer(session: CliSession, volume: string, options: TransferOptions): Promise<void> {
  const context = await session.backupContext();
  const destination = connectEngine({ host: options.toHost });
  try {
    await destination.info(); // fails early, with the usual message, when the other engine is unreachable
    await run(session, `Transferred to ${destination.endpoint}:`, options, (signal, onProgress) =>
      transferVolume(context, destination, volume, options.name ?? volume, {
        ...moveOptions(options),
        signal,
        onProgress,
      }),
    );
  } finally {
    destination.close();
  }
}
