import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  cifsOptions,
  mergeOptions,
  nfsOptions,
  parseLabelList,
  parseOptionList,
  validateLocalVolume,
} from './local-driver-options.ts';

type Labels = Record<string, string>;

describe('nfsOptions', () => {
  const cases: [string, Labels][] = [
    ['10.0.0.5:/exports/data', { type: 'nfs', o: 'addr=10.0.0.5,rw', device: ':/exports/data' }],
    ['nas.local:/', { type: 'nfs', o: 'addr=nas.local,rw', device: ':/' }],
    ['  nas:/srv/nfs  ', { type: 'nfs', o: 'addr=nas,rw', device: ':/srv/nfs' }],
    ['[fd00::5]:/exports', { type: 'nfs', o: 'addr=fd00::5,rw', device: ':/exports' }], // IPv6 in brackets
    ['nas:/path with:colon', { type: 'nfs', o: 'addr=nas,rw', device: ':/path with:colon' }],
  ];
  for (const [spec, options] of cases) {
    test(`--nfs ${spec.trim()}`, () => assert.deepEqual(nfsOptions(spec), options));
  }

  for (const spec of ['nas.local', 'nas:exports', ':/exports', 'fd00::5:/x', 'nas:', 'a b:/x', '']) {
    test(`--nfs "${spec}" is refused`, () => {
      assert.throws(() => nfsOptions(spec), {
        name: 'StowageError',
        kind: 'invalid',
        message: `invalid --nfs "${spec}": expected ADDRESS:/PATH`,
        hint: 'e.g. --nfs 10.0.0.5:/exports/data',
      });
    });
  }
});

describe('cifsOptions', () => {
  const cases: [string, Labels][] = [
    ['//fileserver/backups', { type: 'cifs', o: 'addr=fileserver', device: '//fileserver/backups' }],
    ['//10.0.0.7/share/sub dir', { type: 'cifs', o: 'addr=10.0.0.7', device: '//10.0.0.7/share/sub dir' }],
    [' //srv/s ', { type: 'cifs', o: 'addr=srv', device: '//srv/s' }],
  ];
  for (const [spec, options] of cases) {
    test(`--cifs ${spec.trim()}`, () => assert.deepEqual(cifsOptions(spec), options));
  }

  for (const spec of [
    '//fileserver/',
    '//fileserver',
    'fileserver/share',
    '\\\\srv\\share',
    '///share',
    '',
  ]) {
    test(`--cifs "${spec}" is refused`, () => {
      assert.throws(() => cifsOptions(spec), {
        kind: 'invalid',
        message: `invalid --cifs "${spec}": expected //SERVER/SHARE`,
        hint: 'e.g. --cifs //fileserver/backups',
      });
    });
  }
});

describe('mergeOptions', () => {
  const cases: [string, Labels, Labels, Labels][] = [
    [
      'nothing extra',
      { type: 'nfs', o: 'addr=a,rw', device: ':/x' },
      {},
      { type: 'nfs', o: 'addr=a,rw', device: ':/x' },
    ],
    [
      'o values are joined',
      { type: 'nfs', o: 'addr=a,rw' },
      { o: 'nfsvers=4,soft' },
      { type: 'nfs', o: 'addr=a,rw,nfsvers=4,soft' },
    ],
    ['o without a base o is taken as is', { type: 'nfs' }, { o: 'ro' }, { type: 'nfs', o: 'ro' }],
    ['the same value twice is fine', { type: 'nfs' }, { type: 'nfs' }, { type: 'nfs' }],
    ['new keys are added', { type: 'nfs' }, { device: ':/y' }, { type: 'nfs', device: ':/y' }],
  ];
  for (const [name, base, extra, merged] of cases) {
    test(name, () => assert.deepEqual(mergeOptions(base, extra), merged));
  }

  test('does not change its inputs', () => {
    const base = { o: 'addr=a' };
    mergeOptions(base, { o: 'rw' });
    assert.deepEqual(base, { o: 'addr=a' });
  });

  test('a key given twice with different values is refused', () => {
    assert.throws(() => mergeOptions(nfsOptions('nas:/x'), { device: ':/y' }), {
      kind: 'invalid',
      message: 'option "device" is set twice (":/x" and ":/y")',
      hint: 'give each driver option once',
    });
  });
});

describe('parseOptionList', () => {
  test('KEY=VALUE pairs; the value may hold "=" and be empty; the last one wins', () => {
    assert.deepEqual(parseOptionList(['type=nfs', 'o=addr=10.0.0.5,rw', 'empty=', 'type=cifs'], '--opt'), {
      type: 'cifs',
      o: 'addr=10.0.0.5,rw',
      empty: '',
    });
  });

  test('no options', () => assert.deepEqual(parseOptionList([], '--opt'), {}));

  for (const item of ['type', '=nfs', '']) {
    test(`"${item}" is refused, naming the flag`, () => {
      assert.throws(() => parseOptionList(['o=ok', item], '--opt'), {
        kind: 'invalid',
        message: `invalid --opt "${item}": expected KEY=VALUE`,
      });
    });
  }
});

