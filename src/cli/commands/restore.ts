import { openArchiveSource } from '../../backup/archive-source.ts';
import { parseStopTimeout } from '../../backup/consistency.ts';
import { restoreArchive } from '../../backup/restore-volume.ts';
import { formatBytes } from '../../core/units.ts';
import { parseOptionList } from '../../lifecycle/local-driver-options.ts';
import { withInterrupt } from '../interrupt.ts';
import type { CliSession } from '../session.ts';
import { plural } from '../../core/terminal-text.ts';

export interface RestoreOptions {
  to?: string;
  force?: boolean;
  stop?: boolean;
  stopTimeout?: string;
  path?: string;
  allowDevices?: boolean;
  driver?: string;
  opt?: string[];
  json?: boolean;
}

export async function restore(session: CliSession, archive: string, options: RestoreOptions): Promise<void> {
  const stopTimeout = parseStopTimeout(options.stopTimeout);
  const context = await session.backupContext();
  const source = await openArchiveSource(archive, context.catalog);
  // Ctrl-C ends the upload and rolls back (a created volume is removed, replaced contents are put back).
  const result = await withInterrupt(
    (text) => session.out.note(text),
    (signal) =>
      restoreArchive(context, {
        signal,
        source,
        ...(options.to ? { volume: options.to } : {}),
        ...(options.force ? { force: true } : {}),
        ...(options.stop ? { stop: true } : {}),
        ...(stopTimeout !== undefined ? { stopTimeout } : {}),
        ...(options.allowDevices ? { allowDevices: true } : {}),
        ...(options.path !== undefined ? { path: options.path } : {}),
        ...(options.driver ? { driver: options.driver } : {}),
        ...(options.opt?.length ? { options: parseOptionList(options.opt, '--opt') } : {}),
      }),
  );
  const { out } = session;
  if (options.json) {
    return out.json({
      volume: result.volume,
      created: result.created,
      replaced: result.replaced,
      safetyBackup: result.safetyBackup ?? null,
      entries: result.plan.selected.entries,
      files: result.plan.selected.files,
      bytes: result.plan.selected.bytes,
      checkedAgainstManifest: result.plan.manifestChecked,
      checkedAgainstFileList: result.plan.fileListChecked,
      notes: result.notes,
    });
  }
  const how = result.created ? 'into new volume' : result.replaced ? 'replacing the contents of' : 'into';
  out.write(
    `Restored ${plural(result.plan.selected.files, 'file')} (${formatBytes(result.plan.selected.bytes)}) from ${source.label} ${how} ${result.volume}`,
  );
  if (result.safetyBackup)
    out.note(
      `The previous contents were saved as backup ${result.safetyBackup} (stowage backups ${result.volume}).`,
    );
  if (!result.plan.manifestChecked)
    out.note('The archive had no manifest: its structure and safety were checked, not its checksums.');
  for (const note of result.notes) out.note(note);
}
