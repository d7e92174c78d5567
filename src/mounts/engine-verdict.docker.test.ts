/**
 * The parsers against the real thing: each spec goes through `docker create` on the engine at DOCKER_HOST
 * (Docker 20.10 in the test setup, with whatever docker CLI is on PATH) and through Stowage, and both must give
 * the same verdict with the same message. Skips only when DOCKER_HOST is unset. (No spec names a volume driver
 * that is not installed: the docker CLI then takes the engine's "not found" for a missing image and tries to
 * pull it from the internet.) Containers carry the label
 * `stowage.test=mounts` and are removed, with their anonymous volumes; named volumes use a per-run prefix and
 * are removed too.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { isStowageError } from '../core/errors.ts';
import {
  ANONYMOUS_NAME,
  checkLocalDriverOptions,
  checkLocalVolumeName,
  checkOnHost,
} from './check-on-host.ts';
import { localHostProbe } from './local-host-probe.ts';
import type { HostProbe, MountSyntax } from './mount-spec.ts';
import { parseLongSpec } from './parse-long-spec.ts';
import { parseShortSpec } from './parse-short-spec.ts';

const run = promisify(execFile);
const DOCKER_HOST = process.env.DOCKER_HOST;
const IMAGE = process.env.STOWAGE_TEST_IMAGE ?? 'stowage-test/busybox';
const LABEL = 'stowage.test=mounts';
const VOL = `mtest-${process.pid}`; // named volumes this run may create

type Flag = '-v' | '--mount';
// [flag, spec, the message both must give, or undefined when both accept]. $SRC is an existing directory,
// $MISSING a path that does not exist, $ROOT the engine's data root, $VOL this run's volume name prefix.
const table: [Flag, string, string?][] = [
  ['-v', '/data'],
  ['-v', '$VOL-a:/data:ro,Z,nocopy,cached'],
  ['-v', '$SRC:/data:ro,z,rshared'],
  ['-v', '$SRC:\\data'],
  ['-v', '$MISSING:/data'], // -v creates a missing source when the container starts
  ['-v', ':/data', 'invalid spec: :/data: empty section between colons'],
  // No source for the CLI's split: the whole spec is an anonymous volume's path, which the engine takes as is.
  ['-v', ':'],
  ['-v', '::'],
  ['-v', ':a'],
  ['-v', 'a:'],
  ['-v', 'C:'],
  ['-v', 'c:\\data'],
  ['-v', 'C:/'],
  ['-v', 'a:/data'],
  ['-v', 'v:/data'],
  ['-v', 'a:b'],
  ['-v', 'é:/data'],
  ['-v', '日:/x'],
  ['-v', 'my vol'],
  ['-v', 'data'],
  ['-v', 'ro'],
  ['-v', '.'],
  ['-v', './data'],
  ['-v', '../x'],
  ['-v', ':::', 'invalid spec: :::: empty section between colons'],
  ['-v', 'ab:', 'invalid spec: ab:: empty section between colons'],
  ['-v', 'ab:/data:', 'invalid spec: ab:/data:: empty section between colons'],
  ['-v', 'C:/a:/b', 'invalid mode: /b'],
  ['-v', '$VOL-a:/data:', 'invalid spec: $VOL-a:/data:: empty section between colons'],
  ['-v', '$VOL-a:/data:ro:z', 'invalid spec: $VOL-a:/data:ro:z: too many colons'],
  ['-v', 'c:/a:/b:ro', "invalid volume specification: 'c:/a:/b:ro'"],
  ['-v', '/data:rw', "invalid volume specification: '/data:rw'"],
  ['-v', '$VOL-a:/data:bogus', 'invalid mode: bogus'],
  ['-v', '$SRC:/data:rw,ro', 'invalid mode: rw,ro'],
  ['-v', '$VOL-a:/data:cached,delegated', 'invalid mode: cached,delegated'],
  [
    '-v',
    'c::ro',
    `invalid volume specification: 'c::ro': invalid mount config for type "volume": field Target must not be empty`,
  ],
  [
    '-v',
    '$VOL-a:/',
    `invalid volume specification: '$VOL-a:/': invalid mount config for type "volume": invalid specification: destination can't be '/'`,
  ],
  [
    '-v',
    '$SRC:a\\b',
    `invalid volume specification: '$SRC:a\\b': invalid mount config for type "bind": invalid mount path: 'a/b' mount path must be absolute`,
  ],
  [
    '-v',
    '$SRC:/data:nocopy',
    `invalid volume specification: '$SRC:/data:nocopy': invalid mount config for type "bind": field VolumeOptions must not be specified`,
  ],
  [
    '-v',
    '$VOL-a:/data:ro,shared',
    `invalid volume specification: '$VOL-a:/data:ro,shared': invalid mount config for type "volume": field BindOptions must not be specified`,
  ],
  [
    '-v',
    'my vol:/data',
    `create my vol: "my vol" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
  ],
  [
    '-v',
    '$ROOT:/data:private',
    `invalid mount config: must use either propagation mode "rslave" or "rshared" when mount source is within the daemon root, daemon root: "$ROOT", bind mount source: "$ROOT", propagation: "private"`,
  ],
  ['--mount', 'type=bind,src=$SRC,dst=/data,ro,bind-propagation=rslave'],
  ['--mount', 'TYPE=Bind,SRC=$SRC,DST=/data,bind-nonrecursive'],
  ['--mount', 'src=$VOL-b,dst=/d,volume-nocopy,volume-label=a=b,volume-driver=local'],
  // volume-opt: the local driver's rules for a volume the mount creates
  ['--mount', 'src=$VOL-c,dst=/d,volume-opt=foo=bar', 'create $VOL-c: invalid option: "foo"'],
  ['--mount', 'src=$VOL-c,dst=/d,volume-opt=foo', 'create $VOL-c: invalid option: "foo"'],
  ['--mount', 'src=$VOL-c,dst=/d,volume-opt=type=tmpfs', 'create $VOL-c: missing required option: "device"'],
  ['--mount', 'src=$VOL-c,dst=/d,volume-opt=o=size=1m', 'create $VOL-c: missing required option: "device"'],
  ['--mount', 'src=$VOL-c,dst=/d,volume-opt=device=tmpfs', 'create $VOL-c: missing required option: "type"'],
  [
    '--mount',
    'src=$VOL-c,dst=/d,volume-driver=local,volume-opt=size=1m',
    'create $VOL-c: quota size requested but no quota support',
  ],
  ['--mount', 'src=$VOL-c,dst=/d,volume-opt=size=bogus', "create $VOL-c: invalid size: 'bogus'"],
  [
    '--mount',
    'src=$VOL-c,dst=/d,volume-opt=size=1.2.3',
    'create $VOL-c: strconv.ParseFloat: parsing "1.2.3": invalid syntax',
  ],
  [
    '--mount',
    'dst=/d,volume-opt=type=tmpfs',
    'create (new anonymous volume): missing required option: "device"',
  ],
  ['--mount', 'src=$VOL-c,dst=/d,volume-opt='], // an empty key is dropped by the CLI
  ['--mount', 'src=$VOL-d,dst=/d,volume-opt==x'],
  ['--mount', 'src=$VOL-e,dst=/d,volume-opt=size=0'],
  ['--mount', 'src=$VOL-f,dst=/d,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-opt=o=size=1m'],
  ['--mount', 'dst=/d,volume-opt=type=tmpfs,volume-opt=device=tmpfs'],
  // $VOL-a exists by now: the engine uses it as it is and never reads the options
  ['--mount', 'src=$VOL-a,dst=/d,volume-opt=foo=bar'],
  // more odd --mount forms
  ['--mount', 'type=tmpfs,dst=/t,tmpfs-size=1.5m'],
  ['--mount', 'type=tmpfs,dst=/t,tmpfs-size=1 m'],
  ['--mount', 'type=tmpfs,dst=/t,tmpfs-size=1MiB'],
  ['--mount', 'type=tmpfs,dst=/t,tmpfs-size=0x10', 'invalid value for tmpfs-size: 0x10'],
  ['--mount', 'type=tmpfs,dst=/t,tmpfs-mode=0o777', 'invalid value for tmpfs-mode: 0o777'],
  [
    '--mount',
    'type=tmpfs,dst=/t,bind-propagation=shared',
    "cannot mix 'bind-*' options with mount type 'tmpfs'",
  ],
  [
    '--mount',
    'type=bind,src=$SRC,dst=/d,volume-opt=a=b',
    "cannot mix 'volume-*' options with mount type 'bind'",
  ],
  ['--mount', 'type=bind,src=$SRC,dst=/d,bind-propagation=SHARED'],
  [
    '--mount',
    'type=volume,src=ab,dst=C:\\d',
    `invalid mount config for type "volume": invalid mount path: 'C:/d' mount path must be absolute`,
  ],
  ['--mount', 'type=tmpfs,dst=/t,tmpfs-size=64m,tmpfs-mode=1777'],
  ['--mount', 'dst=/d,consistency=bogus'],
  ['--mount', 'type=bind,src=$SRC,dst=/d,bind-recursive=writable,ro'],
  ['--mount', '', 'EOF'],
  ['--mount', 'x', "invalid field 'x' must be a key=value pair"],
  ['--mount', 'foo=bar', "unexpected key 'foo' in 'foo=bar'"],
  ['--mount', 'src="a,b",dst=/d', 'parse error on line 1, column 5: bare " in non-quoted-field'],
  ['--mount', 'type=tmpfs,dst=/t,tmpfs-size=1x', 'invalid value for tmpfs-size: 1x'],
  ['--mount', 'type=tmpfs,dst=/t,tmpfs-mode=8', 'invalid value for tmpfs-mode: 8'],
  ['--mount', 'dst=/d,readonly=maybe', 'invalid value for readonly: maybe'],
  ['--mount', 'type=,dst=/d', 'type is required'],
  ['--mount', 'type=volume', 'target is required'],
  ['--mount', 'type=tmpfs,dst=/d,volume-nocopy', "cannot mix 'volume-*' options with mount type 'tmpfs'"],
  [
    '--mount',
    'type=bind,src=$SRC,dst=/d,bind-recursive=readonly,ro,bind-propagation=rprivate',
    'bind-recursive=readonly requires API v1.44 or later',
  ],
  ['--mount', 'type=bind,dst=/d', 'invalid mount config for type "bind": field Source must not be empty'],
  [
    '--mount',
    'type=bind,src=$MISSING,dst=/d',
    'invalid mount config for type "bind": bind source path does not exist: $MISSING',
  ],
  [
    '--mount',
    'type=bind,src=$SRC,dst=/d,bind-propagation=bogus',
    'invalid mount config for type "bind": invalid propagation mode: bogus',
  ],
  [
    '--mount',
    'dst=/d,readonly',
    'invalid mount config for type "volume": must not set ReadOnly mode when using anonymous volumes',
  ],
  [
    '--mount',
    'type=tmpfs,src=x,dst=/d',
    'invalid mount config for type "tmpfs": field Source must not be specified',
  ],
  ['--mount', 'type=npipe,src=x,dst=/d', 'invalid mount config for type "npipe": mount type unknown'],
  [
    '--mount',
    'src=$VOL-a,dst=d',
    `invalid mount config for type "volume": invalid mount path: 'd' mount path must be absolute`,
  ],
  [
    '--mount',
    'src=v,dst=/d',
    'create v: volume name is too short, names should be at least two alphanumeric characters',
  ],
];

// Where Stowage refuses on purpose what this docker accepts (see parse-short-spec.ts, parse-long-spec.ts).
// Asserted, so a docker that changes its mind is noticed.
const divergences: [Flag, string, string][] = [
  // A 20.10 engine ignores the sub-path and mounts the whole volume.
  ['--mount', 'src=$VOL-a,dst=/d,volume-subpath=sub', 'volume-subpath requires API v1.45 or later'],
  // Go turns 1e19 bytes into a negative int64 that the kernel refuses when the container starts.
  ['--mount', 'type=tmpfs,dst=/t,tmpfs-size=1e19', 'invalid value for tmpfs-size: 1e19'],
  [
    '--mount',
    'type=tmpfs,dst=/t,tmpfs-size=9223372036854775807',
    'invalid value for tmpfs-size: 9223372036854775807',
  ],
  // An anonymous volume over the container's whole root: the container cannot start.
  [
    '-v',
    '/',
    `invalid volume specification: '/': invalid mount config for type "volume": invalid specification: destination can't be '/'`,
  ],
];

const docker = (...args: string[]) => run('docker', args, { env: process.env });
const volumeExists = (name: string) =>
  docker('volume', 'inspect', name).then(
    () => true,
    () => false,
  );

/**
 * What a user reads: the first line, without the CLI's and the daemon's prefixes. A new anonymous volume's
 * random name is replaced with what Stowage says in its place.
 */
