import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStowageError } from '../core/errors.ts';
import type { MountSpec } from './mount-spec.ts';
import { parseLongSpec } from './parse-long-spec.ts';

const spec = (type: MountSpec['type'], source: string, target: string, extra: object = {}): MountSpec =>
  ({ type, source, target, readOnly: false, ...extra }) as MountSpec;

// Checked against the docker CLI 28.2 (its messages where it refuses) and Docker 20.10.24 (the rest).
const accepted: [string, MountSpec][] = [
  ['type=bind,source=/srv,target=/data', spec('bind', '/srv', '/data')],
  ['type=bind,src=/srv,dst=/data', spec('bind', '/srv', '/data')],
  ['type=bind,src=/srv,destination=/data', spec('bind', '/srv', '/data')],
  ['TYPE=Bind,SRC=/srv,DST=/data', spec('bind', '/srv', '/data')], // keys and type are case-insensitive
  ['dst=/data', spec('volume', '', '/data')], // type defaults to volume
  ['src=vol,dst=/data', spec('volume', 'vol', '/data')],
  ['src=vol,dst=/a,dst=/b', spec('volume', 'vol', '/b')], // the last one wins
  ['type=tmpfs,dst=/t', spec('tmpfs', '', '/t')],
  ['type=bind,src=/srv,dst=\\data', spec('bind', '/srv', '\\data')],
  // readonly, bare or with a Go bool
  ...['readonly', 'ro', 'readonly=true', 'ro=1', 'RO=T', 'readonly=True'].map(
    (field): [string, MountSpec] => [
      `src=vol,dst=/d,${field}`,
      spec('volume', 'vol', '/d', { readOnly: true }),
    ],
  ),
  ...['readonly=false', 'ro=0', 'ro=F'].map((field): [string, MountSpec] => [
    `dst=/d,${field}`,
    spec('volume', '', '/d'),
  ]),
  // consistency: any value, lowercased, ignored on Linux
  ['dst=/d,consistency=Cached', spec('volume', '', '/d', { consistency: 'cached' })],
  ['dst=/d,consistency=bogus', spec('volume', '', '/d', { consistency: 'bogus' })],
  ['dst=/d,consistency=', spec('volume', '', '/d')],
  // bind options
  ...(['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'] as const).map(
    (propagation): [string, MountSpec] => [
      `type=bind,src=/s,dst=/d,bind-propagation=${propagation.toUpperCase()}`,
      spec('bind', '/s', '/d', { propagation }),
    ],
  ),
  ['type=bind,src=/s,dst=/d,bind-propagation=', spec('bind', '/s', '/d')],
  ['type=bind,src=/s,dst=/d,bind-nonrecursive', spec('bind', '/s', '/d', { nonRecursive: true })],
  ['type=bind,src=/s,dst=/d,bind-nonrecursive=1', spec('bind', '/s', '/d', { nonRecursive: true })],
  ['type=bind,src=/s,dst=/d,bind-nonrecursive=false', spec('bind', '/s', '/d')],
  ['type=bind,src=/s,dst=/d,bind-recursive=disabled', spec('bind', '/s', '/d', { nonRecursive: true })],
  ['type=bind,src=/s,dst=/d,bind-recursive=enabled', spec('bind', '/s', '/d')],
  ['dst=/d,bind-recursive=enabled', spec('volume', '', '/d')], // "enabled" creates no bind options
  ['type=bind,src=/s,dst=/d,bind-recursive=writable,ro', spec('bind', '/s', '/d', { readOnly: true })], // dropped below API 1.44
  // volume options
  ['src=v1,dst=/d,volume-nocopy', spec('volume', 'v1', '/d', { noCopy: true })],
  ['src=v1,dst=/d,volume-nocopy=true', spec('volume', 'v1', '/d', { noCopy: true })],
  ['src=v1,dst=/d,volume-nocopy=0', spec('volume', 'v1', '/d')],
  ['src=v1,dst=/d,volume-driver=local', spec('volume', 'v1', '/d', { driver: 'local' })],
  ['src=v1,dst=/d,volume-driver=', spec('volume', 'v1', '/d')],
  [
    'src=v1,dst=/d,volume-label=a=b=c,volume-label=flag,volume-label==ignored',
    spec('volume', 'v1', '/d', { labels: { a: 'b=c', flag: '' } }),
  ],
  [
    'src=v1,dst=/d,volume-opt=type=nfs,volume-opt=o=addr=10.0.0.1',
    spec('volume', 'v1', '/d', { driverOptions: { type: 'nfs', o: 'addr=10.0.0.1' } }),
  ],
  [
    'src=v1,dst=/d,volume-label=__proto__=x',
    spec('volume', 'v1', '/d', { labels: JSON.parse('{"__proto__":"x"}') as object }),
  ],
  ['src=v1,dst=/d,volume-subpath=', spec('volume', 'v1', '/d')],
  // tmpfs options
  [
    'type=tmpfs,dst=/t,tmpfs-size=64m,tmpfs-mode=1777',
    spec('tmpfs', '', '/t', { sizeBytes: 64 * 2 ** 20, mode: 0o1777 }),
  ],
  ['type=tmpfs,dst=/t,tmpfs-size=1.5g', spec('tmpfs', '', '/t', { sizeBytes: 1.5 * 2 ** 30 })],
  ['type=tmpfs,dst=/t,tmpfs-size=0,tmpfs-mode=0', spec('tmpfs', '', '/t')],
  ['type=tmpfs,dst=/t,ro', spec('tmpfs', '', '/t', { readOnly: true })],
  // CSV quoting
  ['"src=/a,b",dst=/d,type=bind', spec('bind', '/a,b', '/d')],
  ['type=bind,"src=/say ""hi""",dst=/d', spec('bind', '/say "hi"', '/d')],
  ['dst=/d\nsrc=ignored', spec('volume', '', '/d')], // the CLI reads the first line only
];

