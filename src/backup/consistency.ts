/**
 * Making a volume's contents consistent while it is read: stop or pause the containers that use it, or
 * run hook commands inside them (e.g. `pg_dump` into a file on the volume). Planned as pure data from the
 * containers' labels and the flags, then applied; whatever was stopped or paused is always restarted.
 */
import { StowageError } from '../core/errors.ts';
import type { Engine } from '../engine/contract.ts';
import type { VolumeUser } from '../inventory/volume-record.ts';
import type { RunJournal } from './run-journal.ts';

export const CONSISTENCY_LABELS = {
  stop: 'stowage.backup.stop',
  pre: 'stowage.backup.pre',
  post: 'stowage.backup.post',
  /** offen/docker-volume-backup's label; Stowage stops only the labelled containers of the volume it backs up. */
  offenStop: 'docker-volume-backup.stop-during-backup',
} as const;

export interface ConsistencyFlags {
  stop?: boolean;
  pause?: boolean;
}

export interface ContainerActions {
  id: string;
  name: string;
  pre: string | undefined;
  post: string | undefined;
  hold: 'stop' | 'pause' | undefined;
  /** Why it is held, for messages: `--stop`, `label stowage.backup.stop=true`. */
  reason: string | undefined;
}

export interface UserWithLabels extends Pick<VolumeUser, 'containerId' | 'containerName' | 'running'> {
  labels: Record<string, string>;
}

/** Only running containers need anything: a stopped one cannot write, and hooks need a running one. */
export function planConsistency(
  users: readonly UserWithLabels[],
  flags: ConsistencyFlags,
): ContainerActions[] {
  if (flags.stop && flags.pause)
    throw new StowageError('invalid', '--stop and --pause cannot be combined', { hint: 'choose one' });
  const byId = new Map<string, ContainerActions>();
  for (const user of users) {
    if (!user.running || byId.has(user.containerId)) continue;
    const labels = user.labels;
    let hold: ContainerActions['hold'];
    let reason: string | undefined;
    if (flags.stop) [hold, reason] = ['stop', '--stop'];
    else if (flags.pause) [hold, reason] = ['pause', '--pause'];
    else if (labels[CONSISTENCY_LABELS.stop]?.toLowerCase() === 'true')
      [hold, reason] = ['stop', `label ${CONSISTENCY_LABELS.stop}=true`];
    else if (isOffenStop(labels[CONSISTENCY_LABELS.offenStop]))
      [hold, reason] = ['stop', `label ${CONSISTENCY_LABELS.offenStop}`];
    const pre = labels[CONSISTENCY_LABELS.pre] || undefined;
    const post = labels[CONSISTENCY_LABELS.post] || undefined;
    if (hold || pre || post)
      byId.set(user.containerId, { id: user.containerId, name: user.containerName, pre, post, hold, reason });
  }
  return [...byId.values()];
}

const isOffenStop = (value: string | undefined) => value !== undefined && value.toLowerCase() !== 'false';

/**
 * Runs pre hooks, then stops or pauses; returns the undo, which restarts/unpauses and runs post hooks.
 * The undo never throws: it reports what it could not put back. If this throws, what was done is undone.
 */
export async function holdContainers(
  engine: Engine,
  actions: readonly ContainerActions[],
  journal: RunJournal,
): Promise<() => Promise<string[]>> {
  const held: ContainerActions[] = [];
  const release = async (): Promise<string[]> => {
    const problems: string[] = [];
    for (const action of held.reverse()) {
      try {
        if (action.hold === 'stop') {
          await engine.containers.start(action.id);
          journal.restarted(action.id);
        } else if (action.hold === 'pause') {
          await engine.containers.unpause(action.id);
          journal.unpaused(action.id);
        }
      } catch (error) {
        problems.push(
          `could not ${action.hold === 'stop' ? 'restart' : 'unpause'} ${action.name}: ${(error as Error).message}`,
        );
      }
    }
    for (const action of actions) {
      if (!action.post) continue;
      const result = await runHook(engine, action, action.post).catch((error: Error) => error.message);
      if (result) problems.push(result);
    }
    return problems;
  };
  try {
    for (const action of actions) {
      if (!action.pre) continue;
      const failure = await runHook(engine, action, action.pre);
      if (failure)
        throw new StowageError('failed', failure, {
          hint: `fix the command in the container's ${CONSISTENCY_LABELS.pre} label`,
        });
    }
    for (const action of actions) {
      if (action.hold === 'stop') {
        journal.stopping(action.id);
        held.push(action);
        await engine.containers.stop(action.id);
      } else if (action.hold === 'pause') {
        journal.pausing(action.id);
        held.push(action);
        await engine.containers.pause(action.id);
      }
    }
  } catch (error) {
    await release();
    throw error;
  }
  return release;
}

/** @returns undefined on success, else a message naming the container, the command and its output. */
async function runHook(
  engine: Engine,
  action: ContainerActions,
  command: string,
): Promise<string | undefined> {
  const result = await engine.containers.exec(action.id, ['sh', '-c', command]);
  if (result.exitCode === 0) return undefined;
  const output = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ');
  return `hook "${command}" in ${action.name} exited ${result.exitCode}${output ? `: ${output}` : ''}`;
}
