/** `stowage ls`, `inspect` and `mounts` against the private engine, compared with the docker CLI's answers. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  dockerOk,
  engineAvailable,
  inspectContainer,
  SKIP_REASON,
  TestSession,
  volumeAt,
} from './support/engine.ts';

const bin = join(import.meta.dirname, '..', 'src/cli/bin.ts');

interface VolumeJson {
  name: string;
  driver: string;
  status: string;
  anonymous: boolean;
  sizeBytes: number | null;
  mountpoint: string;
  labels: Record<string, string>;
  options: Record<string, string>;
  createdAt: string;
  protected: boolean;
  composeProject: string | null;
  containers: { name: string; destination: string; readOnly: boolean; running: boolean }[];
  createdBy?: { containerName: string; image: string; path: string } | 'unknown' | null;
}

describe('inventory on a real engine', { skip: !engineAvailable() && SKIP_REASON }, () => {
  const s = new TestSession();
  let anonymous = '';

  before(() => {
    // The seeds' sidecar lab: a writer and a read-only reader of shared-logs.
    s.volume(`shared-logs-${s.id}`);
    s.container(
      `app-server-${s.id}`,
      ['-v', `shared-logs-${s.id}:/var/log/app`],
      ['sh', '-c', 'while true; do date >> /var/log/app/access.log; sleep 1; done'],
    );
    s.container(`log-shipper-${s.id}`, ['-v', `shared-logs-${s.id}:/logs:ro`], ['sh', '-c', 'sleep 3600']);
    // A database-like named volume with data, used by a stopped container.
    s.volume(`pg-data-${s.id}`, '--label', 'com.docker.compose.project=shop');
    s.container(
      `db-${s.id}`,
      ['-v', `pg-data-${s.id}:/var/lib/postgresql/data`],
      ['sh', '-c', 'head -c 300000 /dev/zero > /var/lib/postgresql/data/base; echo ok'],
      true,
    );
    dockerOk('wait', `db-${s.id}`);
    // An anonymous volume, as `docker run -v /var/lib/postgresql/data postgres` makes one; plus tmpfs and a bind.
    s.container(`anon-${s.id}`, [
      '-v',
      '/var/lib/postgresql/data',
      '--tmpfs',
      '/cache:size=64m',
      '-v',
      '/etc/hostname:/host-name:ro',
    ]);
    anonymous = volumeAt(`anon-${s.id}`, '/var/lib/postgresql/data');
    // Orphans.
    s.volume(`orphan-${s.id}`);
    // A helper container (Stowage's own) must never count as a user.
    s.volume(`helped-${s.id}`);
    dockerOk(
      'create',
      '--label',
      s.label,
      '--label',
      'stowage.helper=true',
      '-v',
      `helped-${s.id}:/v`,
      'stowage-test/busybox',
      'true',
    );
  });
  after(() => s.cleanup());

  test('ls lists the same volumes as docker volume ls, with every docker filter', () => {
    for (const filter of [
      [],
      ['dangling=true'],
      ['dangling=false'],
      ['driver=local'],
      [`label=${s.label}`],
      [`name=${s.id}`],
      ['label=com.docker.compose.project=shop'],
    ]) {
      const dockerArgs = filter.flatMap((f) => ['--filter', f]);
      const expected = dockerOk('volume', 'ls', '-q', ...dockerArgs)
        .split('\n')
        .filter(Boolean)
        .sort();
      const ours = s.stowage(['ls', '-q', ...dockerArgs]);
      assert.equal(ours.status, 0, ours.stderr);
      assert.deepEqual(
        ours.stdout.split('\n').filter(Boolean).sort(),
        expected,
        `filter ${filter.join(' ')}`,
      );
    }
  });

  test('sizes match docker system df -v', () => {
    const volumes = s.json<VolumeJson[]>(['ls', '--filter', `name=${s.id}`]);
    const df = dockerOk('system', 'df', '-v', '--format', '{{json .Volumes}}');
    const engineSizes = new Map(
      (JSON.parse(df) as { Name: string; Size: string }[]).map((v) => [v.Name, v.Size]),
    );
    const pg = volumes.find((v) => v.name === `pg-data-${s.id}`)!;
    assert.equal(pg.sizeBytes, 300_000);
    assert.equal(engineSizes.get(pg.name), '300kB');
  });

  test('status, users and kind follow the glossary', () => {
    const byName = new Map(s.json<VolumeJson[]>(['ls', '--no-size']).map((v) => [v.name, v]));
    const shared = byName.get(`shared-logs-${s.id}`)!;
    assert.equal(shared.status, 'in-use');
    assert.deepEqual(
      shared.containers.map((c) => [c.name, c.readOnly]),
      [
        [`app-server-${s.id}`, false],
        [`log-shipper-${s.id}`, true],
      ],
    );
    assert.equal(byName.get(`pg-data-${s.id}`)!.status, 'idle');
    assert.equal(byName.get(`pg-data-${s.id}`)!.composeProject, 'shop');
    assert.equal(byName.get(`orphan-${s.id}`)!.status, 'dangling');
    assert.equal(byName.get(`helped-${s.id}`)!.status, 'dangling', 'helper containers are not users');
    assert.equal(byName.get(anonymous)!.anonymous, true);
    assert.equal(byName.get(`orphan-${s.id}`)!.anonymous, false);
  });

  test('extra filters: --unused, --anonymous, --larger-than, --older-than', () => {
    const names = (args: string[]) =>
      s
        .json<VolumeJson[]>(['ls', '--filter', `label=${s.label}`, ...args])
        .map((v) => v.name)
        .sort();
    assert.deepEqual(names(['--unused', '--no-size']), [
      `helped-${s.id}`,
      `orphan-${s.id}`,
      `pg-data-${s.id}`,
    ]);
    assert.deepEqual(names(['--larger-than', '100k']), [`pg-data-${s.id}`]);
    assert.deepEqual(names(['--older-than', '1d', '--no-size']), []);
    const anonymousOnly = s.json<VolumeJson[]>(['ls', '--anonymous', '--no-size']).map((v) => v.name);
    assert.ok(anonymousOnly.includes(anonymous));
    assert.ok(!anonymousOnly.some((name) => name.includes(s.id)));
  });

  test('inspect agrees with docker volume inspect and names the creator of an anonymous volume', () => {
    const [ours] = s.json<VolumeJson[]>(['inspect', `pg-data-${s.id}`]);
    const [theirs] = JSON.parse(dockerOk('volume', 'inspect', `pg-data-${s.id}`)) as {
      Driver: string;
      Mountpoint: string;
      Labels: Record<string, string>;
      CreatedAt: string;
    }[];
    assert.equal(ours!.driver, theirs!.Driver);
    assert.equal(ours!.mountpoint, theirs!.Mountpoint);
    assert.deepEqual(ours!.labels, theirs!.Labels);
    assert.equal(ours!.createdAt, theirs!.CreatedAt);
    const [anon] = s.json<VolumeJson[]>(['inspect', anonymous]);
    assert.deepEqual(anon!.createdBy, {
      containerId: inspectContainer(`anon-${s.id}`).Id,
      containerName: `anon-${s.id}`,
      image: 'stowage-test/busybox',
      path: '/var/lib/postgresql/data',
    });
  });

  test('an anonymous volume whose creator is gone shows "unknown"', () => {
    s.container(`gone-${s.id}`, ['-v', '/data'], ['true'], false);
    const volume = volumeAt(`gone-${s.id}`, '/data');
    dockerOk('rm', `gone-${s.id}`); // without -v: the anonymous volume stays behind, an orphan
    const [details] = s.json<VolumeJson[]>(['inspect', volume]);
    assert.equal(details!.createdBy, 'unknown');
    assert.equal(details!.status, 'dangling');
    dockerOk('volume', 'rm', volume);
  });

  test('mounts lists volumes, binds and tmpfs; --shared names the writers', () => {
    interface Row {
      container: string;
      type: string;
      source: string;
      destination: string;
      readOnly: boolean;
      tmpfsSize?: number;
      viaVolumesFrom?: string;
    }
    const rows = s.json<Row[]>(['mounts']).filter((r) => r.container.endsWith(s.id));
    const anon = rows.filter((r) => r.container === `anon-${s.id}`);
    assert.deepEqual(anon.map((r) => [r.type, r.destination, r.readOnly]).sort(), [
      ['bind', '/host-name', true],
      ['tmpfs', '/cache', false],
      ['volume', '/var/lib/postgresql/data', false],
    ]);
    assert.equal(anon.find((r) => r.type === 'tmpfs')!.tmpfsSize, 64 * 1024 * 1024);
    const shared = s
      .json<{ volume: string; writers: string[] }[]>(['mounts', '--shared'])
      .find((v) => v.volume === `shared-logs-${s.id}`);
    assert.deepEqual(shared?.writers, [`app-server-${s.id}`]);
    const table = s.stowage(['mounts', '--type', 'tmpfs']);
    assert.match(table.stdout, /tmpfs\s+-\s+\/cache\s+rw/);
  });

  test('--volumes-from shows as the mounts it resolves to', () => {
    s.container(`reader-${s.id}`, ['--volumes-from', `log-shipper-${s.id}`]);
    interface Row {
      container: string;
      source: string;
      destination: string;
      readOnly: boolean;
      viaVolumesFrom?: string;
    }
    const row = s.json<Row[]>(['mounts']).find((r) => r.container === `reader-${s.id}`);
    assert.deepEqual(
      [row?.source, row?.destination, row?.readOnly, row?.viaVolumesFrom],
      [`shared-logs-${s.id}`, '/logs', true, `log-shipper-${s.id}`],
    );
  });

  test("a bad filter is refused with the engine's message and exit code 2", () => {
    const result = s.stowage(['ls', '--filter', 'colour=blue']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^stowage: Invalid filter 'colour'\n {2}hint: filters: dangling/);
    const engine = s.stowage(['ls', '--filter', 'dangling=maybe']);
    assert.equal(engine.status, 2);
    assert.match(engine.stderr, /Invalid filter 'dangling=\[maybe\]'/);
  });

  test('an unknown volume is a one-line error with exit code 3', () => {
    const result = s.stowage(['inspect', `missing-${s.id}`]);
    assert.equal(result.status, 3);
    assert.equal(
      result.stderr,
      `stowage: inspect volume "missing-${s.id}": get missing-${s.id}: no such volume\n`,
    );
  });

  test('tables show an anonymous volume as 3c5e…e5a1, --no-trunc in full, and fit 120 columns', () => {
    // Realistic long names: a compose project's volume, a long project label, a long container name.
    const long = `myproject-with-a-long-name_postgres-data-volume-${s.id}`;
    s.volume(long, '--label', 'com.docker.compose.project=myproject-with-a-long-name-for-staging');
    s.container(`myproject-with-a-long-name-for-staging-postgres-1-${s.id}`, [
      '-v',
      `${long}:/var/lib/postgresql/data/a-rather-deep/path/inside`,
    ]);
    const env = { COLUMNS: '' }; // not a terminal: the default width, 120
    const short = `${anonymous.slice(0, 4)}…${anonymous.slice(-4)}`;
    for (const args of [['ls'], ['mounts'], ['mounts', '--shared'], ['cost'], ['doctor']]) {
      const table = s.stowage(args, env);
      assert.ok(table.status === 0 || args[0] === 'doctor', `${args.join(' ')}: ${table.stderr}`);
      for (const line of table.stdout.split('\n'))
        assert.ok([...line].length <= 120, `${args.join(' ')}: ${[...line].length} columns: ${line}`);
      // doctor's FIX column is a command to copy: it needs the full name.
      if (args[0] !== 'doctor') {
        if (table.stdout.includes(anonymous.slice(0, 4)))
          assert.ok(!table.stdout.includes(anonymous), `${args.join(' ')} shows the full anonymous name`);
      }
    }
    const ls = s.stowage(['ls'], env);
    assert.match(ls.stdout, new RegExp(`^${short}\\s`, 'm'));
    // A long name gives way last, in its middle: both ends stay.
    assert.match(ls.stdout, new RegExp(`^myproject-with[^\\s]*…[^\\s]*-${s.id}\\s`, 'm'));
    assert.match(ls.stdout, /\s1 \(1 running\)\s+in-use\s+anonymous\s/, 'short columns stay whole');
    const mounts = s.stowage(['mounts'], env);
    assert.match(mounts.stdout, new RegExp(`\\s${short}\\s`));
    const full = s.stowage(['ls', '--no-trunc'], env);
    assert.match(full.stdout, new RegExp(`^${anonymous}\\s`, 'm'));
    assert.match(full.stdout, new RegExp(`^${long}\\s`, 'm'));
    assert.match(full.stdout, /myproject-with-a-long-name-for-staging/);
    assert.ok(s.stowage(['mounts', '--no-trunc'], env).stdout.includes(anonymous));
  });

  test('read-only commands leave no trace on disk: no data folder, catalog or version cache', () => {
    const home = mkdtempSync(join(tmpdir(), 'stowage-home-'));
    const dataDir = join(home, 'data');
    try {
      for (const args of [
        ['ls'],
        ['inspect', `pg-data-${s.id}`],
        ['mounts'],
        ['info'],
        ['mount-spec', 'check', `pg-data-${s.id}:/data:ro`],
        ['--help'],
        ['ls', '--help'],
      ]) {
        const result = spawnSync(process.execPath, [bin, '--data-dir', dataDir, ...args], {
          encoding: 'utf8',
          env: { ...process.env, HOME: home, XDG_DATA_HOME: '' },
        });
        assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`);
        assert.deepEqual(readdirSync(home), [], `${args.join(' ')} created something`);
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
