import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStowageError } from '../core/errors.ts';
import type { MountSpec } from './mount-spec.ts';
import { parseShortSpec } from './parse-short-spec.ts';

const vol = (source: string, target: string, extra: object = {}): MountSpec => ({
  type: 'volume',
  source,
  target,
  readOnly: false,
  ...extra,
});
const bind = (source: string, target: string, extra: object = {}): MountSpec => ({
  type: 'bind',
  source,
  target,
  readOnly: false,
  ...extra,
});

// Every verdict and message below was checked against Docker 20.10.24 (through the docker CLI 28.2 where the
// CLI answers first).
const accepted: [string, MountSpec][] = [
  // sources: none (anonymous), a name, an absolute path
  ['/data', vol('', '/data')],
  ['vol:/data', vol('vol', '/data')],
  ['/srv/data:/data', bind('/srv/data', '/data')],
  // No source for the CLI's split: the whole spec is an anonymous volume's path, which the engine takes as it is
  ['v:/data', vol('', 'v:/data')], // a one-letter first part is a Windows drive for the CLI
  ['C:', vol('', 'C:')],
  ['C:\\x', vol('', 'C:\\x')],
  ['é:/data', vol('', 'é:/data')], // any one letter, not only ASCII
  [':', vol('', ':')], // one or two bytes are taken whole
  ['::', vol('', '::')],
  [':a', vol('', ':a')],
  ['a:', vol('', 'a:')],
  [':/', vol('', ':/')],
  ['a:b', vol('', 'a:b')],
  ['data', vol('', 'data')],
  ['my vol', vol('', 'my vol')],
  ['ro', vol('', 'ro')],
  ['.', vol('', '.')],
  ['./data', vol('', './data')],
  ['../x', vol('', '../x')],
  ['my vol:/data', vol('my vol', '/data')], // syntax is fine; the local driver refuses the name
  ['./rel:/data', vol('./rel', '/data')], // without cwd the engine sees a name
  ['/h:\\data', bind('/h', '\\data')], // the engine reads a backslash as a slash for its checks
  ['/h//x/..:/data', bind('/h//x/..', '/data')], // kept as written
  ['vol:/data/../x', vol('vol', '/data/../x')],
  // rw class
  ['vol:/data:rw', vol('vol', '/data')],
  ['vol:/data:ro', vol('vol', '/data', { readOnly: true })],
  ['/h:/data:ro', bind('/h', '/data', { readOnly: true })],
  // label class
  ['vol:/data:z', vol('vol', '/data', { selinuxLabel: 'z' })],
  ['/h:/data:Z', bind('/h', '/data', { selinuxLabel: 'Z' })],
  // propagation class (binds only)
  ...(['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'] as const).map(
    (propagation): [string, MountSpec] => [`/h:/data:${propagation}`, bind('/h', '/data', { propagation })],
  ),
  // copy class (volumes only)
  ['vol:/data:nocopy', vol('vol', '/data', { noCopy: true })],
  // consistency class: accepted and ignored on Linux
  ...(['consistent', 'cached', 'delegated'] as const).map((consistency): [string, MountSpec] => [
    `vol:/data:${consistency}`,
    vol('vol', '/data', { consistency }),
  ]),
  // one of each class, any order
  [
    'vol:/data:cached,nocopy,Z,ro',
    vol('vol', '/data', { readOnly: true, selinuxLabel: 'Z', noCopy: true, consistency: 'cached' }),
  ],
  [
    '/h:/data:delegated,rshared,z,rw',
    bind('/h', '/data', { selinuxLabel: 'z', propagation: 'rshared', consistency: 'delegated' }),
  ],
];

