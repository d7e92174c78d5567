import { join } from 'node:path';
import { backupVolume, type BackupResult } from '../../backup/backup-volume.ts';
import { parseStopTimeout } from '../../backup/consistency.ts';
import { mapLimited } from '../../core/concurrency.ts';
import { invalid, isStowageError, StowageError } from '../../core/errors.ts';
import { LABELS } from '../../core/labels.ts';
import { formatBytes } from '../../core/units.ts';
import { LocalTarget } from '../../targets/local-target.ts';
import { withInterrupt } from '../interrupt.ts';
import { progressDisplay } from '../progress.ts';
import type { CliSession } from '../session.ts';
import { plural } from '../../core/terminal-text.ts';

export interface BackupOptions {
  all?: boolean;
  label?: string[];
  to?: string;
  gzip?: boolean;
  stop?: boolean;
  pause?: boolean;
  stopTimeout?: string;
  concurrency?: string;
  json?: boolean;
}

export async function backup(session: CliSession, names: string[], options: BackupOptions): Promise<void> {
  const selectors = (options.all ? 1 : 0) + (options.label?.length ? 1 : 0) + (names.length ? 1 : 0);
  if (selectors !== 1)
    throw invalid(
      'name the volumes, or use --all or --label KEY=VALUE (one of them)',
      'e.g. `stowage backup pg-data` or `stowage backup --all`',
    );
  const config = session.config().backup;
  const concurrency = Number(options.concurrency ?? config.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw invalid(`invalid --concurrency "${options.concurrency}"`, 'give a whole number of 1 or more');
  const stopTimeout = parseStopTimeout(options.stopTimeout);
  // The folder first: a file, /proc or a read-only path fails now, by name, before any engine work.
  const target = new LocalTarget(options.to ?? config.target ?? join(session.dataDir, 'backups'));
  await target.prepare();
  const context = await session.backupContext();
  const engine = context.engine;
  const volumes = names.length
    ? names
    : (await engine.volumes.list(options.label?.length ? { label: options.label } : {}))
        .filter((v) => v.labels[LABELS.scratch] === undefined)
        .map((v) => v.name);
  if (volumes.length === 0)
    throw new StowageError('not-found', 'no volume matches', { hint: 'list volumes with `stowage ls`' });
  const sizes = await engine.volumes.sizes().catch(() => new Map<string, number>());
  const progress = progressDisplay();
  const results = await withInterrupt(
    (text) => session.out.note(text),
    (signal) =>
      mapLimited(volumes, concurrency, async (volume): Promise<BackupResult | StowageError> => {
        try {
          const expected = sizes.get(volume);
          const result = await backupVolume(context, {
            volume,
            target,
            compression: options.gzip ? 'gzip' : config.compression,
            consistency: {
              ...(options.stop ? { stop: true } : {}),
              ...(options.pause ? { pause: true } : {}),
              ...(stopTimeout !== undefined ? { stopTimeout } : {}),
            },
            signal,
            ...(expected !== undefined ? { expectedBytes: expected } : {}),
            onProgress: (p) => progress.update(p),
          });
          progress.done(volume);
          return result;
        } catch (error) {
          if (!isStowageError(error) || error.kind === 'unreachable') throw error;
          return error;
        }
      }),
  ).finally(() => progress.stop());
  report(session, results, target.root, options.json ?? false);
}

function report(
  session: CliSession,
  results: (BackupResult | StowageError)[],
  folder: string,
  json: boolean,
): void {
  const failures = results.filter((r): r is StowageError => r instanceof StowageError);
  const done = results.filter((r): r is BackupResult => !(r instanceof StowageError));
  if (json) {
    session.out.json({
      target: folder,
      backups: done.map((r) => ({
        id: r.id,
        volume: r.volume,
        archive: join(folder, r.keys.archive),
        manifest: join(folder, r.keys.manifest),
        files: r.manifest.contents.files,
        bytes: r.manifest.contents.bytes,
        archiveBytes: r.manifest.archive.bytes,
        sha256: r.manifest.archive.sha256,
        compression: r.manifest.compression,
        durationMs: r.durationMs,
        held: r.held,
        warnings: r.warnings,
      })),
      failures: failures.map((f) => ({ error: f.message, hint: f.hint ?? null })),
    });
  } else {
    if (done.length) {
      session.out.table(
        ['ID', 'VOLUME', 'FILES', 'SIZE', 'ARCHIVE', 'TIME', 'PATH'],
        done.map((r) => [
          String(r.id),
          session.out.volumeName(r.volume),
          String(r.manifest.contents.files),
          formatBytes(r.manifest.contents.bytes),
          formatBytes(r.manifest.archive.bytes),
          `${(r.durationMs / 1000).toFixed(1)}s`,
          join(folder, r.keys.archive),
        ]),
        // The path is how the archive is found again: both its ends stay.
        { cut: ['PATH', 'VOLUME'], middle: ['PATH', 'VOLUME'] },
      );
    }
    for (const r of done) {
      for (const held of r.held)
        session.out.note(`${r.volume}: ${held.name} was ${held.how} during the backup, and is running again`);
      for (const warning of r.warnings) session.out.note(`${r.volume}: warning: ${warning}`);
    }
    for (const f of failures) session.out.note(`stowage: ${f.message}${f.hint ? `\n  hint: ${f.hint}` : ''}`);
  }
  if (failures.length) {
    throw new StowageError(
      failures[0]!.kind,
      `${failures.length} of ${plural(results.length, 'backup')} failed`,
      {
        hint: 'see the messages above',
      },
    );
  }
}
