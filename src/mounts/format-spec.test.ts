import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStowageError } from '../core/errors.ts';
import { formatLong } from './format-long-spec.ts';
import { formatShort } from './format-short-spec.ts';
import { parseLongSpec } from './parse-long-spec.ts';
import { parseShortSpec } from './parse-short-spec.ts';

const shortToLong: [string, string][] = [
  ['/data', 'type=volume,target=/data'],
  ['vol:/data', 'type=volume,source=vol,target=/data'],
  ['vol:/data:ro', 'type=volume,source=vol,target=/data,readonly'],
  ['vol:/data:rw,nocopy', 'type=volume,source=vol,target=/data,volume-nocopy'],
  ['vol:/data:cached', 'type=volume,source=vol,target=/data,consistency=cached'],
  ['/srv:/data:ro,rshared', 'type=bind,source=/srv,target=/data,readonly,bind-propagation=rshared'],
  [
    '/srv:/data:delegated,slave',
    'type=bind,source=/srv,target=/data,consistency=delegated,bind-propagation=slave',
  ],
  ['/a,b:/c"d', 'type=bind,"source=/a,b","target=/c""d"'],
  // The CSV reader turns CR LF into LF: CR CR LF reads back as CR LF.
  ['/a\r\nb:/data', 'type=bind,"source=/a\r\r\nb",target=/data'],
];

const longToShort: [string, string][] = [
  ['dst=/data', '/data'],
  ['src=vol,dst=/data,volume-nocopy=true,consistency=Delegated,ro', 'vol:/data:ro,nocopy,delegated'],
  ['type=bind,src=/srv,dst=/data,readonly,bind-propagation=RSLAVE', '/srv:/data:ro,rslave'],
  ['type=bind,src=/srv,dst=/data,bind-recursive=writable,ro', '/srv:/data:ro'],
  ['type=bind,"src=/a,b",dst=/data', '/a,b:/data'],
  ['src=vv,dst=/data', 'vv:/data'],
  // One letter and ":" is a Windows drive to the CLI: "rw" makes it split, so "v" stays a volume name.
  ['src=v,dst=/data', 'v:/data:rw'],
  ['src=é,dst=/data,consistency=cached', 'é:/data:cached'],
  ['dst=/d\\e', '/d\\e'],
];

const longToLong: [string, string][] = [
  [
    'type=tmpfs,dst=/t,tmpfs-size=1536k,tmpfs-mode=0755',
    'type=tmpfs,target=/t,tmpfs-size=1536k,tmpfs-mode=755',
  ],
  ['type=tmpfs,dst=/t,tmpfs-size=1.5g,ro', 'type=tmpfs,target=/t,readonly,tmpfs-size=1536m'],
  ['type=tmpfs,dst=/t,tmpfs-size=100', 'type=tmpfs,target=/t,tmpfs-size=100'],
  ['type=bind,src=/s,dst=/d,bind-recursive=disabled', 'type=bind,source=/s,target=/d,bind-nonrecursive'],
  [
    'src=v1,dst=/d,volume-driver=local,volume-label=a=b,volume-opt=type=tmpfs,volume-opt=device=tmpfs',
    'type=volume,source=v1,target=/d,volume-driver=local,volume-label=a=b,volume-opt=type=tmpfs,volume-opt=device=tmpfs',
  ],
  ['src=v1,dst=/d,volume-label=k', 'type=volume,source=v1,target=/d,volume-label=k='],
];

for (const [short, long] of shortToLong) {
  test(`-v ${short} → --mount ${long}, and back`, () => {
    const parsed = parseShortSpec(short);
    assert.equal(formatLong(parsed), long);
    assert.deepEqual(parseLongSpec(long), parsed);
    assert.deepEqual(parseShortSpec(formatShort(parsed)), parsed);
  });
}

