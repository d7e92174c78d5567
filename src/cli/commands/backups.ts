import { scanTarget } from '../../backup/backup-catalog.ts';
import { formatAge, formatBytes } from '../../core/units.ts';
import { LocalTarget } from '../../targets/local-target.ts';
import type { CliSession } from '../session.ts';

export interface BackupsOptions {
  scan?: string;
  json?: boolean;
}

/** Lists the catalog's backups; `--scan DIR` first registers the archives found in a folder. */
export async function backups(
  session: CliSession,
  volume: string | undefined,
  options: BackupsOptions,
): Promise<void> {
  const catalog = session.catalog();
  if (options.scan) {
    const engineId = await session
      .engine()
      .info()
      .then(
        (i) => i.id,
        () => '',
      );
    const result = await scanTarget(new LocalTarget(options.scan), catalog, engineId);
    session.out.note(
      `scanned ${options.scan}: ${result.registered.length} archive(s) registered, ${result.known} already known, ${result.swept.length} leftover(s) removed`,
    );
    for (const bad of result.unreadable) session.out.note(`  skipped ${bad.key}: ${bad.error}`);
  }
  const records = catalog.backups.list(volume === undefined ? {} : { volume });
  if (options.json) return session.out.json(records);
  const now = Date.now();
  session.out.table(
    ['ID', 'VOLUME', 'AGE', 'FILES', 'SIZE', 'ARCHIVE', 'VERIFIED', 'LOCATION'],
    records.map((r) => [
      String(r.id),
      r.volume,
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
