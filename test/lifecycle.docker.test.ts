/** `create`, `rm`, `prune`, `protect` against the private engine: parity with docker, and nothing lost. */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { docker, dockerOk, engineAvailable, SKIP_REASON, TestSession } from './support/engine.ts';

interface Plan {
  dryRun: boolean;
  remove: { name: string; sizeBytes: number | null }[];
  skipped: { name: string; reason: string }[];
  reclaimableBytes: number;
}

const exists = (name: string) => docker('volume', 'inspect', name).status === 0;

describe('volume lifecycle on a real engine', { skip: !engineAvailable() && SKIP_REASON }, () => {
  const s = new TestSession();
  after(() => s.cleanup());

  test('create passes driver, options and labels; --nfs builds the local driver options', () => {
    const name = `made-${s.id}`;
    assert.equal(
      s
        .stowage([
          'create',
          name,
          '--label',
          s.label,
          '--label',
          'tier=gold',
          '--opt',
          'type=tmpfs',
          '--opt',
          'device=tmpfs',
          '--opt',
          'o=size=10m',
        ])
        .stdout.trim(),
      name,
    );
    const [made] = JSON.parse(dockerOk('volume', 'inspect', name)) as {
      Labels: Record<string, string>;
      Options: Record<string, string>;
    }[];
    assert.equal(made!.Labels.tier, 'gold');
    assert.deepEqual(made!.Options, { type: 'tmpfs', device: 'tmpfs', o: 'size=10m' });
    const nfs = `nfs-${s.id}`;
    assert.equal(s.stowage(['create', nfs, '--label', s.label, '--nfs', '10.0.0.5:/exports/data']).status, 0);
    const [share] = JSON.parse(dockerOk('volume', 'inspect', nfs)) as { Options: Record<string, string> }[];
    assert.deepEqual(share!.Options, { type: 'nfs', o: 'addr=10.0.0.5,rw', device: ':/exports/data' });
  });

  test("create refuses what the engine refuses, with the engine's words", () => {
    for (const [args, dockerArgs] of [
      [
        ['--opt', 'colour=red', `x-${s.id}`],
        ['--opt', 'colour=red', `x-${s.id}`],
      ],
      [
        ['--opt', 'type=nfs', `y-${s.id}`],
        ['--opt', 'type=nfs', `y-${s.id}`],
      ],
      [['bad/name'], ['bad/name']],
      [['a'], ['a']],
    ] as const) {
      const ours = s.stowage(['create', ...args]);
      const theirs = docker('volume', 'create', ...dockerArgs);
      assert.equal(ours.status, 2, ours.stderr);
      assert.notEqual(theirs.status, 0);
      const engineMessage = theirs.stderr.replace(/^Error response from daemon: /, '').trim();
      assert.equal(ours.stderr.split('\n')[0], `stowage: ${engineMessage}`);
    }
    assert.match(
      s.stowage(['create', '--nfs', 'nopath', `z-${s.id}`]).stderr,
      /invalid --nfs "nopath": expected ADDRESS:\/PATH/,
    );
  });

  test('rm refuses a volume used by running or stopped containers and names them', () => {
    const name = `busy-${s.id}`;
    s.volume(name);
    s.container(`user-${s.id}`, ['-v', `${name}:/data`]);
    s.container(`sleeper-${s.id}`, ['-v', `${name}:/data`], ['true'], false);
    const result = s.stowage(['rm', name]);
    assert.equal(result.status, 4);
    assert.match(
      result.stderr,
      new RegExp(
        `^stowage: remove ${name}: volume is in use by sleeper-${s.id} \\(stopped\\), user-${s.id} \\(running\\)\n  hint: remove those containers first`,
      ),
    );
    assert.ok(exists(name));
    dockerOk('rm', '-f', `user-${s.id}`, `sleeper-${s.id}`);
    assert.equal(s.stowage(['rm', name]).status, 0);
    assert.ok(!exists(name));
    assert.equal(s.stowage(['rm', name]).status, 3);
  });

  test('prune: dry run by default, anonymous only, --all for named, never protected or in use', () => {
    const label = `prune-${s.id}`;
    const named = `named-${s.id}`;
    s.volume(named, '--label', label);
    const labelled = `keep-${s.id}`;
    s.volume(labelled, '--label', label, '--label', 'stowage.protect=true');
    const marked = `marked-${s.id}`;
    s.volume(marked, '--label', label);
    assert.equal(s.stowage(['protect', marked, '--reason', 'production data']).status, 0);
    const used = `used-${s.id}`;
    s.volume(used, '--label', label);
    s.container(`uses-${s.id}`, ['-v', `${used}:/data`]);
    // An anonymous orphan: docker volume create with no name makes a 64-hex name.
    const anonymous = dockerOk('volume', 'create', '--label', s.label, '--label', label);
    dockerOk(
      'run',
      '--rm',
      '-v',
      `${anonymous}:/d`,
      'stowage-test/busybox',
      'sh',
      '-c',
      'head -c 5000 /dev/zero > /d/f',
    );

    const plan = s.json<Plan>(['prune', '--filter', `label=${label}`]);
    assert.equal(plan.dryRun, true);
    assert.deepEqual(
      plan.remove.map((v) => v.name),
      [anonymous],
    );
    assert.equal(plan.reclaimableBytes, 5000);
    const reasons = Object.fromEntries(plan.skipped.map((v) => [v.name, v.reason]));
    assert.deepEqual(reasons, {
      [named]: 'named (use --all)',
      [labelled]: 'protected',
      [marked]: 'protected',
      [used]: 'in use',
    });
    assert.ok(exists(anonymous), 'a dry run removes nothing');

    const all = s.json<Plan>(['prune', '--all', '--filter', `label=${label}`]);
    assert.deepEqual(all.remove.map((v) => v.name).sort(), [anonymous, named].sort());

    const text = s.stowage(['prune', '--all', '--filter', `label=${label}`]);
    assert.equal(text.status, 0);
    assert.match(text.stdout, /Total reclaimable space: 5kB/);
    assert.match(text.stderr, /run again with --yes/);

    const applied = s.stowage(['prune', '--all', '--yes', '--filter', `label=${label}`]);
    assert.equal(applied.status, 0, applied.stderr);
    assert.ok(!exists(anonymous) && !exists(named));
    assert.ok(exists(labelled) && exists(marked) && exists(used));

    assert.equal(s.stowage(['unprotect', marked]).status, 0);
    assert.deepEqual(
      s.json<Plan>(['prune', '--all', '--filter', `label=${label}`]).remove.map((v) => v.name),
      [marked],
    );
  });

  test('rm of a protected volume needs --force', () => {
    const name = `guarded-${s.id}`;
    s.volume(name, '--label', 'stowage.protect=true');
    const refused = s.stowage(['rm', name]);
    assert.equal(refused.status, 4);
    assert.match(refused.stderr, /volume is protected/);
    assert.equal(s.stowage(['rm', '--force', name]).status, 0);
  });

  test('an unreachable engine says how to point at one, exit code 5', () => {
    const result = s.stowage(['ls', '--host', 'unix:///nonexistent/docker.sock']);
    assert.equal(result.status, 5);
    assert.match(
      result.stderr,
      /^stowage: cannot connect to the engine: no engine is listening at unix:\/\/\/nonexistent\/docker.sock \(from --host\)\n {2}hint: start Docker, or point Stowage at an engine with --host/,
    );
  });
});
