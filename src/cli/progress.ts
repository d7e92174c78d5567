/**
 * Progress bars for long transfers: one line per volume with bytes, rate and ETA, on stderr and only on a
 * terminal (scripts and CI get the summary alone).
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { TransferProgress } from '../backup/backup-context.ts';
import { formatBytes } from '../core/units.ts';

export interface ProgressDisplay {
  update(progress: TransferProgress): void;
  done(volume: string): void;
  stop(): void;
}

const SILENT: ProgressDisplay = { update: () => undefined, done: () => undefined, stop: () => undefined };

export function progressDisplay(enabled = process.stderr.isTTY === true): ProgressDisplay {
  if (!enabled) return SILENT;
  const bars = new MultiBar(
    {
      format: ' {volume} |{bar}| {done} of {total}  {rate}/s  ETA {eta_formatted}',
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      formatValue: (value, _options, type) =>
        type === 'value' || type === 'total' ? formatBytes(value) : String(value),
    },
    Presets.shades_classic,
  );
  const byVolume = new Map<string, { bar: SingleBar; started: number }>();
  return {
    update(progress) {
      let entry = byVolume.get(progress.volume);
      const total = Math.max(progress.expectedBytes ?? 0, progress.bytes, 1);
      if (!entry) {
        entry = {
          bar: bars.create(total, 0, {
            volume: progress.volume,
            done: '0B',
            total: formatBytes(total),
            rate: '0B',
          }),
          started: Date.now(),
        };
        byVolume.set(progress.volume, entry);
      }
      const seconds = Math.max((Date.now() - entry.started) / 1000, 0.001);
      entry.bar.setTotal(total);
      entry.bar.update(progress.bytes, {
        volume: progress.volume,
        done: formatBytes(progress.bytes),
        total: progress.expectedBytes ? formatBytes(total) : '?',
        rate: formatBytes(Math.round(progress.bytes / seconds)),
      });
    },
    done(volume) {
      const entry = byVolume.get(volume);
      if (entry) entry.bar.update(entry.bar.getTotal());
    },
    stop: () => bars.stop(),
  };
}
