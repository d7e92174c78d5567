/**
 * Containers stopped and started again around a backup or a restore, judged on the real engine: who was
 * stopped, that they all run again afterwards, that they were stopped at once (from the order of the
 * engine's own events, never from timings), and that a stopped container never has to be deleted.
 */
import assert from 'node:assert/strict';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  daemonApi,
  docker,
  dockerOk,
  engineAvailable,
  fillVolume,
  IMAGE,
  SKIP_REASON,
  TestSession,
} from './support/engine.ts';

/** A process that ignores SIGTERM: `docker stop` has to wait the whole grace period, then kill it. */
const STUBBORN = ['sh', '-c', 'trap "" TERM; while true; do sleep 1; done'];

const running = (container: string) => dockerOk('inspect', '-f', '{{.State.Running}}', container) === 'true';
const startedAt = (container: string) => dockerOk('inspect', '-f', '{{.State.StartedAt}}', container);
const files = (volume: string) =>
  dockerOk('run', '--rm', '-v', `${volume}:/d:ro`, IMAGE, 'sh', '-c', 'cd /d && find . -mindepth 1 | sort');

interface EngineEvent {
  Action: string;
  Actor: { Attributes: Record<string, string> };
}

/** The engine's container events for this session's label between `since` and now, in order. */
function events(label: string, since: string): { action: string; name: string; signal?: string }[] {
  const until = dockerOk('info', '--format', '{{.SystemTime}}');
  const lines = dockerOk(
    'events',
    '--since',
    since,
    '--until',
    until,
    '--filter',
    'type=container',
    '--filter',
    `label=${label}`,
    '--format',
    '{{json .}}',
  );
  return lines
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as EngineEvent)
    .map((e) => ({
      action: e.Action,
      name: e.Actor.Attributes.name ?? '',
      ...(e.Actor.Attributes.signal ? { signal: e.Actor.Attributes.signal } : {}),
    }));
}

