/**
 * Engines told apart (issue 10, item 4), on real engines: the suite's private engine (A) and a second one
 * started here (B) on the same host, sharing one data folder and so one catalog. Docker 20.10 derives an
 * engine's ID from /etc/docker/key.json, which both read: they report the same ID, which is the bug's
 * setting. Asserted as a user sees it: `stowage info`, `backups`, `forget`, the files in the backup folder,
 * and a catalog written by an older Stowage.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, test } from 'node:test';
import { startPrivateEngine, type PrivateEngine } from '../scripts/private-engine.ts';
import { CATALOG_FILE, migrate } from '../src/catalog/catalog.ts';
import { MIGRATIONS } from '../src/catalog/migrations.ts';
import { dockerOk, engineAvailable, SKIP_REASON, TestSession, type Result } from './support/engine.ts';
import { freePort, waitFor } from './support/loopback.ts';

const root = join(import.meta.dirname, '..');

interface InfoJson {
  engine: { id: string; reportedId: string; label: string; dockerRootDir: string };
}
interface BackupRow {
  id: number;
  engine: string;
  engineId: string;
  volume: string;
  archiveKey: string;
}
interface ForgetJson {
  remove: { id: number }[];
  keep: { id: number }[];
  removed: { id: number }[];
  kept: { id: number }[];
  otherEngines: number;
  unclaimed: number;
}

describe('engines told apart', { skip: !engineAvailable() && SKIP_REASON, timeout: 600_000 }, () => {
  const s = new TestSession();
  const folder = mkdtempSync(join(tmpdir(), 'stowage-identity-'));
  const volume = `same-name-${s.id}`;
  let b: PrivateEngine;

  /** The CLI with the session's data folder, against engine A (the suite's) or B (`env` from B). */
  const cli = (args: string[], env: NodeJS.ProcessEnv = process.env, dataDir = s.dataDir): Result => {
    const result = spawnSync(
      process.execPath,
      [join(root, 'src/cli/bin.ts'), '--data-dir', dataDir, ...args],
      {
        encoding: 'utf8',
        env,
      },
    );
    return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
  };
  const json = <T>(args: string[], env?: NodeJS.ProcessEnv, dataDir?: string): T => {
    const result = cli([...args, '--json'], env, dataDir);
    assert.equal(result.status, 0, `stowage ${args.join(' ')}: ${result.stderr}${result.stdout}`);
    return JSON.parse(result.stdout) as T;
  };
  const backup = (env?: NodeJS.ProcessEnv) =>
    json<{ backups: { id: number }[] }>(['backup', volume, '--to', folder], env).backups[0]!.id;
  const verify = (id: number, env?: NodeJS.ProcessEnv) => {
    const result = cli(['verify', String(id)], env);
    assert.equal(result.status, 0, result.stderr + result.stdout);
  };
  const archiveOf = (id: number) => {
    const row = json<BackupRow[]>(['backups', volume]).find((r) => r.id === id);
    return row ? join(folder, row.archiveKey) : undefined;
  };

  before(async () => {
    b = await startPrivateEngine();
    dockerOk('volume', 'create', '--label', s.label, volume);
    const created = spawnSync('docker', ['volume', 'create', volume], { env: b.env, encoding: 'utf8' });
    assert.equal(created.status, 0, created.stderr);
  });
  after(async () => {
    dockerOk('volume', 'rm', '-f', volume);
    await b?.stop();
    rmSync(folder, { recursive: true, force: true });
    rmSync(s.dataDir, { recursive: true, force: true });
  });

  test('both engines report the same engine ID, and Stowage still tells them apart', () => {
    const ids = [process.env, b.env].map((env) =>
      spawnSync('docker', ['info', '--format', '{{.ID}}'], { env, encoding: 'utf8' }).stdout.trim(),
    );
    assert.ok(ids[0]);
    assert.equal(
      ids[0],
      ids[1],
      'the bug needs two engines reporting one ID (dockerd 20.10, shared key.json)',
    );
    const [a, bInfo] = [json<InfoJson>(['info']), json<InfoJson>(['info'], b.env)];
    assert.equal(a.engine.reportedId, ids[0]);
    assert.equal(bInfo.engine.reportedId, ids[0]);
    assert.notEqual(a.engine.id, bInfo.engine.id);
    assert.notEqual(a.engine.label, bInfo.engine.label);
  });

  test("forget --keep last:1 on engine A keeps A's newest and never touches B's backups", () => {
    // A's two backups are older than B's two: had the catalog taken them for one engine, last:1 would
    // keep only B's newest and remove A's both.
    const a1 = backup();
    const a2 = backup();
    const b1 = backup(b.env);
    const b2 = backup(b.env);
    for (const id of [a1, a2]) verify(id);
    for (const id of [b1, b2]) verify(id, b.env);

    const plan = json<ForgetJson>(['forget', volume, '--keep', 'last:1', '--dry-run']);
    assert.deepEqual(
      plan.remove.map((r) => r.id),
      [a1],
    );
    assert.deepEqual(
      plan.keep.map((k) => k.id),
      [a2],
    );
    assert.equal(plan.otherEngines, 2);

    const done = json<ForgetJson>(['forget', volume, '--keep', 'last:1']);
    assert.deepEqual(
      done.removed.map((r) => r.id),
      [a1],
    );
    assert.equal(archiveOf(a1), undefined);
    for (const id of [a2, b1, b2]) assert.ok(existsSync(archiveOf(id)!), `backup #${id} is still on disk`);

    // And on B, its own retention sees only its own two.
    const onB = json<ForgetJson>(['forget', volume, '--keep', 'last:1', '--dry-run'], b.env);
    assert.deepEqual(
      onB.remove.map((r) => r.id),
      [b1],
    );
    assert.deepEqual(
      onB.keep.map((k) => k.id),
      [b2],
    );
  });

  test('backups lists both engines with distinct ENGINE values (table and --json)', () => {
    const a = json<InfoJson>(['info']).engine;
    const bInfo = json<InfoJson>(['info'], b.env).engine;
    const rows = json<BackupRow[]>(['backups', volume]);
    assert.deepEqual([...new Set(rows.map((r) => r.engine))].sort(), [a.label, bInfo.label].sort());
    assert.ok(rows.every((r) => r.engineId === (r.engine === a.label ? a.id : bInfo.id)));
    const table = cli(['backups', volume]);
    assert.equal(table.status, 0, table.stderr);
    const [header, ...lines] = table.stdout.trim().split('\n');
    assert.match(header!, /^ID\s+ENGINE\s+VOLUME/);
    const engines = lines.map((line) => line.split(/\s+/)[1]);
    assert.ok(engines.includes(a.label) && engines.includes(bInfo.label), table.stdout);
  });

  test("each engine's daemon reports its own last backup in /metrics, never the other engine's", async () => {
    const rows = json<(BackupRow & { finishedAt: string })[]>(['backups', volume]);
    const newest = (engineId: string) =>
      Math.max(...rows.filter((r) => r.engineId === engineId).map((r) => Date.parse(r.finishedAt) / 1000));
    for (const env of [process.env, b.env]) {
      const engine = json<InfoJson>(['info'], env).engine;
      const port = await freePort();
      const daemon = spawn(
        process.execPath,
        [join(root, 'src/cli/bin.ts'), '--data-dir', s.dataDir, 'daemon', '--listen', `127.0.0.1:${port}`],
        { env, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let log = '';
      daemon.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
      try {
        await waitFor(
          'the daemon',
          () => log.includes('listening on'),
          () => daemon.exitCode !== null,
          () => log,
        );
        const token = cli(['token'], env).stdout.trim();
        const text = await (
          await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${token}` } })
        ).text();
        const line = text
          .split('\n')
          .find((l) => l.startsWith(`stowage_backup_last_success_timestamp_seconds{volume="${volume}"}`));
        assert.ok(line, text);
        assert.equal(
          Number(line.split(' ').at(-1)),
          Math.round(newest(engine.id) * 1000) / 1000,
          engine.label,
        );
      } finally {
        daemon.kill('SIGTERM');
        await new Promise((resolve) => daemon.once('exit', resolve));
      }
    }
    assert.notEqual(
      newest(json<InfoJson>(['info']).engine.id),
      newest(json<InfoJson>(['info'], b.env).engine.id),
    );
  });

  test("a schedule's retention on engine B never removes A's backup; each engine has its own schedule state", () => {
    const name = `sched-${s.id}`;
    const labels = ['--label', 'stowage.backup.schedule=@yearly', '--label', 'stowage.backup.keep=last:1'];
    dockerOk('volume', 'create', '--label', s.label, ...labels, name);
    const onB = spawnSync('docker', ['volume', 'create', ...labels, name], { env: b.env, encoding: 'utf8' });
    assert.equal(onB.status, 0, onB.stderr);
    try {
      // A's backup goes where the schedule writes (the data folder's backups), verified: a good backup.
      const a0 = json<{ backups: { id: number }[] }>(['backup', name]).backups[0]!.id;
      verify(a0);
      for (let run = 0; run < 2; run++) {
        const result = cli(['run-now', `volume:${name}`], b.env);
        assert.equal(result.status, 0, result.stderr + result.stdout);
      }
      const rows = json<BackupRow[]>(['backups', name]);
      const a = json<InfoJson>(['info']).engine;
      // B's retention (last:1) kept B's newest only, and A's backup is untouched, on disk and listed.
      assert.deepEqual(
        rows.map((r) => r.engineId === a.id),
        [false, true],
      );
      assert.ok(existsSync(join(s.dataDir, 'backups', rows[1]!.archiveKey)));
      const lastRun = (env?: NodeJS.ProcessEnv) =>
        json<{ name: string; lastRun: unknown }[]>(['schedules'], env).find(
          (x) => x.name === `volume:${name}`,
        )!.lastRun;
      assert.ok(lastRun(b.env), 'B ran the schedule');
      assert.equal(lastRun(), null, 'A never ran it: B’s runs are not A’s');
    } finally {
      dockerOk('volume', 'rm', '-f', name);
    }
  });

  test('a catalog written before engines were told apart: its backups stay visible, marks keep protecting', () => {
    const a = json<InfoJson>(['info']).engine;
    const old = mkdtempSync(join(tmpdir(), 'stowage-old-data-'));
    try {
      // The schema as the previous release left it (migrations 1-4), rows keyed by the reported ID.
      mkdirSync(old, { recursive: true });
      const db = new DatabaseSync(join(old, CATALOG_FILE));
      migrate(
        db,
        MIGRATIONS.filter((m) => m.version <= 4),
      );
      const [kept] = json<BackupRow[]>(['backups', volume]).filter((r) => r.engineId === a.id);
      db.prepare(
        `INSERT INTO backups (engine_id, volume, target, archive_key, compression, finished_at, archive_bytes)
         VALUES (?, ?, ?, ?, 'zstd', ?, 1)`,
      ).run(a.reportedId, volume, `local:${folder}`, kept!.archiveKey, new Date().toISOString());
      db.prepare(`INSERT INTO protected_volumes (engine_id, volume, marked_at) VALUES (?, ?, ?)`).run(
        a.reportedId,
        volume,
        new Date().toISOString(),
      );
      db.close();

      const listed = json<BackupRow[]>(['backups', volume], process.env, old);
      assert.equal(listed.length, 1);
      assert.equal(listed[0]!.engine, `id:${a.reportedId.slice(0, 14)}`);
      // Whose it is cannot be known (both engines report this ID): forget on A neither removes nor counts it.
      const plan = cli(['forget', volume, '--keep', 'last:1', '--dry-run'], process.env, old);
      assert.equal(plan.status, 3, plan.stderr);
      assert.match(
        plan.stderr,
        /no backup of this volume from this engine \(1 from other engines, 1 made before/,
      );
      assert.match(plan.stderr, /--adopt/);
      // The protection mark made under the shared ID protects the volume on both engines.
      for (const env of [process.env, b.env]) {
        const marks = json<{ volume: string }[]>(['protect', '--list'], env, old);
        assert.deepEqual(
          marks.map((m) => m.volume),
          [volume],
        );
      }
      // The user knows it is A's: adopting it makes it A's, verifiable and counted.
      const adopted = cli(['backups', volume, '--adopt'], process.env, old);
      assert.equal(adopted.status, 0, adopted.stderr);
      assert.match(adopted.stderr, /adopted 1 backup/);
      const after = json<BackupRow[]>(['backups', volume], process.env, old);
      assert.deepEqual(
        after.map((r) => [r.engine, r.engineId]),
        [[a.label, a.id]],
      );
      const verified = cli(['verify', String(after[0]!.id)], process.env, old);
      assert.equal(verified.status, 0, verified.stderr + verified.stdout);
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
  });
});