for (const [long, short] of longToShort) {
  test(`--mount ${long} → -v ${short}, and back`, () => {
    const parsed = parseLongSpec(long);
    assert.equal(formatShort(parsed), short);
    assert.deepEqual(parseShortSpec(short), parsed);
    assert.deepEqual(parseLongSpec(formatLong(parsed)), parsed);
  });
}

for (const [long, canonical] of longToLong) {
  test(`--mount ${long} formats as ${canonical}`, () => {
    const parsed = parseLongSpec(long);
    assert.equal(formatLong(parsed), canonical);
    assert.deepEqual(parseLongSpec(canonical), parsed);
  });
}

const refusedToLong: [string, string][] = [
  ['vol:/data:z', 'the -v option "z" (SELinux relabel) has no --mount equivalent'],
  ['/srv:/data:ro,Z', 'the -v option "Z" (SELinux relabel) has no --mount equivalent'],
  // -v makes anonymous volumes at relative or odd paths; --mount wants an absolute target
  [
    'data',
    `the target "data" has no --mount equivalent (invalid mount path: 'data' mount path must be absolute)`,
  ],
  [
    'C:/x',
    `the target "C:/x" has no --mount equivalent (invalid mount path: 'C:/x' mount path must be absolute)`,
  ],
  [':', `the target ":" has no --mount equivalent (invalid mount path: ':' mount path must be absolute)`],
];

const refusedToShort: [string, string][] = [
  ['type=tmpfs,dst=/t', 'type=tmpfs has no -v equivalent'],
  ['type=tmpfs,dst=/t,tmpfs-size=64m', 'type=tmpfs (with tmpfs-size) has no -v equivalent'],
  [
    'type=tmpfs,dst=/t,tmpfs-size=64m,tmpfs-mode=700',
    'type=tmpfs (with tmpfs-size, tmpfs-mode) has no -v equivalent',
  ],
  ['src=v1,dst=/d,volume-driver=local', 'volume-driver=local has no -v equivalent'],
  ['src=v1,dst=/d,volume-label=a=b', 'volume-label has no -v equivalent'],
  ['src=v1,dst=/d,volume-opt=type=nfs', 'volume-opt has no -v equivalent'],
  ['type=bind,src=/s,dst=/d,bind-nonrecursive', 'bind-nonrecursive has no -v equivalent'],
  ['src=v1,dst=/d,consistency=default', 'consistency=default has no -v equivalent'],
  ['dst=/d,volume-nocopy', '"nocopy" on an anonymous volume has no -v equivalent'],
  ['dst=/d,consistency=cached', '"cached" on an anonymous volume has no -v equivalent'],
  ['type=bind,src=/a:b,dst=/d', 'the source "/a:b" (it holds a ":") has no -v equivalent'],
  ['src=v1,dst=/d:e', 'the target "/d:e" (it holds a ":") has no -v equivalent'],
  ['dst=/d:e', 'the target "/d:e" (it holds a ":") has no -v equivalent'], // -v would read a bind of /d
  ['dst=/b\\9/..', 'the target "/b\\9/.." (-v reads it as the container\'s root) has no -v equivalent'],
  ['src=é,dst=/data,volume-driver=other', 'volume-driver=other has no -v equivalent'],
  ['src=/abs,dst=/d', 'the volume name "/abs" has no -v equivalent'],
  ['type=bind,src=\\srv,dst=/d', 'the bind source "\\srv" has no -v equivalent'],
];

for (const [short, message] of refusedToLong) {
  test(`-v ${JSON.stringify(short)} has no --mount form: ${message}`, () => {
    const parsed = parseShortSpec(short);
    assert.throws(
      () => formatLong(parsed),
      (error) => isStowageError(error, 'invalid') && error.message === message,
    );
  });
}

for (const [long, message] of refusedToShort) {
  test(`--mount ${JSON.stringify(long)} has no -v form: ${message}`, () => {
    const parsed = parseLongSpec(long);
    assert.throws(
      () => formatShort(parsed),
      (error) => isStowageError(error, 'invalid') && error.message === message,
    );
  });
}