describe(
  'stop and start around backup and restore',
  { skip: !engineAvailable() && SKIP_REASON, timeout: 300_000 },
  () => {
    const s = new TestSession();
    const source = `stop-src-${s.id}`;
    let archive = '';

    before(() => {
      s.volume(source);
      fillVolume(source, 'mkdir /d/a && echo new > /d/a/f && echo x > /d/x');
      archive = String(s.json<{ backups: { id: number }[] }>(['backup', source]).backups[0]!.id);
    });

    after(() => s.cleanup());

    test('backup --stop stops every user at once with --stop-timeout, and starts them all again', () => {
      const volume = `stop-two-${s.id}`;
      s.volume(volume);
      const [first, second] = [`stubborn-a-${s.id}`, `stubborn-b-${s.id}`];
      for (const name of [first, second]) s.container(name, ['-v', `${volume}:/d`], STUBBORN);
      const before = { [first]: startedAt(first), [second]: startedAt(second) };
      const since = dockerOk('info', '--format', '{{.SystemTime}}');

      const result = s.json<{ backups: { held: unknown[] }[] }>([
        'backup',
        volume,
        '--stop',
        '--stop-timeout',
        '2',
      ]);

      assert.equal(result.backups[0]!.held.length, 2);
      for (const name of [first, second]) {
        assert.ok(running(name), `${name} runs again`);
        assert.notEqual(startedAt(name), before[name], `${name} was stopped and started`);
      }
      const seen = events(s.label, since).filter((e) => e.name === first || e.name === second);
      const index = (action: string, name: string, signal?: string) =>
        seen.findIndex((e) => e.action === action && e.name === name && (!signal || e.signal === signal));
      // Both ignore SIGTERM, so each is killed only after its grace: stopped one after another, the second
      // would get its SIGTERM only after the first had died. Stopped at once, both SIGTERMs come first.
      const terms = [index('kill', first, '15'), index('kill', second, '15')];
      const dies = [index('die', first), index('die', second)];
      const starts = [index('start', first), index('start', second)];
      assert.ok(
        [...terms, ...dies, ...starts].every((i) => i >= 0),
        JSON.stringify(seen),
      );
      assert.ok(
        Math.max(...terms) < Math.min(...dies),
        `both were asked to stop before either died: ${JSON.stringify(seen)}`,
      );
      assert.ok(
        Math.max(...dies) < Math.min(...starts),
        `both were down before either started: ${JSON.stringify(seen)}`,
      );
      // The grace was the one asked for: the engine had to kill them (SIGKILL) rather than wait 10 s.
      assert.ok(index('kill', first, '9') >= 0 && index('kill', second, '9') >= 0, JSON.stringify(seen));
    });

    test('--stop-timeout must be whole seconds', () => {
      const result = s.stowage(['backup', source, '--stop', '--stop-timeout', 'soon']);
      assert.equal(result.status, 2);
      assert.match(result.stderr, /invalid --stop-timeout "soon"/);
    });

    test('restore --force is refused, naming them, while containers run on the volume; --stop restores and restarts them', () => {
      const volume = `stop-target-${s.id}`;
      s.volume(volume);
      fillVolume(volume, 'echo old > /d/old');
      const app = `app-${s.id}`;
      const parked = `parked-${s.id}`;
      s.container(app, ['-v', `${volume}:/d`]);
      s.container(parked, ['-v', `${volume}:/d`], ['true'], false);

      const refused = s.stowage(['restore', archive, '--to', volume, '--force']);
      assert.equal(refused.status, 4, refused.stderr);
      assert.match(refused.stderr, new RegExp(`volume is in use by running container ${app}\\b`));
      assert.match(refused.stderr, new RegExp(`hint: add --stop to stop ${app} `));
      assert.match(refused.stderr, new RegExp(`stowage restore ${archive} --to ${volume} --force --stop`));
      assert.doesNotMatch(refused.stderr, /\.\.\.|docker rm/);
      assert.equal(files(volume), './old', 'nothing was changed');

      const startedBefore = startedAt(app);
      const restored = s.stowage([
        'restore',
        archive,
        '--to',
        volume,
        '--force',
        '--stop',
        '--stop-timeout',
        '1',
      ]);
      assert.equal(restored.status, 0, restored.stderr);
      assert.equal(files(volume), './a\n./a/f\n./x', 'the archive replaced the old contents');
      assert.match(
        restored.stderr,
        new RegExp(`${app} was stopped during the restore, and is running again`),
      );
      assert.ok(running(app));
      assert.notEqual(startedAt(app), startedBefore, 'it was stopped and started again');
      // The stopped container was left as it was: still there, still stopped, never started.
      assert.equal(dockerOk('inspect', '-f', '{{.State.Status}}', parked), 'created');
    });

    test('restore --force into a volume only stopped containers reference needs neither --stop nor docker rm', () => {
      const volume = `stop-idle-${s.id}`;
      s.volume(volume);
      fillVolume(volume, 'mkdir -p /d/deep/er && echo old > /d/deep/er/f && echo old > /d/.hidden');
      const parked = `idle-${s.id}`;
      s.container(parked, ['-v', `${volume}:/d`], ['true'], false);

      const restored = s.stowage(['restore', archive, '--to', volume, '--force', '--json']);
      assert.equal(restored.status, 0, restored.stderr);
      const result = JSON.parse(restored.stdout) as { replaced: boolean; safetyBackup: string };
      assert.equal(result.replaced, true);
      assert.equal(files(volume), './a\n./a/f\n./x', 'the old files are gone, the archived ones are there');
      assert.equal(dockerOk('inspect', '-f', '{{.State.Status}}', parked), 'created');
      assert.deepEqual(
        dockerOk('inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', parked),
        volume,
        'the container still uses the same volume',
      );
      // The safety backup holds the replaced contents.
      const back = `stop-back-${s.id}`;
      assert.equal(s.stowage(['restore', result.safetyBackup.replace('#', ''), '--to', back]).status, 0);
      assert.equal(files(back), './.hidden\n./deep\n./deep/er\n./deep/er/f');
      docker('volume', 'rm', back);
    });

    test('a failed restore --force --stop still starts the containers again', () => {
      const volume = `stop-fail-${s.id}`;
      s.volume(volume);
      fillVolume(volume, 'echo old > /d/old');
      const app = `failing-app-${s.id}`;
      s.container(app, ['-v', `${volume}:/d`]);
      const startedBefore = startedAt(app);
      // The safety backup (taken once the containers are stopped) cannot be written: a file is in the way.
      const safety = join(s.dataDir, 'safety');
      renameSync(safety, `${safety}.aside`);
      writeFileSync(safety, 'in the way');
      try {
        const restored = s.stowage(['restore', archive, '--to', volume, '--force', '--stop']);
        // A file where the safety folder belongs is named as the user's to fix (exit 2), before any write.
        assert.equal(restored.status, 2, restored.stderr);
        assert.match(restored.stderr, /safety is a file, not a folder/);
      } finally {
        rmSync(safety);
        renameSync(`${safety}.aside`, safety);
      }
      assert.ok(running(app), 'it runs again');
      assert.notEqual(startedAt(app), startedBefore, 'it had been stopped');
      assert.equal(files(volume), './old', 'the contents were not touched');
    });

    test('rename names the containers and says what to do instead; it never advises docker rm -f', () => {
      const volume = `stop-rename-${s.id}`;
      s.volume(volume);
      const app = `renamed-app-${s.id}`;
      const parked = `renamed-parked-${s.id}`;
      s.container(app, ['-v', `${volume}:/d`]);
      s.container(parked, ['-v', `${volume}:/d`], ['true'], false);
      const refused = s.stowage(['rename', volume, `${volume}-new`]);
      assert.equal(refused.status, 4, refused.stderr);
      assert.match(
        refused.stderr,
        new RegExp(`volume is in use by ${app} \\(running\\), ${parked} \\(stopped\\)`),
      );
      assert.match(refused.stderr, new RegExp(`docker stop ${app}\``));
      assert.match(refused.stderr, new RegExp(`stowage clone ${volume} ${volume}-new\``));
      assert.match(refused.stderr, new RegExp(`recreate ${app} ${parked} with ${volume}-new`));
      assert.doesNotMatch(refused.stderr, /\.\.\.|rm -f/);
      assert.ok(running(app));
    });

    test('the API restore takes stop: the running user is stopped and started again', async () => {
      const volume = `stop-api-${s.id}`;
      s.volume(volume);
      fillVolume(volume, 'echo old > /d/old');
      const app = `api-app-${s.id}`;
      s.container(app, ['-v', `${volume}:/d`]);
      const startedBefore = startedAt(app);
      const port = 21_000 + Math.floor(Math.random() * 2000);
      const daemon = await s.daemon(port);
      try {
        const token = s.stowage(['token']).stdout.trim();
        const call = (path: string, body?: unknown) =>
          daemonApi(port, token)<{ id: string; state: string; error: unknown }>(path, body);
        const finished = async (id: string) => {
          for (;;) {
            const job = (await call(`/api/jobs/${id}`)).body;
            if (job.state !== 'running') return job;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        };
        // Refused without stop: at submission (409) or by the job, naming the running container.
        const refused = await call(`/api/backups/${archive}/restore`, { volume, force: true });
        const refusal = refused.status === 409 ? refused.body : (await finished(refused.body.id)).error;
        assert.ok(refused.status === 409 || refused.status === 202, String(refused.status));
        assert.match(JSON.stringify(refusal), new RegExp(`in use by running container ${app}`));
        const started = await call(`/api/backups/${archive}/restore`, { volume, force: true, stop: true });
        assert.equal(started.status, 202, JSON.stringify(started.body));
        const job = await finished(started.body.id);
        assert.equal(job.state, 'succeeded', JSON.stringify(job));
      } finally {
        daemon.child.kill('SIGKILL');
      }
      assert.equal(files(volume), './a\n./a/f\n./x');
      assert.ok(running(app));
      assert.notEqual(startedAt(app), startedBefore);
    });
  },
);
