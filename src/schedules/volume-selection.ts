/**
 * Which volumes a schedule backs up, decided at fire time from the engine's current volumes (pure: the
 * caller lists them), and the schedules that volume labels create.
 */
import { formatRetentionPolicy, parseRetentionPolicy } from '../policy/retention-policy.ts';
import type { ScheduleConfig } from '../config/config-types.ts';
import { cronProblem } from '../policy/cron-expression.ts';
import { compareText } from '../core/units.ts';
import { LABELS } from '../core/labels.ts';
import type { EngineVolume } from '../engine/contract.ts';
import { LABEL_SCHEDULE_PREFIX, type Schedule, type SelectedVolume } from './schedule.ts';
import { volumePolicy } from './volume-policy.ts';

/** `KEY` matches any value; `KEY=VALUE` that value exactly (as docker's label filter). */
export function matchesLabel(labels: Record<string, string>, selector: string): boolean {
  const at = selector.indexOf('=');
  if (at < 0) return Object.hasOwn(labels, selector);
  return labels[selector.slice(0, at)] === selector.slice(at + 1);
}

/**
 * The volumes of one run of `schedule`, in name order, each once:
 * - the names it lists, whether or not they exist now (a missing one is the run's failure to report);
 * - existing volumes matching its `label`, or of its compose `project` (`com.docker.compose.project`);
 * - existing volumes labelled `stowage.backup.schedule=<its name>`.
 * Stowage's scratch volumes are never selected by label or project. A volume's own `stowage.backup.keep`
 * label, when present, replaces the schedule's `keep` for that volume.
 */
export function selectVolumes(schedule: Schedule, volumes: readonly EngineVolume[]): SelectedVolume[] {
  const byName = new Map(volumes.map((volume) => [volume.name, volume]));
  const chosen = new Set(schedule.volumes);
  for (const volume of volumes) {
    if (volume.labels[LABELS.scratch] !== undefined) continue;
    if (
      (schedule.label !== undefined && matchesLabel(volume.labels, schedule.label)) ||
      (schedule.project !== undefined && volume.labels[LABELS.composeProject] === schedule.project) ||
      (schedule.source === 'config' && volumePolicy(volume).schedule === schedule.name)
    )
      chosen.add(volume.name);
  }
  return [...chosen].sort(compareText).map((name) => {
    const volume = byName.get(name);
    const policy = volume ? volumePolicy(volume) : undefined;
    if (policy?.keep === undefined) return { name, keep: schedule.keep, keepProblem: undefined };
    try {
      return { name, keep: formatRetentionPolicy(parseRetentionPolicy(policy.keep)), keepProblem: undefined };
    } catch (error) {
      return { name, keep: undefined, keepProblem: `${policy.keepFrom}: ${(error as Error).message}` };
    }
  });
}

/**
 * The schedules volume labels create: a volume labelled `stowage.backup.schedule=CRON` gets a schedule
 * named `volume:NAME` (verified, retention from its `stowage.backup.keep` label). A label naming a config
 * schedule creates nothing (the volume joins that schedule); one that is neither is a problem.
 */
export function labelSchedules(
  volumes: readonly EngineVolume[],
  configured: readonly Pick<ScheduleConfig, 'name'>[],
  now = new Date(),
): { schedules: Schedule[]; problems: string[] } {
  const names = new Set(configured.map((schedule) => schedule.name));
  const schedules: Schedule[] = [];
  const problems: string[] = [];
  for (const volume of [...volumes].sort((a, b) => compareText(a.name, b.name))) {
    const policy = volumePolicy(volume);
    const value = policy.schedule?.trim();
    if (value === undefined || names.has(value) || volume.labels[LABELS.scratch] !== undefined) continue;
    const problem = cronProblem(value, now);
    if (problem) {
      problems.push(
        `volume ${volume.name}: ${policy.scheduleFrom}: "${value}" is neither a schedule of the config nor a usable cron expression (${problem})`,
      );
      continue;
    }
    schedules.push({
      name: `${LABEL_SCHEDULE_PREFIX}${volume.name}`,
      source: 'label',
      cron: value,
      volumes: [volume.name],
      label: undefined,
      project: undefined,
      keep: undefined, // the volume's keep label applies through selectVolumes
      jitterMs: 0,
      verify: true,
      stop: false,
      target: undefined,
    });
  }
  return { schedules, problems };
}