const refused: [string, string][] = [
  // CSV
  ['', 'EOF'],
  ['src="a,b",dst=/d', 'parse error on line 1, column 5: bare " in non-quoted-field'],
  ['"src=a"b,dst=/d', 'parse error on line 1, column 7: extraneous or missing " in quoted-field'],
  // fields
  ['x', "invalid field 'x' must be a key=value pair"],
  ['dst=/d,', "invalid field '' must be a key=value pair"],
  ['dst=/d,Tmpfs-Size', "invalid field 'Tmpfs-Size' must be a key=value pair"],
  ['foo=bar', "unexpected key 'foo' in 'foo=bar'"],
  ['FOO=bar', "unexpected key 'foo' in 'FOO=bar'"],
  [
    'dst=/d,bind-create-mountpoint=1',
    "unexpected key 'bind-create-mountpoint' in 'bind-create-mountpoint=1'",
  ],
  ['dst=/d,readonly=maybe', 'invalid value for readonly: maybe'],
  ['dst=/d,RO=yes', 'invalid value for ro: yes'],
  ['type=bind,src=/s,dst=/d,bind-nonrecursive=2', 'invalid value for bind-nonrecursive: 2'],
  ['dst=/d,volume-nocopy=maybe', 'invalid value for volume-nocopy: maybe'],
  [
    'type=bind,src=/s,dst=/d,bind-recursive=no',
    'invalid value for bind-recursive: no (must be "enabled", "disabled", "writable", or "readonly")',
  ],
  ['type=tmpfs,dst=/t,tmpfs-size=1x', 'invalid value for tmpfs-size: 1x'],
  ['type=tmpfs,dst=/t,tmpfs-size=-1', 'invalid value for tmpfs-size: -1'],
  ['type=tmpfs,dst=/t,tmpfs-size=', 'invalid value for tmpfs-size: '],
  ['type=tmpfs,dst=/t,tmpfs-mode=8', 'invalid value for tmpfs-mode: 8'],
  ['type=tmpfs,dst=/t,tmpfs-mode=0o7', 'invalid value for tmpfs-mode: 0o7'],
  ['type=tmpfs,dst=/t,tmpfs-mode=40000000000', 'invalid value for tmpfs-mode: 40000000000'],
  // the CLI's checks after reading every field
  ['type=,dst=/d', 'type is required'],
  ['type=volume', 'target is required'],
  ['dst=', 'target is required'],
  ['type=tmpfs,dst=/d,volume-nocopy', "cannot mix 'volume-*' options with mount type 'tmpfs'"],
  ['type=bind,src=/s,dst=/d,volume-label=a=b', "cannot mix 'volume-*' options with mount type 'bind'"],
  ['dst=/d,image-subpath=x', "cannot mix 'image-*' options with mount type 'volume'"],
  ['dst=/d,bind-propagation=shared', "cannot mix 'bind-*' options with mount type 'volume'"],
  ['type=tmpfs,dst=/d,bind-nonrecursive', "cannot mix 'bind-*' options with mount type 'tmpfs'"],
  ['type=bind,src=/s,dst=/d,tmpfs-size=1m', "cannot mix 'tmpfs-*' options with mount type 'bind'"],
  [
    'type=bind,src=/s,dst=/d,bind-recursive=writable',
    "option 'bind-recursive=writable' requires 'readonly' to be specified in conjunction",
  ],
  [
    'type=bind,src=/s,dst=/d,bind-recursive=readonly',
    "option 'bind-recursive=readonly' requires 'readonly' to be specified in conjunction",
  ],
  [
    'type=bind,src=/s,dst=/d,bind-recursive=readonly,ro',
    "option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction",
  ],
  // the API client at API 1.41
  [
    'type=bind,src=/s,dst=/d,bind-recursive=readonly,ro,bind-propagation=rprivate',
    'bind-recursive=readonly requires API v1.44 or later',
  ],
  // the engine
  ['src=v1,dst=/', `invalid mount config for type "volume": invalid specification: destination can't be '/'`],
  [
    'type=tmpfs,dst=//.',
    `invalid mount config for type "tmpfs": invalid specification: destination can't be '/'`,
  ],
  [
    'src=v1,dst=d',
    `invalid mount config for type "volume": invalid mount path: 'd' mount path must be absolute`,
  ],
  [
    'type=npipe,dst=d',
    `invalid mount config for type "npipe": invalid mount path: 'd' mount path must be absolute`,
  ],
  ['type=bind,dst=/d', 'invalid mount config for type "bind": field Source must not be empty'],
  [
    'type=bind,src=/s,dst=/d,bind-propagation=bogus',
    'invalid mount config for type "bind": invalid propagation mode: bogus',
  ],
  [
    'type=bind,src=rel,dst=/d',
    `invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute`,
  ],
  [
    'dst=/data,readonly',
    'invalid mount config for type "volume": must not set ReadOnly mode when using anonymous volumes',
  ],
  ['type=tmpfs,src=x,dst=/d', 'invalid mount config for type "tmpfs": field Source must not be specified'],
  ['type=npipe,src=x,dst=/d', 'invalid mount config for type "npipe": mount type unknown'],
  ['type=image,src=busybox,dst=/d', 'invalid mount config for type "image": mount type unknown'],
  ['type=Bogus,dst=/d', 'invalid mount config for type "bogus": mount type unknown'],
  ['type=a\\b,dst=/d', 'invalid mount config for type "a\\\\b": mount type unknown'],
  // refused by Stowage: a 20.10 engine would silently ignore it
  ['src=v1,dst=/d,volume-subpath=sub', 'volume-subpath requires API v1.45 or later'],
  ['src=v1,dst=/d\0', 'a mount spec cannot contain a NUL character'],
];

