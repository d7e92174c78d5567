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
  /** Seconds each container gets to exit after SIGTERM before it is killed (Docker's default: 10). */
  stopTimeout?: number;
}

/** Docker's default grace period for `docker stop`. */
export const DEFAULT_STOP_TIMEOUT = 10;

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

/**
 * `--stop-timeout SECONDS` as `docker stop --time` takes it: a whole number of seconds, 0 or more.
 * @throws StowageError 'invalid' naming the flag and the value.
 */
export function parseStopTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,6}$/.test(text.trim()))
    throw new StowageError('invalid', `invalid --stop-timeout "${text}"`, {
      hint: `give whole seconds, 0 or more (default ${DEFAULT_STOP_TIMEOUT}, as \`docker stop\`)`,
    });
  return Number(text.trim());
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
 * Runs pre hooks, then stops or pauses every held container at once (each gets the whole `stopTimeout`,
 * not one after another); returns the undo, which restarts/unpauses them all at once and runs post hooks.
 * The undo never throws: it reports what it could not put back. If this throws, what was done is undone.
 */
export async function holdContainers(
  engine: Engine,
  actions: readonly ContainerActions[],
  journal: RunJournal,
  stopTimeout = DEFAULT_STOP_TIMEOUT,
): Promise<() => Promise<string[]>> {
  const held: ContainerActions[] = [];
  const release = async (): Promise<string[]> => {
    // Containers are held only while the volume is read or written, so none of them waits on another
    // that is held: they may all come back at once.
    const outcomes = await Promise.allSettled(held.map((action) => putBack(engine, action, journal)));
    const problems = outcomes.flatMap((outcome, index) =>
      outcome.status === 'rejected'
        ? [
            `could not ${held[index]!.hold === 'stop' ? 'restart' : 'unpause'} ${held[index]!.name}: ${(outcome.reason as Error).message}`,
          ]
        : [],
    );
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
    const holding = actions.filter((action) => action.hold);
    for (const action of holding) {
      // Journaled before the engine is asked: a kill in between leaves "to restart" a running container,
      // which is harmless; the reverse would leave a stopped one nobody restarts.
      if (action.hold === 'stop') journal.stopping(action.id);
      else journal.pausing(action.id);
      held.push(action);
    }
    const outcomes = await Promise.allSettled(
      holding.map((action) =>
        action.hold === 'stop'
          ? engine.containers.stop(action.id, stopTimeout)
          : engine.containers.pause(action.id),
      ),
    );
    const failed = outcomes.findIndex((outcome) => outcome.status === 'rejected');
    if (failed >= 0) throw (outcomes[failed] as PromiseRejectedResult).reason;
  } catch (error) {
    await release();
    throw error;
  }
  return release;
}

async function putBack(engine: Engine, action: ContainerActions, journal: RunJournal): Promise<void> {
  if (action.hold === 'stop') {
    await engine.containers.start(action.id);
    journal.restarted(action.id);
  } else if (action.hold === 'pause') {
    await engine.containers.unpause(action.id);
    journal.unpaused(action.id);
  }
}

/**
 * Runs `work` on a volume no running container uses: with `stop`, the running containers that use it are
 * stopped at once (each with `stopTimeout`) and started again afterwards, also when `work` fails; without
 * it, they are refused by name. Containers that only reference the volume while stopped are left alone:
 * they cannot write to it. Problems putting containers back are returned with the result (never thrown:
 * the work is done and its result must reach the caller).
 * @throws StowageError 'in-use' naming the running containers when `stop` is not set.
 */
export async function withVolumeStopped<T>(
  engine: Engine,
  volume: string,
  options: { stop?: boolean; stopTimeout?: number; operation: string; retry: string },
  journal: RunJournal,
  work: () => Promise<T>,
): Promise<{ result: T; stopped: string[]; problems: string[] }> {
  const running = (await engine.containers.list()).filter(
    (c) => c.running && c.mounts.some((m) => m.type === 'volume' && m.name === volume),
  );
  if (running.length && !options.stop) throw runningUsersError(volume, running, options);
  const actions = running.map((c): ContainerActions => ({
    id: c.id,
    name: c.name,
    pre: undefined,
    post: undefined,
    hold: 'stop',
    reason: '--stop',
  }));
  const release = await holdContainers(engine, actions, journal, options.stopTimeout);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    const problems = await release();
    if (problems.length && error instanceof Error)
      error.message = `${error.message}; and ${problems.join('; ')}`;
    throw error;
  }
  return { result, stopped: actions.map((a) => a.name), problems: await release() };
}

function runningUsersError(
  volume: string,
  running: readonly { name: string }[],
  options: { operation: string; retry: string },
): StowageError {
  const names = running.map((c) => c.name);
  return new StowageError(
    'in-use',
    `${options.operation} ${volume}: volume is in use by running container${names.length === 1 ? '' : 's'} ${names.join(', ')}`,
    {
      hint: `add --stop to stop ${names.join(', ')} during the ${options.operation.split(' ')[0]} and start ${names.length === 1 ? 'it' : 'them'} again after (\`${options.retry} --stop\`), or stop ${names.length === 1 ? 'it' : 'them'} yourself (\`docker stop ${names.join(' ')}\`)`,
    },
  );
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

/**
 * `restore --force`'s hold: `replace` runs with the volume's running users stopped (`stop`) and started
 * again after, also on failure. @returns notes for the user: who was stopped, what could not be restarted.
 */
export async function replaceHeld(
  engine: Engine,
  volume: string,
  flags: { stop?: boolean; stopTimeout?: number },
  archiveLabel: string,
  journal: RunJournal,
  replace: () => Promise<void>,
): Promise<string[]> {
  const held = await withVolumeStopped(
    engine,
    volume,
    {
      ...flags,
      operation: 'restore --force into',
      retry: `stowage restore ${archiveLabel} --to ${volume} --force`,
    },
    journal,
    replace,
  );
  return [
    ...held.stopped
      .filter((name) => !held.problems.some((problem) => problem.startsWith(`could not restart ${name}:`)))
      .map((name) => `${name} was stopped during the restore, and is running again`),
    ...held.problems,
  ];
}
