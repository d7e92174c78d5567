import { scanTarget } from '../../backup/backup-catalog.ts';
import { formatAge, formatBytes } from '../../core/units.ts';
import { LocalTarget } from '../../targets/local-target.ts';
import { parseFormat, renderFormat } from '../format.ts';
import { BACKUP_FIELDS, backupRow } from '../format-rows.ts';
import type { CliSession } from '../session.ts';
import { plural } from '../../core/terminal-text.ts';

export interface BackupsOptions {
  scan?: string;
  adopt?: boolean;
  json?: boolean;
  format?: string;
  quiet?: boolean;
}

/**
 * Lists the catalog's backups of every engine, each with its engine (a known engine's label, or `id:…` for
 * backups made before Stowage told engines apart); `--scan DIR` first registers the archives found in a
 * folder; `--adopt` first hands the current engine those older backups of its reported ID.
 */
export async function backups(
  session: CliSession,
  volume: string | undefined,
  options: BackupsOptions,
): Promise<void> {
  const format = parseFormat(options.format);
  const catalog = session.catalog();
  if (options.scan) {
    const engineId = await session.engineInfo().then(
      (i) => i.id,
      () => '',
    );
    const result = await scanTarget(new LocalTarget(options.scan), catalog, engineId);
    session.out.note(
      `scanned ${options.scan}: ${plural(result.registered.length, 'archive')} registered, ${result.known} already known, ${plural(result.swept.length, 'leftover')} removed`,
    );
    for (const bad of result.unreadable) session.out.note(`  skipped ${bad.key}: ${bad.error}`);
  }
  if (options.adopt) {
    const engine = await session.engineInfo();
    const adopted = catalog.engines.adoptBackups(engine, volume);
    const sharing = catalog.engines.sharing(engine.reportedId);
    session.out.note(
      `adopted ${plural(adopted, 'backup')} made before Stowage told engines apart for engine ${engine.label}` +
        (sharing > 1 ? ` (note: ${sharing} engines report its ID ${engine.reportedId})` : ''),
    );
  }
  const records = catalog.backups.list(volume === undefined ? {} : { volume });
  const labels = catalog.engines.labels(records.map((r) => r.engineId));
  if (options.json) return session.out.json(records.map((r) => ({ ...r, engine: labels.get(r.engineId)! })));
  const now = Date.now();
  if (format) {
    const rows = records.map((r) => backupRow(r, labels.get(r.engineId)!, now));
    return session.out.formatted(renderFormat(format, rows, BACKUP_FIELDS));
  }
  if (options.quiet) return session.out.formatted(records.map((r) => `${r.id}\n`).join(''));
  session.out.table(
    ['ID', 'ENGINE', 'VOLUME', 'AGE', 'FILES', 'SIZE', 'ARCHIVE', 'VERIFIED', 'LOCATION'],
    records.map((r) => [
      String(r.id),
      labels.get(r.engineId)!,
      session.out.volumeName(r.volume),
      `${formatAge(now - Date.parse(r.finishedAt))} ago`,
      r.files === null ? '?' : String(r.files),
      r.bytes === null ? '?' : formatBytes(r.bytes),
      `${formatBytes(r.archiveBytes)} ${r.compression}`,
      r.verifyStatus === null
        ? 'never'
        : `${r.verifyStatus} ${formatAge(now - Date.parse(r.verifiedAt!))} ago`,
      `${r.target.replace(/^local:/, '')}/${r.archiveKey}`,
    ]),
  );
}