const refused: [string, string][] = [
  // the docker CLI's own split
  ['', 'invalid empty volume spec'],
  // refused by Stowage: Docker accepts it and fails when the container starts
  ['vol:/da\0ta', 'a mount spec cannot contain a NUL character'],
  [':/data', 'invalid spec: :/data: empty section between colons'],
  ['/data:', 'invalid spec: /data:: empty section between colons'],
  ['vol:/data:', 'invalid spec: vol:/data:: empty section between colons'],
  ['vol::/data', 'invalid spec: vol::/data: empty section between colons'],
  ['vol:/data:ro:z', 'invalid spec: vol:/data:ro:z: too many colons'],
  ['/a:/b:ro:', 'invalid spec: /a:/b:ro:: too many colons'],
  // ParseMountRaw: more than two colons, empty first part, a mode where the target should be
  ['c:/a:/b:ro', "invalid volume specification: 'c:/a:/b:ro'"],
  // refused by Stowage: an anonymous volume over the whole root, which Docker accepts and cannot start
  [
    '/',
    `invalid volume specification: '/': invalid mount config for type "volume": invalid specification: destination can't be '/'`,
  ],
  [
    '//',
    `invalid volume specification: '//': invalid mount config for type "volume": invalid specification: destination can't be '/'`,
  ],
  [':::', 'invalid spec: :::: empty section between colons'],
  ['ab:', 'invalid spec: ab:: empty section between colons'],
  ['/data:rw', "invalid volume specification: '/data:rw'"],
  ['/data:ro,z', "invalid volume specification: '/data:ro,z'"],
  // ValidateMountMode: unknown items, case, empty items, two of a class
  ['vol:/data:bogus', 'invalid mode: bogus'],
  ['vol:/data:RO', 'invalid mode: RO'],
  ['vol:/data:ro,', 'invalid mode: ro,'],
  ['vol:/data:default', 'invalid mode: default'],
  ['/h:/data:rw,ro', 'invalid mode: rw,ro'],
  ['/h:/data:z,Z', 'invalid mode: z,Z'],
  ['/h:/data:shared,slave', 'invalid mode: shared,slave'],
  ['vol:/data:nocopy,nocopy', 'invalid mode: nocopy,nocopy'],
  ['vol:/data:cached,consistent', 'invalid mode: cached,consistent'],
  ['v::/data', 'invalid mode: /data'], // "v:" passes the CLI as a drive letter
  // validateMountConfig, wrapped in the spec
  [
    'c::ro',
    `invalid volume specification: 'c::ro': invalid mount config for type "volume": field Target must not be empty`,
  ],
  [
    'vol:/',
    `invalid volume specification: 'vol:/': invalid mount config for type "volume": invalid specification: destination can't be '/'`,
  ],
  [
    '/h:/',
    `invalid volume specification: '/h:/': invalid mount config for type "bind": invalid specification: destination can't be '/'`,
  ],
  [
    'vol:/..',
    `invalid volume specification: 'vol:/..': invalid mount config for type "volume": invalid specification: destination can't be '/'`,
  ],
  [
    'vol:\\',
    `invalid volume specification: 'vol:\\': invalid mount config for type "volume": invalid specification: destination can't be '/'`,
  ],
  [
    'vol:data',
    `invalid volume specification: 'vol:data': invalid mount config for type "volume": invalid mount path: 'data' mount path must be absolute`,
  ],
  [
    '/h:a\\b',
    `invalid volume specification: '/h:a\\b': invalid mount config for type "bind": invalid mount path: 'a/b' mount path must be absolute`,
  ],
  [
    '/h:/data:nocopy',
    `invalid volume specification: '/h:/data:nocopy': invalid mount config for type "bind": field VolumeOptions must not be specified`,
  ],
  [
    'vol:/data:ro,shared',
    `invalid volume specification: 'vol:/data:ro,shared': invalid mount config for type "volume": field BindOptions must not be specified`,
  ],
];

for (const [spec, expected] of accepted) {
  test(`-v ${JSON.stringify(spec)} is accepted`, () => assert.deepEqual(parseShortSpec(spec), expected));
}

for (const [spec, message] of refused) {
  test(`-v ${JSON.stringify(spec)} is refused: ${message}`, () => {
    assert.throws(
      () => parseShortSpec(spec),
      (error) => isStowageError(error, 'invalid') && error.message === message,
    );
  });
}

test('with a cwd, a "."-relative source becomes an absolute bind source, as the docker CLI makes it', () => {
  const cwd = '/work/app';
  assert.deepEqual(
    parseShortSpec('./data:/data:ro', { cwd }),
    bind('/work/app/data', '/data', { readOnly: true }),
  );
  assert.deepEqual(parseShortSpec('..:/up', { cwd }), bind('/work', '/up'));
  assert.deepEqual(parseShortSpec('.cache:/c', { cwd }), bind('/work/app/.cache', '/c'));
  // Only a source is resolved: a lone relative target stays what it is, an anonymous volume's path.
  assert.deepEqual(parseShortSpec('./data', { cwd }), vol('', './data'));
  // The engine's message quotes the spec the CLI sent, with the resolved path.
  assert.throws(
    () => parseShortSpec('./x:/', { cwd }),
    (error) =>
      isStowageError(error) &&
      error.message ===
        `invalid volume specification: '/work/app/x:/': invalid mount config for type "bind": invalid specification: destination can't be '/'`,
  );
});
