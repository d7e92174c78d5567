/**
 * Prometheus metrics, computed when scraped from the inventory and the catalog (no background polling),
 * plus counters the daemon increments itself. Every `volume` label names a volume the engine has now: the
 * API refuses a job for a volume that does not exist, and a scrape drops the series of removed volumes, so
 * the exposition cannot grow with what clients ask for. Values are rounded to what a reader can use.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { BackupRecord } from '../catalog/backup-store.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { InventoryService } from '../inventory/inventory-service.ts';
import { parseVolumeQuery } from '../inventory/volume-query.ts';
import { COST_CATEGORIES, estimateCost } from '../lifecycle/cost-estimate.ts';

export class DaemonMetrics {
  readonly registry = new Registry();
  readonly backupFailures: Counter<'volume'>;

  /** `engineId`: the managed engine's key; the catalog also holds other engines' backups of same-named volumes. */
  constructor(
    inventory: InventoryService,
    catalog: Catalog,
    engineId: string,
    pricePerGbMonth: () => number,
  ) {
    const registry = this.registry;
    this.backupFailures = new Counter({
      name: 'stowage_backup_failures_total',
      help: 'Backups that failed, since the daemon started, per volume that still exists',
      labelNames: ['volume'],
      registers: [registry],
    });
    // One collect fills every gauge from one listing, so a scrape costs one inventory pass.
    let collecting: Promise<void> | undefined;
    const collect = () => {
      collecting ??= (async () => {
        const volumes = await inventory.list(parseVolumeQuery({ sizes: true }));
        for (const gauge of [size, inUse, lastSuccess, duration, bytes]) gauge.reset();
        for (const volume of volumes) {
          if (typeof volume.sizeBytes === 'number')
            size.set({ volume: volume.name, driver: volume.driver }, volume.sizeBytes);
          inUse.set({ volume: volume.name }, volume.status === 'in-use' ? 1 : 0);
        }
        dangling.set(volumes.filter((v) => v.status === 'dangling').length);
        const estimate = estimateCost(volumes, pricePerGbMonth());
        for (const category of COST_CATEGORIES) {
          unusedCost.set({ category }, round(estimate.byCategory[category].monthlyCost, 6));
          unusedBytes.set({ category }, estimate.byCategory[category].bytes);
        }
        anonymous.set(volumes.filter((v) => v.anonymous).length);
        const existing = new Set(volumes.map((v) => v.name));
        for (const { labels } of (await this.backupFailures.get()).values)
          if (typeof labels.volume === 'string' && !existing.has(labels.volume))
            this.backupFailures.remove({ volume: labels.volume });
        const newest = new Map<string, BackupRecord>();
        // Only this engine's backups of volumes it has now: the catalog also remembers removed volumes, and
        // another engine's backup of a same-named volume says nothing about this one.
        for (const record of catalog.backups.list({ engineId }))
          if (existing.has(record.volume) && !newest.has(record.volume)) newest.set(record.volume, record);
        for (const [volume, record] of newest) {
          const finished = Date.parse(record.finishedAt);
          lastSuccess.set({ volume }, round(finished / 1000, 3));
          if (record.startedAt)
            duration.set({ volume }, round((finished - Date.parse(record.startedAt)) / 1000, 3));
          if (record.bytes !== null) bytes.set({ volume }, record.bytes);
        }
      })().finally(() => {
        collecting = undefined;
      });
      return collecting;
    };
    const unusedCost = new Gauge({
      name: 'stowage_unused_volume_cost_per_month',
      help: 'Estimated monthly storage cost of volumes no running container uses (category orphan = dangling and anonymous), at cost.pricePerGbMonth',
      labelNames: ['category'],
      registers: [registry],
      collect,
    });
    const unusedBytes = new Gauge({
      name: 'stowage_unused_volume_bytes',
      help: 'Bytes in volumes no running container uses, by category (orphan, dangling, idle)',
      labelNames: ['category'],
      registers: [registry],
      collect,
    });
    const size = new Gauge({
      name: 'stowage_volume_size_bytes',
      help: 'Volume size (absent where none can be measured)',
      labelNames: ['volume', 'driver'],
      registers: [registry],
      collect,
    });
    const inUse = new Gauge({
      name: 'stowage_volume_in_use',
      help: '1 when a running container uses the volume',
      labelNames: ['volume'],
      registers: [registry],
      collect,
    });
    const dangling = new Gauge({
      name: 'stowage_volumes_dangling',
      help: 'Volumes no container references',
      registers: [registry],
      collect,
    });
    const anonymous = new Gauge({
      name: 'stowage_volumes_anonymous',
      help: 'Anonymous volumes',
      registers: [registry],
      collect,
    });
    const lastSuccess = new Gauge({
      name: 'stowage_backup_last_success_timestamp_seconds',
      help: 'When the newest backup of the volume finished',
      labelNames: ['volume'],
      registers: [registry],
      collect,
    });
    const duration = new Gauge({
      name: 'stowage_backup_duration_seconds',
      help: 'How long the newest backup of the volume took',
      labelNames: ['volume'],
      registers: [registry],
      collect,
    });
    const bytes = new Gauge({
      name: 'stowage_backup_bytes',
      help: 'Data bytes in the newest backup of the volume',
      labelNames: ['volume'],
      registers: [registry],
      collect,
    });
  }

  async expose(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** `digits` decimals at most: a cost of 0.30000000000000004 reads as 0.3. */
function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
