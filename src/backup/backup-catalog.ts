/**
 * The catalog side of backups: listing, and rebuilding the catalog from what a target holds (after a
 * host is lost, or for archives copied in by hand). Only committed archives are registered; leftovers of
 * interrupted backups (pending objects, a manifest or file list without its archive) are swept.
 */
import { text } from 'node:stream/consumers';
import { parseManifest } from '../archive/manifest.ts';
import { detectCompression } from '../archive/compression.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Target } from '../targets/contract.ts';
import { FILE_LIST_SUFFIX, isArchiveKey, keysFor, MANIFEST_SUFFIX } from './archive-keys.ts';

export interface ScanResult {
  registered: string[];
  known: number;
  swept: string[];
  unreadable: { key: string; error: string }[];
}

/** A manifest or file list whose archive has not appeared for this long belongs to a dead backup. */
const ORPHAN_AGE_MS = 10 * 60_000;

export async function scanTarget(target: Target, catalog: Catalog, engineId: string): Promise<ScanResult> {
  const result: ScanResult = { registered: [], known: 0, swept: await target.sweep(), unreadable: [] };
  const objects = await target.list();
  const keys = new Set(objects.map((o) => o.key));
  for (const object of objects) {
    const sidecar = object.key.endsWith(MANIFEST_SUFFIX)
      ? MANIFEST_SUFFIX
      : object.key.endsWith(FILE_LIST_SUFFIX)
        ? FILE_LIST_SUFFIX
        : undefined;
    if (sidecar) {
      const archive = object.key.slice(0, -sidecar.length);
      if (!keys.has(archive) && Date.now() - object.modified.getTime() > ORPHAN_AGE_MS) {
        await target.remove(object.key);
        result.swept.push(object.key);
      }
      continue;
    }
    if (!isArchiveKey(object.key)) continue;
    if (catalog.backups.findByKey(target.url, object.key)) {
      result.known++;
      continue;
    }
    try {
      const sidecars = keysFor(object.key);
      const manifest = keys.has(sidecars.manifest)
        ? parseManifest(JSON.parse(await text(await target.open(sidecars.manifest))))
        : undefined;
      catalog.backups.add({
        engineId: manifest?.source.engine.id ?? engineId,
        volume: manifest?.volume.name ?? volumeFromKey(object.key),
        target: target.url,
        archiveKey: object.key,
        manifestKey: manifest ? sidecars.manifest : null,
        fileListKey: keys.has(sidecars.fileList) ? sidecars.fileList : null,
        compression: manifest?.compression ?? (await sniffCompression(target, object.key)),
        startedAt: manifest?.startedAt ?? null,
        finishedAt: manifest?.finishedAt ?? object.modified.toISOString(),
        files: manifest?.contents.files ?? null,
        bytes: manifest?.contents.bytes ?? null,
        archiveBytes: object.size,
        archiveSha256: manifest?.archive.sha256 ?? null,
      });
      result.registered.push(object.key);
    } catch (error) {
      result.unreadable.push({ key: object.key, error: (error as Error).message });
    }
  }
  return result;
}

/** `pg-data/pg-data-20261125T203000Z.tar.zst` → `pg-data`; a bare `backup.tar.gz` → `backup`. */
function volumeFromKey(key: string): string {
  const parts = key.split('/');
  return parts.length > 1
    ? decodeURIComponent(parts[0]!)
    : parts[0]!.replace(/\.(tar|tar\.gz|tgz|tar\.zst|tar\.zstd)$/, '');
}

async function sniffCompression(target: Target, key: string): Promise<string> {
  const stream = await target.open(key);
  for await (const chunk of stream) {
    stream.destroy();
    return detectCompression(chunk as Buffer);
  }
  return 'none';
}
