/** Every schedule there is: the config file's, and those volume labels create (which need the engine). */
import type { StowageConfig } from '../config/config-types.ts';
import { notFound } from '../core/errors.ts';
import type { Engine, EngineVolume } from '../engine/contract.ts';
import type { Schedule } from './schedule.ts';
import { volumePolicy } from './volume-policy.ts';
import { labelSchedules } from './volume-selection.ts';

export interface ResolvedSchedules {
  schedules: Schedule[];
  /** Labels that name neither a schedule nor a valid cron expression. */
  problems: string[];
  /** Set when the engine could not be asked for labelled volumes (only config schedules are listed). */
  engineError: string | undefined;
}

export function configSchedules(config: StowageConfig): Schedule[] {
  return config.schedules.map((schedule) => ({ ...schedule, source: 'config' }));
}

/** Config schedules, then label schedules in volume order. Never throws for an unreachable engine. */
export async function resolveSchedules(config: StowageConfig, engine: Engine): Promise<ResolvedSchedules> {
  const fromConfig = configSchedules(config);
  try {
    const labelled = await policyVolumes(engine);
    const fromLabels = labelSchedules(labelled, fromConfig);
    return {
      schedules: [...fromConfig, ...fromLabels.schedules],
      problems: fromLabels.problems,
      engineError: undefined,
    };
  } catch (error) {
    return { schedules: fromConfig, problems: [], engineError: (error as Error).message };
  }
}

/**
 * Volumes with a policy of their own: labelled with a schedule, or Stowage plugin volumes with a `backup=`
 * option (the engine filters by label only, so those are picked from the whole list).
 */
export async function policyVolumes(engine: Engine): Promise<EngineVolume[]> {
  return (await engine.volumes.list()).filter((volume) => volumePolicy(volume).schedule !== undefined);
}

/** @throws StowageError 'not-found' naming the schedules there are. */
export function findSchedule(resolved: Pick<ResolvedSchedules, 'schedules'>, name: string): Schedule {
  const schedule = resolved.schedules.find((s) => s.name === name);
  if (schedule) return schedule;
  const names = resolved.schedules.map((s) => s.name);
  throw notFound(
    `schedule ${name} does not exist`,
    names.length
      ? `the schedules are: ${names.join(', ')} (\`stowage schedules\` lists them)`
      : 'define schedules in config.yaml (see docs/CONFIG.md), or label volumes stowage.backup.schedule=@daily',
  );
}