describe('parseLabelList', () => {
  const cases: [string[], Labels][] = [
    [[], {}],
    [['team=db'], { team: 'db' }],
    [['keep'], { keep: '' }], // like docker: a label without a value
    [['keep='], { keep: '' }],
    [['expr=a=b'], { expr: 'a=b' }],
    [['x=1', 'x=2'], { x: '2' }],
    [
      ['com.docker.compose.project=shop', 'stowage.protect=true'],
      { 'com.docker.compose.project': 'shop', 'stowage.protect': 'true' },
    ],
  ];
  for (const [items, labels] of cases) {
    test(JSON.stringify(items), () => assert.deepEqual(parseLabelList(items), labels));
  }
});

describe('validateLocalVolume', () => {
  const accepted: [string | undefined, Labels][] = [
    [undefined, {}],
    ['db', {}],
    ['pg-data', {}],
    ['a.b_c-d', {}],
    ['0day', {}],
    ['nfs-data', nfsOptions('10.0.0.5:/exports')],
    ['cifs-data', cifsOptions('//srv/share')],
    ['ram', { type: 'tmpfs', device: 'tmpfs', o: 'size=64m' }],
    ['bind', { type: 'none', device: '/srv/data', o: 'bind' }],
    [undefined, { type: 'tmpfs', device: 'tmpfs' }],
    // A size that asks for no quota: the engine accepts it without quota support (checked on 20.10).
    ['ut-size', { size: '0' }],
    ['ut-size', { size: '0.5' }],
    ['ut-size', { size: '0 kib' }],
    ['ut-size', { size: '99999999999999999999999' }], // Go's int64() of it is negative
    ['ut-size', { type: 'tmpfs', device: 'tmpfs', size: '0b' }],
  ];
  for (const [name, options] of accepted) {
    test(`accepted: ${name ?? '(generated name)'} ${JSON.stringify(options)}`, () => {
      assert.doesNotThrow(() => validateLocalVolume(name, options));
    });
  }

  // Messages as a Docker 20.10 engine answers `docker volume create` (after "Error response from daemon: ").
  const TOO_SHORT = 'volume name is too short, names should be at least two alphanumeric characters';
  const badChars = (name: string) =>
    `"${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`;
  const refused: [string | undefined, Labels, string][] = [
    ['x', {}, `create x: ${TOO_SHORT}`],
    ['x', { foo: 'bar' }, `create x: ${TOO_SHORT}`], // the name is checked first
    ['ut x', {}, `create ut x: ${badChars('ut x')}`],
    ['-x', {}, `create -x: ${badChars('-x')}`],
    ['.hidden', {}, `create .hidden: ${badChars('.hidden')}`],
    ['_x', {}, `create _x: ${badChars('_x')}`],
    ['/srv/data', {}, `create /srv/data: ${badChars('/srv/data')}`],
    ['données', {}, `create données: ${badChars('données')}`],
    ['ut-x', { foo: 'bar' }, 'create ut-x: invalid option: "foo"'],
    ['ut-x', { Type: 'nfs' }, 'create ut-x: invalid option: "Type"'],
    [undefined, { foo: 'bar' }, 'create: invalid option: "foo"'],
    ['ut-x', { size: '10m' }, 'create ut-x: quota size requested but no quota support'],
    ['ut-x', { size: '10m', foo: '1' }, 'create ut-x: invalid option: "foo"'], // unknown keys win over size
    ['ut-x', { size: '1.5' }, 'create ut-x: quota size requested but no quota support'],
    ['ut-x', { size: 'bogus' }, "create ut-x: invalid size: 'bogus'"],
    ['ut-x', { size: '' }, "create ut-x: invalid size: ''"],
    ['ut-x', { size: '-1' }, "create ut-x: invalid size: '-1'"],
    ['ut-x', { size: '1e3' }, "create ut-x: invalid size: '1e3'"],
    ['ut-x', { size: '1.2.3' }, 'create ut-x: strconv.ParseFloat: parsing "1.2.3": invalid syntax'],
    ['ut-x', { size: '0', type: 'nfs' }, 'create ut-x: missing required option: "device"'],
    ['ut-x', { type: 'nfs' }, 'create ut-x: missing required option: "device"'],
    ['ut-x', { o: 'addr=1' }, 'create ut-x: missing required option: "device"'],
    ['ut-x', { type: 'nfs', o: 'addr=1' }, 'create ut-x: missing required option: "device"'],
    ['ut-dev', { device: '/tmp' }, 'create ut-dev: missing required option: "type"'],
    ['ut-dev', { device: 'tmpfs', o: 'size=1m' }, 'create ut-dev: missing required option: "type"'],
  ];
  for (const [name, options, message] of refused) {
    test(`refused: ${JSON.stringify(name)} ${JSON.stringify(options)}`, () => {
      assert.throws(() => validateLocalVolume(name, options), {
        name: 'StowageError',
        kind: 'invalid',
        message,
      });
    });
  }

  test('hints say what the local driver takes', () => {
    assert.throws(() => validateLocalVolume('ut-x', { foo: 'bar' }), {
      hint: 'the local driver takes type, device and o',
    });
    assert.throws(() => validateLocalVolume('ut-x', { size: '1G' }), {
      hint: 'the local driver supports size only on xfs with project quotas; the stowage plugin driver has quotas',
    });
  });
});