for (const [csv, expected] of accepted) {
  test(`--mount ${JSON.stringify(csv)} is accepted`, () => assert.deepEqual(parseLongSpec(csv), expected));
}

for (const [csv, message] of refused) {
  test(`--mount ${JSON.stringify(csv)} is refused: ${message}`, () => {
    assert.throws(
      () => parseLongSpec(csv),
      (error) => isStowageError(error, 'invalid') && error.message === message,
    );
  });
}

test('with a cwd, any source starting with "." is made absolute, as the docker CLI does, whatever the type', () => {
  const cwd = '/work/app';
  assert.deepEqual(
    parseLongSpec('type=bind,src=./data,dst=/d', { cwd }),
    spec('bind', '/work/app/data', '/d'),
  );
  assert.deepEqual(parseLongSpec('type=bind,src=..,dst=/d', { cwd }), spec('bind', '/work', '/d'));
  assert.deepEqual(parseLongSpec('src=.vol,dst=/d', { cwd }), spec('volume', '/work/app/.vol', '/d'));
  assert.throws(
    () => parseLongSpec('type=tmpfs,src=.,dst=/d', { cwd }),
    /invalid mount config for type "tmpfs": field Source must not be specified/,
  );
  // Without a cwd the source is what the API would carry.
  assert.throws(() => parseLongSpec('type=bind,src=./data,dst=/d'), /'\.\/data' mount path must be absolute/);
});
