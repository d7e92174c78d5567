/**
 * `stowage forget` against the private engine: real backups, verified or not, then retention judged as
 * a user would: by the files left in the backup folder, `stowage backups`, and a restore of what is kept.
 * Backups made here are seconds apart, so the hourly/daily/... rules are covered by the unit tests; this
 * covers the dry run, the apply path and the safety rules.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerOk, engineAvailable, fillVolume, IMAGE, SKIP_REASON, TestSession } from './support/engine.ts';

interface BackupJson {
  backups: { id: number; archive: string }[];
}
interface Record {
  id: number;
  volume: string;
  verifyStatus: string | null;
}
interface DryRunJson {
  dryRun: true;
  policy: string;
  remove: (Record & { reason: string })[];
  keep: (Record & { reasons: string[] })[];
  blocked: { volume: string; newest: number; cause: string; reason: string }[];
}

describe('forget on a real engine', { skip: !engineAvailable() && SKIP_REASON, timeout: 600_000 }, () => {
  const s = new TestSession();
  const folder = mkdtempSync(join(tmpdir(), 'stowage-forget-'));
  const volume = `keep-${s.id}`;
  const other = `other-${s.id}`;
  const archives = new Map<number, string>();
  const ids: number[] = [];

  /** Every file in the backup folder, relative to it: what `ls -R` shows a user. */
  const onDisk = () =>
    readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(folder.length + 1))
      .sort();
  const filesOf = (id: number) => {
    const key = archives.get(id)!.slice(folder.length + 1);
    return [key, `${key}.files.ndjson.gz`, `${key}.manifest.json`];
  };
  const catalogIds = (name: string) => s.json<Record[]>(['backups', name]).map((r) => r.id);
  const backup = (name: string, content: string) => {
    fillVolume(name, `echo ${content} > /d/state.txt`);
    const made = s.json<BackupJson>(['backup', name, '--to', folder]).backups[0]!;
    archives.set(made.id, made.archive);
    return made.id;
  };
  const verify = (id: number) => {
    const result = s.stowage(['verify', String(id)]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
  };

  before(() => {
    s.volume(volume);
    s.volume(other);
    for (let i = 0; i < 4; i++) ids.push(backup(volume, `v${i}`));
    verify(ids[1]!);
    verify(ids[3]!);
    backup(other, 'o0');
    backup(other, 'o1'); // the other volume's newest is never verified
  });
  after(() => {
    s.cleanup();
    rmSync(folder, { recursive: true, force: true });
  });

  test('an invalid policy is refused with the grammar, exit 2', () => {
    const result = s.stowage(['forget', volume, '--keep', 'last:2,dayly:7']);
    assert.equal(result.status, 2);
    assert.match(
      result.stderr,
      /invalid retention policy "last:2,dayly:7": "dayly" in "dayly:7" is not a rule/,
    );
    assert.match(result.stderr, /hint: the grammar is keep=RULE:N/);
  });

  test('--dry-run prints what would go and what is kept, with why, and removes nothing', () => {
    const before = onDisk();
    const listed = catalogIds(volume);
    const text = s.stowage(['forget', volume, '--keep', 'keep=last:2', '--dry-run']);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^Would remove \(keep=last:2\):\nID +VOLUME +AGE +VERIFIED +WHY +LOCATION\n/);
    assert.match(
      text.stdout,
      new RegExp(`^${ids[0]} +${volume} +.* ago +never +not kept by last:2 +${folder}/`, 'm'),
    );
    assert.match(text.stdout, new RegExp(`^${ids[1]} +${volume} +.* ago +ok +not kept by last:2 +`, 'm'));
    assert.match(
      text.stdout,
      new RegExp(`^${ids[3]} +${volume} +.* ago +ok +newest good backup, last 1/2 +`, 'm'),
    );
    assert.match(text.stderr, /This was a dry run/);

    const plan = s.json<DryRunJson>(['forget', volume, '--keep', 'last:2', '--dry-run']);
    assert.deepEqual(
      plan.remove.map((r) => [r.id, r.reason]),
      [
        [ids[1], 'not kept by last:2'],
        [ids[0], 'not kept by last:2'],
      ],
    );
    assert.deepEqual(
      plan.keep.map((k) => [k.id, k.reasons]),
      [
        [ids[3], ['newest good backup', 'last 1/2']],
        [ids[2], ['last 2/2']],
      ],
    );
    assert.deepEqual(plan.blocked, []);
    assert.deepEqual(onDisk(), before, 'nothing removed on disk');
    assert.deepEqual(catalogIds(volume), listed, 'nothing removed from the catalog');
  });

  test('forget removes exactly what the plan said: archives, sidecars and records; the rest still restores', () => {
    const otherFiles = onDisk().filter((f) => f.startsWith(`${other}/`));
    const result = s.stowage(['forget', volume, '--keep', 'last:2']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^Removed \(keep=last:2\):\n/);
    assert.match(result.stdout, new RegExp(`^${ids[0]} +${volume} .*not kept by last:2`, 'm'));
    assert.match(result.stdout, new RegExp(`^${ids[1]} +${volume} .*not kept by last:2`, 'm'));
    assert.doesNotMatch(result.stdout, new RegExp(`^(${ids[2]}|${ids[3]}) `, 'm'));

    assert.deepEqual(onDisk(), [...filesOf(ids[2]!), ...filesOf(ids[3]!), ...otherFiles].sort());
    assert.deepEqual(catalogIds(volume), [ids[3], ids[2]]);
    assert.equal(catalogIds(other).length, 2, 'another volume is untouched');

    const restored = s.stowage(['restore', String(ids[2]), '--to', `restored-${s.id}`]);
    assert.equal(restored.status, 0, restored.stderr);
    assert.equal(dockerOk('run', '--rm', '-v', `restored-${s.id}:/d:ro`, IMAGE, 'cat', '/d/state.txt'), 'v2');
    dockerOk('volume', 'rm', `restored-${s.id}`);

    const again = s.stowage(['forget', volume, '--keep', 'last:2']);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /^Nothing removed \(keep=last:2\)\./);
  });

  test('an unverified newest backup blocks removal with a clear message until it is verified', () => {
    const newest = backup(volume, 'v4');
    const before = onDisk();
    const blocked = s.stowage(['forget', volume, '--keep', 'last:1']);
    assert.equal(blocked.status, 4, blocked.stdout + blocked.stderr);
    assert.match(blocked.stdout, /^Nothing removed \(keep=last:1\)\./);
    assert.match(
      blocked.stderr,
      new RegExp(
        `stowage: forget: nothing removed for ${volume}: its newest backup #${newest} has not been verified`,
      ),
    );
    assert.match(blocked.stderr, new RegExp(`hint: .*run \`stowage verify ${newest}\``));
    assert.deepEqual(onDisk(), before);
    assert.deepEqual(catalogIds(volume), [newest, ids[3], ids[2]]);

    const plan = s.json<DryRunJson>(['forget', volume, '--keep', 'last:1', '--dry-run']);
    assert.deepEqual(plan.remove, []);
    assert.deepEqual(
      plan.blocked.map((b) => [b.volume, b.newest, b.cause]),
      [[volume, newest, 'unverified']],
    );
    assert.deepEqual(
      plan.keep.map((k) => [k.id, k.reasons]),
      [
        [newest, ['last 1/1']],
        [ids[3], ['newest good backup']],
        [
          ids[2],
          [`kept: nothing of ${volume} is removed while its newest backup #${newest} has not been verified`],
        ],
      ],
    );
    const dryText = s.stowage(['forget', volume, '--keep', 'last:1', '--dry-run']);
    assert.equal(dryText.status, 0, 'a dry run exits 0 even when blocked');
    assert.match(
      dryText.stderr,
      new RegExp(`${volume}: nothing removed: its newest backup #${newest} has not been verified`),
    );

    verify(newest);
    const unblocked = s.stowage(['forget', volume, '--keep', 'last:1']);
    assert.equal(unblocked.status, 0, unblocked.stderr);
    assert.deepEqual(catalogIds(volume), [newest]);
    assert.deepEqual(
      onDisk().filter((f) => f.startsWith(`${volume}/`)),
      filesOf(newest).sort(),
    );
    ids.push(newest);
  });

  test('without a volume every volume is planned on its own: one blocked volume does not stop another', () => {
    const second = backup(volume, 'v5');
    verify(second);
    const otherBefore = catalogIds(other);
    const result = s.stowage(['forget', '--keep', 'last:1']);
    assert.equal(result.status, 4, result.stdout + result.stderr);
    assert.match(result.stdout, new RegExp(`^${ids.at(-1)} +${volume} .*not kept by last:1`, 'm'));
    assert.match(
      result.stderr,
      new RegExp(`nothing removed for ${other}: its newest backup #${otherBefore[0]} has not been verified`),
    );
    assert.deepEqual(catalogIds(volume), [second]);
    assert.deepEqual(catalogIds(other), otherBefore);
    ids.push(second);
  });

  test('a newest backup that fails verification blocks removal too', () => {
    const damaged = backup(volume, 'v6');
    const path = archives.get(damaged)!;
    const bytes = readFileSync(path);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(path, bytes);
    assert.equal(s.stowage(['verify', String(damaged)]).status, 1);
    const result = s.stowage(['forget', volume, '--keep', 'last:1']);
    assert.equal(result.status, 4);
    assert.match(result.stderr, new RegExp(`its newest backup #${damaged} failed verification`));
    assert.match(result.stderr, new RegExp(`hint: .*take a new backup of ${volume} and verify it`));
    assert.deepEqual(catalogIds(volume), [damaged, ids.at(-1)]);
  });
});
