/**
 * A listening socket handed over by systemd's socket activation (sd_listen_fds(3)): LISTEN_PID names
 * this process and LISTEN_FDS counts the sockets, which start at fd 3. The variables are removed once
 * read, as sd_listen_fds does, so that the programs the plugin runs (mount helpers, sshfs) do not
 * believe the sockets are theirs.
 */
import { invalid } from '../core/errors.ts';

export const SD_LISTEN_FDS_START = 3;

/**
 * The fd of the one socket systemd passed to this process, or undefined when none was passed (or the
 * variables were meant for another process). @throws StowageError 'invalid' when more than one was passed.
 */
export function takeInheritedSocket(
  env: NodeJS.ProcessEnv = process.env,
  pid: number = process.pid,
): number | undefined {
  const listenPid = env.LISTEN_PID;
  const count = Number(env.LISTEN_FDS);
  delete env.LISTEN_PID;
  delete env.LISTEN_FDS;
  delete env.LISTEN_FDNAMES;
  if (listenPid === undefined || Number(listenPid) !== pid || !Number.isInteger(count) || count < 1)
    return undefined;
  if (count > 1)
    throw invalid(
      `systemd passed ${count} sockets; the plugin serves exactly one`,
      'give the socket unit a single ListenStream=',
    );
  return SD_LISTEN_FDS_START;
}
