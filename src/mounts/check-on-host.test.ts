import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isStowageError } from '../core/errors.ts';
import { checkLocalDriverOptions, checkLocalVolumeName, checkOnHost } from './check-on-host.ts';
import { localHostProbe } from './local-host-probe.ts';
import type { HostProbe } from './mount-spec.ts';
import { parseLongSpec } from './parse-long-spec.ts';
import { parseShortSpec } from './parse-short-spec.ts';

const existing = new Set(['/srv', '/var/lib/docker', '/']);
const probe: HostProbe = {
  pathExists: (path) => Promise.resolve(existing.has(path)),
  daemonRoot: () => Promise.resolve('/var/lib/docker'),
};

const rootMessage = (source: string, propagation: string) =>
  `invalid mount config: must use either propagation mode "rslave" or "rshared" when mount source is within the daemon root, daemon root: "/var/lib/docker", bind mount source: "${source}", propagation: "${propagation}"`;
const nameMessage = (name: string, quoted = `"${name}"`) =>
  `create ${name}: ${quoted} includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`;
const tooShort = (name: string) =>
  `create ${name}: volume name is too short, names should be at least two alphanumeric characters`;

// [syntax, spec, expected message or undefined when the host accepts it]; messages checked on Docker 20.10.24.
const table: ['short' | 'long', string, string | undefined][] = [
  ['long', 'type=bind,src=/srv,dst=/d', undefined],
  [
    'long',
    'type=bind,src=/missing,dst=/d',
    'invalid mount config for type "bind": bind source path does not exist: /missing',
  ],
  ['short', '/missing:/d', undefined], // -v creates a missing bind source when the container starts
  // binds of the daemon root (or of a parent of it, or of something inside it)
  ['short', '/var/lib/docker:/d', undefined], // no propagation given: the engine uses rslave
  ['short', '/var/lib:/d:rslave', undefined],
  ['long', 'type=bind,src=/var/lib/docker,dst=/d,bind-propagation=rshared', undefined],
  ['long', 'type=bind,src=/var/lib/docker,dst=/d,bind-nonrecursive', undefined],
  ['short', '/var/lib:/d:private', rootMessage('/var/lib', 'private')],
  ['short', '/:/host:shared', rootMessage('/', 'shared')],
  [
    'long',
    'type=bind,src=/var/lib/docker,dst=/d,bind-propagation=slave',
    rootMessage('/var/lib/docker', 'slave'),
  ],
  ['short', '/var/lib/docker-old:/d:rprivate', rootMessage('/var/lib/docker-old', 'rprivate')], // a string prefix
  ['short', '/srv:/d:private', undefined],
  // the local driver's names
  ['short', 'data:/d', undefined],
  ['short', 'a1._-:/d', undefined],
  ['short', 'v:/d', undefined], // an anonymous volume at "v:/d" (a drive letter for the CLI)
  ['long', 'src=v,dst=/d', tooShort('v')],
  ['long', 'src=-,dst=/d', tooShort('-')],
  ['short', 'my vol:/d', nameMessage('my vol')],
  ['short', '-v:/d', nameMessage('-v')],
  ['short', '~/x:/d', nameMessage('~/x')],
  ['short', './x:/d', nameMessage('./x')],
  ['short', 'é:/d', undefined], // a drive letter too
  ['long', 'src=é,dst=/d', nameMessage('é')], // two bytes: long enough, but not allowed
  ['long', '"src=a""b",dst=/d', nameMessage('a"b', '"a\\"b"')],
  ['long', 'src=my vol,dst=/d,volume-driver=local', nameMessage('my vol')],
  ['long', 'src=my vol,dst=/d,volume-driver=other', undefined], // another driver has its own rules
  ['long', 'dst=/d', undefined], // anonymous: the engine names it
];

for (const [syntax, text, message] of table) {
  test(`${syntax === 'short' ? '-v' : '--mount'} ${text} on the host: ${message ?? 'accepted'}`, async () => {
    const spec = syntax === 'short' ? parseShortSpec(text) : parseLongSpec(text);
    const check = checkOnHost(spec, probe, syntax);
    if (message === undefined) await check;
    else
      await assert.rejects(check, (error) => isStowageError(error, 'invalid') && error.message === message);
  });
}

test('without a daemon root, only the existence and name checks run', async () => {
  const noRoot: HostProbe = { pathExists: () => Promise.resolve(true) };
  await checkOnHost(parseShortSpec('/var/lib/docker:/d:private'), noRoot, 'short');
  assert.throws(() => checkLocalVolumeName(parseLongSpec('src=v,dst=/d')), /too short/);
});

test('localHostProbe looks at this filesystem, following symlinks', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-mounts-'));
  try {
    await writeFile(join(dir, 'file'), '');
    await symlink(join(dir, 'nowhere'), join(dir, 'dangling'));
    const local = localHostProbe({ daemonRoot: '/var/lib/docker' });
    assert.equal(await local.pathExists(dir), true);
    assert.equal(await local.pathExists(join(dir, 'file')), true);
    assert.equal(await local.pathExists(join(dir, 'missing')), false);
    assert.equal(await local.pathExists(join(dir, 'dangling')), false);
    assert.equal(await local.pathExists(join(dir, 'file', 'below')), false);
    assert.equal(await local.daemonRoot?.(), '/var/lib/docker');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('volume-opt on a volume the mount creates follows the local driver; an existing volume is used as it is', async () => {
  const refused = (message: string) => (error: unknown) =>
    isStowageError(error, 'invalid') && error.message === message;
  const spec = parseLongSpec('src=data,dst=/d,volume-opt=foo=bar');
  assert.throws(() => checkLocalDriverOptions(spec), refused('create data: invalid option: "foo"'));
  assert.doesNotThrow(() => checkLocalDriverOptions(spec, true));
  const exists: HostProbe = { ...probe, volumeExists: (name) => Promise.resolve(name === 'data') };
  await checkOnHost(spec, exists, 'long');
  await assert.rejects(checkOnHost(spec, probe, 'long'), refused('create data: invalid option: "foo"'));
  assert.throws(
    () => checkLocalDriverOptions(parseLongSpec('dst=/d,volume-opt=type=nfs')),
    refused('create (new anonymous volume): missing required option: "device"'),
  );
  // Another driver has its own options; an empty key never reaches the engine.
  checkLocalDriverOptions(parseLongSpec('src=data,dst=/d,volume-driver=other,volume-opt=foo=bar'));
  checkLocalDriverOptions(parseLongSpec('src=data,dst=/d,volume-opt='));
  assert.throws(
    () => checkLocalDriverOptions(parseLongSpec('src=data,dst=/d,volume-driver=local,volume-opt=size=2g')),
    refused('create data: quota size requested but no quota support'),
  );
});
