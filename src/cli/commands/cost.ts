import { catalogExists } from '../../catalog/catalog.ts';
import { formatAge, formatBytes } from '../../core/units.ts';
import { historyIdleStates } from '../../history/volume-history.ts';
import { parseVolumeQuery } from '../../inventory/volume-query.ts';
import {
  COST_CATEGORIES,
  estimateCost,
  formatCost,
  parsePrice,
  type CostLine,
} from '../../lifecycle/cost-estimate.ts';
import type { CliSession } from '../session.ts';
import { plural } from '../../core/terminal-text.ts';

export interface CostOptions {
  pricePerGbMonth: string;
  filter?: string[];
  json?: boolean;
}

/** Estimated monthly cost of the volumes no container runs with: orphans, dangling and idle ones. */
export async function cost(session: CliSession, options: CostOptions): Promise<void> {
  const price = parsePrice(options.pricePerGbMonth);
  const query = parseVolumeQuery({ filter: options.filter ?? [], sizes: true });
  const volumes = await session.inventory().list(query);
  const catalog = catalogExists(session.dataDir) ? session.catalog() : undefined;
  const idle = await historyIdleStates(catalog, session.engine())(volumes, new Date());
  const estimate = estimateCost(volumes, price, idle);
  const { out } = session;
  if (options.json) return out.json(estimate);
  if (estimate.volumes.length === 0) {
    out.write('No orphaned, dangling or idle volumes: nothing is paid for unused storage.');
    return;
  }
  out.table(
    ['VOLUME', 'CATEGORY', 'SIZE', 'UNUSED FOR', 'COST/MONTH'],
    estimate.volumes.map((line) => [
      out.volumeName(line.name) + (line.protected ? ' (protected)' : ''),
      line.category,
      line.sizeBytes === null ? 'n/a' : formatBytes(line.sizeBytes),
      unusedCell(line),
      line.monthlyCost === null ? 'n/a' : formatCost(line.monthlyCost),
    ]),
    { cut: ['VOLUME'], middle: ['VOLUME'] },
  );
  const parts = COST_CATEGORIES.filter((c) => estimate.byCategory[c].volumes > 0).map(
    (c) =>
      `${c} ${formatCost(estimate.byCategory[c].monthlyCost)} (${estimate.byCategory[c].volumes}, ${formatBytes(estimate.byCategory[c].bytes)})`,
  );
  const { total } = estimate;
  out.write(
    `Total: ${formatCost(total.monthlyCost)} per month for ${formatBytes(total.bytes)} in ${plural(total.volumes, 'volume')} at ${options.pricePerGbMonth.trim()} per GB-month: ${parts.join(', ')}`,
  );
  if (total.unknownSizes)
    out.note(
      `${plural(total.unknownSizes, 'volume')} of unknown size ${total.unknownSizes === 1 ? 'is' : 'are'} not counted.`,
    );
}

function unusedCell(line: CostLine): string {
  if (line.unusedForMs === null) return 'no history';
  return (line.certainty === 'unknown' ? 'at least ' : '') + formatAge(line.unusedForMs);
}
