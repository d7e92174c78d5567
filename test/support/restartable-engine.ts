/**
 * A second private engine that a test may restart: the suite's own engine is shared by every test file,
 * so tests that need an engine restart (which empties its event buffer) start one of their own.
 * scripts/private-engine.ts starts an engine in a given folder; its stop also removes the folder, so the
 * restart's stop is here: the dockerd is ended by the pid in its pidfile and its data root is kept.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startPrivateEngine, type PrivateEngine } from '../../scripts/private-engine.ts';

/** Stops the engine's dockerd (SIGTERM, as systemd does) and waits for it to exit; its folder stays. */
export async function stopKeepingData(engine: PrivateEngine): Promise<void> {
  const pidFile = join(engine.dir, 'pid');
  if (!existsSync(pidFile)) throw new Error(`no pidfile in ${engine.dir}: is the engine running?`);
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!(pid > 0)) throw new Error(`bad pidfile in ${engine.dir}`);
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (alive(pid)) {
    if (Date.now() > deadline) throw new Error(`dockerd ${pid} did not stop within 30 s`);
    await sleep(50);
  }
}

/** Stops and starts the engine again on the same folder: same data, same engine ID, no events kept. */
export async function restartEngine(engine: PrivateEngine): Promise<PrivateEngine> {
  await stopKeepingData(engine);
  return startPrivateEngine({ dir: engine.dir });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
