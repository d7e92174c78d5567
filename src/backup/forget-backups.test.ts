import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openCatalog, type Catalog } from '../catalog/catalog.ts';
import type { Target } from '../targets/contract.ts';
import { LocalTarget } from '../targets/local-target.ts';
import { applyForget, planForget } from './forget-backups.ts';
import { parseRetentionPolicy } from '../policy/retention-policy.ts';

const base = mkdtempSync(join(tmpdir(), 'stowage-forget-'));
after(() => rmSync(base, { recursive: true, force: true }));
let folders = 0;

/** A catalog and a local folder holding `count` committed backups of `data`, a day apart, all verified. */
function setup(count: number): {
  catalog: Catalog;
  folder: string;
  ids: number[];
  archive: (id: number) => string;
} {
  const root = join(base, String(++folders));
  const folder = join(root, 'backups');
  const catalog = openCatalog(join(root, 'data'));
  const keys = new Map<number, string>();
  for (let day = 1; day <= count; day++) {
    const archiveKey = `data/data-202611${String(day).padStart(2, '0')}T030000Z.tar.zst`;
    for (const key of [archiveKey, `${archiveKey}.manifest.json`, `${archiveKey}.files.ndjson.gz`]) {
      mkdirSync(dirname(join(folder, key)), { recursive: true });
      writeFileSync(join(folder, key), key);
    }
    const id = catalog.backups.add({
      engineId: 'e1',
      volume: 'data',
      target: new LocalTarget(folder).url,
      archiveKey,
      manifestKey: `${archiveKey}.manifest.json`,
      fileListKey: `${archiveKey}.files.ndjson.gz`,
      compression: 'zstd',
      startedAt: null,
      finishedAt: `2026-11-${String(day).padStart(2, '0')}T03:00:00.000Z`,
      files: 1,
      bytes: 1,
      archiveBytes: 1,
      archiveSha256: null,
    });
    catalog.backups.markVerified(id, true);
    keys.set(id, archiveKey);
  }
  return { catalog, folder, ids: [...keys.keys()], archive: (id) => join(folder, keys.get(id)!) };
}

/** A target that records each call and can be told to fail removing some keys. */
function recording(
  inner: Target,
  failOn: (key: string) => boolean = () => false,
): { target: Target; calls: string[] } {
  const calls: string[] = [];
  const target: Target = {
    url: inner.url,
    retries: 0,
    close: () => inner.close(),
    create: (key) => inner.create(key),
    open: (key) => inner.open(key),
    stat: (key) => inner.stat(key),
    list: (prefix) => inner.list(prefix),
    sweep: () => inner.sweep(),
    async remove(key) {
      calls.push(key);
      if (failOn(key)) throw new Error('permission denied');
      await inner.remove(key);
    },
  };
  return { target, calls };
}

const NOW = new Date('2026-12-01T00:00:00Z');
/** The engine forget runs against: its key `e1`, reporting the ID `R1` (which another engine may share). */
const E1 = { id: 'e1', reportedId: 'R1' };

