/**
 * A volume's own backup policy: its labels (`stowage.backup.schedule`, `stowage.backup.keep`), or, for
 * volumes of Stowage's plugin, its driver options (`--opt backup=@daily --opt keep=last:7`), which the
 * engine keeps and reports for every driver. Labels win where both exist. Pure.
 */
import type { EngineVolume } from '../engine/contract.ts';
import { isStowagePluginVolume } from '../inventory/plugin-volumes.ts';
import { KEEP_LABEL, SCHEDULE_LABEL } from './schedule.ts';

export interface VolumePolicy {
  /** A cron expression, or the name of a config schedule to join. */
  schedule: string | undefined;
  keep: string | undefined;
  /** Where the policy was read, for messages: `label X` or `option X`. */
  scheduleFrom: string;
  keepFrom: string;
}

export function volumePolicy(volume: Pick<EngineVolume, 'driver' | 'labels' | 'options'>): VolumePolicy {
  const plugin = isStowagePluginVolume(volume);
  const fromLabel = (label: string, option: string) =>
    volume.labels[label] !== undefined
      ? { value: volume.labels[label], from: `label ${label}` }
      : plugin && volume.options[option] !== undefined
        ? { value: volume.options[option], from: `option ${option}` }
        : { value: undefined, from: `label ${label}` };
  const schedule = fromLabel(SCHEDULE_LABEL, 'backup');
  const keep = fromLabel(KEEP_LABEL, 'keep');
  return { schedule: schedule.value, keep: keep.value, scheduleFrom: schedule.from, keepFrom: keep.from };
}
