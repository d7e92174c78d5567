/**
 * A schedule as the scheduler runs it, whether it comes from the config file or from a volume's
 * `stowage.backup.schedule` label. Types only.
 */
import type { ScheduleConfig } from '../config/config-types.ts';

/** A volume label naming a cron expression (the volume gets its own schedule) or a config schedule's name (the volume joins it). */
export const SCHEDULE_LABEL = 'stowage.backup.schedule';
/** A volume label with a retention policy for that volume's scheduled backups (`last:7,daily:7`). */
export const KEEP_LABEL = 'stowage.backup.keep';
/** Schedules made from volume labels are named after their volume. */
export const LABEL_SCHEDULE_PREFIX = 'volume:';

export interface Schedule extends ScheduleConfig {
  source: 'config' | 'label';
}

/** One volume a run backs up, with the retention policy that applies to it. */
export interface SelectedVolume {
  name: string;
  /** Canonical policy text, or undefined for no retention. */
  keep: string | undefined;
  /** Set when the volume's keep label is invalid: the backup runs, retention does not, the run fails. */
  keepProblem: string | undefined;
}