describe('forget: read, plan, apply', () => {
  test('the plan changes nothing; applying removes archive, then sidecars, then the record', async () => {
    const { catalog, folder, ids, archive } = setup(4);
    const { target, calls } = recording(new LocalTarget(folder));
    const plan = await planForget(
      catalog,
      { policy: parseRetentionPolicy('last:2'), engine: E1, now: NOW },
      () => target,
    );
    assert.deepEqual(
      plan.remove.map((r) => r.backup.id),
      [ids[1], ids[0]],
    );
    assert.deepEqual(calls, []);
    assert.ok(ids.every((id) => existsSync(archive(id))));

    const result = await applyForget(catalog, plan, () => target);
    assert.deepEqual(result.failed, []);
    const key = (id: number) => archive(id).slice(folder.length + 1);
    assert.deepEqual(
      calls,
      [ids[1], ids[0]].flatMap((id) => [
        key(id!),
        `${key(id!)}.manifest.json`,
        `${key(id!)}.files.ndjson.gz`,
      ]),
    );
    for (const id of [ids[0]!, ids[1]!]) {
      for (const suffix of ['', '.manifest.json', '.files.ndjson.gz'])
        assert.equal(existsSync(archive(id) + suffix), false);
    }
    assert.ok(existsSync(archive(ids[2]!)) && existsSync(archive(ids[3]!)));
    assert.deepEqual(
      catalog.backups.list().map((r) => r.id),
      [ids[3], ids[2]],
    );
    catalog.close();
  });

  test('an archive that cannot be removed leaves its backup whole; a stuck sidecar does not keep the record', async () => {
    const { catalog, folder, ids, archive } = setup(3);
    const stuckArchive = archive(ids[0]!).slice(folder.length + 1);
    const stuckSidecar = `${archive(ids[1]!).slice(folder.length + 1)}.files.ndjson.gz`;
    const { target } = recording(
      new LocalTarget(folder),
      (key) => key === stuckArchive || key === stuckSidecar,
    );
    const plan = await planForget(catalog, { policy: { last: 1 }, engine: E1, now: NOW }, () => target);
    const result = await applyForget(catalog, plan, () => target);
    assert.deepEqual(
      result.failed.map((f) => f.backup.id),
      [ids[0]],
    );
    assert.match(result.failed[0]!.error, /permission denied/);
    assert.ok(existsSync(archive(ids[0]!)) && existsSync(`${archive(ids[0]!)}.manifest.json`));
    assert.deepEqual(
      result.removed.map((r) => [r.backup.id, r.leftovers]),
      [[ids[1], [stuckSidecar]]],
    );
    assert.deepEqual(
      catalog.backups.list().map((r) => r.id),
      [ids[2], ids[0]],
    );
    catalog.close();
  });

  test('a newest good backup whose archive was deleted by hand blocks removal', async () => {
    const { catalog, ids, archive } = setup(3);
    rmSync(archive(ids[2]!));
    const plan = await planForget(catalog, { policy: { last: 1 }, engine: E1, now: NOW });
    assert.deepEqual(plan.remove, []);
    assert.deepEqual(
      plan.blocked.map((b) => b.reason),
      [`its newest backup #${ids[2]} has lost its archive`],
    );
    catalog.close();
  });

  test('a target this Stowage cannot reach is reported, nothing removed', async () => {
    const { catalog } = setup(2);
    const plan = await planForget(catalog, { policy: { last: 1 }, engine: E1, now: NOW }, () => undefined);
    const result = await applyForget(catalog, plan, () => undefined);
    assert.equal(result.removed.length, 0);
    assert.match(result.failed[0]!.error, /is a target this Stowage cannot reach/);
    assert.equal(catalog.backups.list().length, 2);
    catalog.close();
  });

  test("another engine's backups and unclaimed older ones are neither removed nor counted", async () => {
    const { catalog, folder, ids } = setup(2);
    // Newer backups of the same volume name: one of another engine, one from before engines were told apart.
    const other = (engineId: string, day: number) =>
      catalog.backups.add({
        ...catalog.backups.get(ids[0]!)!,
        engineId,
        archiveKey: `data/other-${engineId}.tar.zst`,
        finishedAt: `2026-11-${day}T03:00:00.000Z`,
      });
    const foreign = other('e2', 20);
    const older = other('R1', 21);
    const plan = await planForget(
      catalog,
      { policy: { last: 1 }, engine: E1, now: NOW },
      () => new LocalTarget(folder),
    );
    // last:1 keeps e1's own newest (day 2) and removes its day 1: e2's and R1's newer backups changed nothing.
    assert.deepEqual(
      plan.remove.map((r) => r.backup.id),
      [ids[0]],
    );
    assert.deepEqual(
      plan.keep.map((k) => k.backup.id),
      [ids[1]],
    );
    assert.equal(plan.otherEngines, 2);
    assert.equal(plan.unclaimed, 1);
    await applyForget(catalog, plan, () => new LocalTarget(folder));
    assert.ok(catalog.backups.get(foreign) && catalog.backups.get(older));
    catalog.close();
  });

  test('a named volume without backups is not found', async () => {
    const { catalog } = setup(1);
    await assert.rejects(
      planForget(catalog, { policy: { last: 1 }, engine: E1, volume: 'nope', now: NOW }),
      /forget nope: the catalog has no backup/,
    );
    catalog.close();
  });
});
