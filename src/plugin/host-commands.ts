/**
 * The host tools the backends run (mount, umount, mkfs.ext4, sshfs, fusermount3) and the kernel's mount
 * table. One place, so every failure reads the same: the command, its exit and its stderr.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { StowageError } from '../core/errors.ts';

/** Runs `command args`, resolves with stdout. @throws StowageError('failed') with the tool's stderr. */
export function run(
  command: string,
  args: readonly string[],
  what: string,
  timeoutMs = 60_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, [...args], { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException).code;
      const reason =
        code === 'ENOENT'
          ? `${command} is not installed`
          : (stderr.trim() || error.message).split('\n').slice(-3).join(' ');
      reject(
        new StowageError('failed', `${what}: ${reason}`, {
          hint:
            code === 'ENOENT'
              ? `install it (Debian: apt-get install ${PACKAGES[command] ?? command})`
              : undefined,
          cause: error,
        }),
      );
    });
  });
}

const PACKAGES: Record<string, string> = {
  'mkfs.ext4': 'e2fsprogs',
  sshfs: 'sshfs',
  fusermount3: 'fuse3',
  mount: 'mount',
  umount: 'mount',
};

/** `\040` and friends in /proc/self/mountinfo are octal escapes of spaces, tabs, newlines, backslashes. */
const unescape = (field: string) =>
  field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

export interface MountEntry {
  mountpoint: string;
  fsType: string;
  source: string;
}

/** Parses mountinfo lines (pure, for tests). */
export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [left, right] = line.split(' - ');
    const fields = left?.split(' ') ?? [];
    const tail = right?.split(' ') ?? [];
    if (fields.length < 5 || tail.length < 2) continue;
    entries.push({ mountpoint: unescape(fields[4]!), fsType: tail[0]!, source: unescape(tail[1]!) });
  }
  return entries;
}

/** The mount on `path` (the last one stacked there), or undefined. */
export async function mountAt(path: string): Promise<MountEntry | undefined> {
  const entries = parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
  return entries.findLast((entry) => entry.mountpoint === path);
}

/** Unmounts `path` when something is mounted there; lazily if it is busy, so Remove never hangs. */
export async function unmountIfMounted(path: string, what: string): Promise<void> {
  if (!(await mountAt(path))) return;
  try {
    await run('umount', [path], what);
  } catch {
    await run('umount', ['-l', path], what);
  }
}