function dockerMessage(stderr: string): string {
  const line = (stderr.split('\n').find((text) => text.trim() !== '') ?? '')
    .replace(/^docker: /, '')
    .replace(/^Error response from daemon: /, '')
    .replace(/^create [0-9a-f]{64}: /, `create ${ANONYMOUS_NAME}: `);
  return /^invalid argument ".*" for "--mount" flag: (.*)$/.exec(line)?.[1] ?? line;
}

async function dockerVerdict(flag: Flag, spec: string): Promise<string | undefined> {
  try {
    const { stdout } = await docker('create', '--label', LABEL, flag, spec, IMAGE, 'true');
    await docker('rm', '-v', stdout.trim());
    return undefined;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    if (stderr === undefined) throw error;
    return dockerMessage(stderr);
  }
}

if (DOCKER_HOST === undefined) {
  const why =
    'DOCKER_HOST is not set; point it at the private test engine, e.g. unix:///tmp/eng1/docker.sock';
  console.log(`# engine verdicts skipped: ${why}`);
  test('mount specs: same verdict as the engine', { skip: why }, () => {});
} else {
  let dir = '';
  let probe: HostProbe | undefined;
  const vars = new Map<string, string>();
  const fill = (text: string) =>
    text.replace(/\$(SRC|MISSING|ROOT|VOL)/g, (name) => vars.get(name.slice(1))!);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stowage-mounts-'));
    await mkdir(join(dir, 'src'));
    const root = (await docker('info', '--format', '{{.DockerRootDir}}')).stdout.trim();
    vars.set('SRC', join(dir, 'src')).set('MISSING', join(dir, 'missing')).set('ROOT', root).set('VOL', VOL);
    // Paths mean something only on the engine's own host.
    if (DOCKER_HOST.startsWith('unix://')) probe = localHostProbe({ daemonRoot: root, volumeExists });
  });

  after(async () => {
    const leftovers = (await docker('ps', '-aq', '--filter', `label=${LABEL}`)).stdout
      .split('\n')
      .filter(Boolean);
    if (leftovers.length > 0) await docker('rm', '-fv', ...leftovers);
    const volumes = (await docker('volume', 'ls', '-q', '--filter', `name=${VOL}-`)).stdout
      .split('\n')
      .filter(Boolean);
    if (volumes.length > 0) await docker('volume', 'rm', ...volumes);
    await rm(dir, { recursive: true, force: true });
  });

  async function stowageVerdict(flag: Flag, spec: string): Promise<string | undefined> {
    const syntax: MountSyntax = flag === '-v' ? 'short' : 'long';
    try {
      const options = { cwd: process.cwd() };
      const parsed = syntax === 'short' ? parseShortSpec(spec, options) : parseLongSpec(spec, options);
      if (probe) await checkOnHost(parsed, probe, syntax);
      else {
        checkLocalVolumeName(parsed);
        const named = parsed.type === 'volume' && parsed.source !== '';
        checkLocalDriverOptions(parsed, named && (await volumeExists(parsed.source)));
      }
      return undefined;
    } catch (error) {
      if (isStowageError(error, 'invalid')) return error.message;
      throw error;
    }
  }

  test('mount specs: same verdict and message as docker create', async (t) => {
    for (const [flag, template, expected] of table) {
      const spec = fill(template);
      const needsHost = template.includes('$MISSING') || template.includes('$ROOT');
      await t.test(
        `${flag} ${JSON.stringify(spec)}`,
        { skip: needsHost && !probe && 'the engine is not local' },
        async () => {
          const [fromDocker, fromStowage] = [
            await dockerVerdict(flag, spec),
            await stowageVerdict(flag, spec),
          ];
          assert.equal(fromDocker, expected === undefined ? undefined : fill(expected), 'docker');
          assert.equal(fromStowage, fromDocker, 'stowage');
        },
      );
    }
  });

  test('mount specs: where Stowage refuses on purpose what docker accepts', async (t) => {
    for (const [flag, template, message] of divergences) {
      const spec = fill(template);
      await t.test(`${flag} ${JSON.stringify(spec)}`, async () => {
        assert.equal(await dockerVerdict(flag, spec), undefined, 'docker accepts it');
        assert.equal(await stowageVerdict(flag, spec), message);
      });
    }
  });
}
