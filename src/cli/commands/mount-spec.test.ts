// Tests of the `stowage mount-spec check` command, beside the code it drives.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mountSpecCheck } from './mount-spec.ts';
import { isStowageError } from '../../core/errors.ts';
import type { HostProbe } from '../../mounts/mount-spec.ts';

async function check(
  spec: string | undefined,
  options: Parameters<typeof mountSpecCheck>[1],
  probe?: HostProbe,
) {
  let text = '';
  await mountSpecCheck(spec, options, { write: (chunk) => void (text += chunk) }, { cwd: '/work', probe });
  return text;
}

test('a -v spec prints what it means, and its --mount form', async () => {
  assert.equal(
    await check('/srv/www:/html:ro,rshared', { to: 'mount' }),
    [
      'type          bind',
      'source        /srv/www (host path)',
      'target        /html',
      'mode          ro (read-only)',
      'propagation   rshared',
      '',
      '--mount type=bind,source=/srv/www,target=/html,readonly,bind-propagation=rshared',
      '(unlike -v, --mount does not create a missing source: /srv/www must exist)',
      '',
    ].join('\n'),
  );
});

test('a --mount spec converts to -v, quoted for the shell', async () => {
  const text = await check(undefined, { mount: 'type=bind,"src=/srv/my data",dst=/data,ro', to: 'volume' });
  assert.match(text, /^-v '\/srv\/my data:\/data:ro'$/m);
});

test('tmpfs sizes and modes read as a person would write them', async () => {
  const text = await check(undefined, { mount: 'type=tmpfs,dst=/run/x,tmpfs-size=64m,tmpfs-mode=1770' });
  assert.match(text, /^size +64 MiB \(67108864 bytes\)$/m);
  assert.match(text, /^permissions +1770$/m);
});

test('--json prints the spec, the syntax and the conversion', async () => {
  const text = await check('./site:/srv:ro', { json: true, to: 'mount' });
  assert.deepEqual(JSON.parse(text), {
    syntax: 'volume',
    spec: { type: 'bind', source: '/work/site', target: '/srv', readOnly: true },
    converted: { to: 'mount', spec: 'type=bind,source=/work/site,target=/srv,readonly' },
    note: 'unlike -v, --mount does not create a missing source: /work/site must exist',
  });
});

test('invalid input throws an invalid StowageError and prints nothing', async () => {
  const cases: [string | undefined, Parameters<typeof mountSpecCheck>[1], string][] = [
    ['vol:/data:bogus', {}, 'invalid mode: bogus'],
    [undefined, { mount: 'x' }, "invalid field 'x' must be a key=value pair"],
    [
      undefined,
      { mount: 'src=v,dst=/data' },
      'create v: volume name is too short, names should be at least two alphanumeric characters',
    ],
    ['vol:/data:z', { to: 'mount' }, 'the -v option "z" (SELinux relabel) has no --mount equivalent'],
    ['/a:/b', { to: 'json' }, 'invalid value for --to: json'],
    ['/a:/b', { mount: 'dst=/b' }, 'give either a -v SPEC or --mount SPEC, not both'],
    [undefined, {}, 'a mount spec is required'],
  ];
  for (const [spec, options, message] of cases) {
    let printed = '';
    await assert.rejects(
      mountSpecCheck(spec, options, { write: (chunk) => void (printed += chunk) }),
      (error) => isStowageError(error, 'invalid') && error.message === message,
    );
    assert.equal(printed, '');
  }
});

test('with a probe, the host is checked too', async () => {
  const probe: HostProbe = { pathExists: () => Promise.resolve(false) };
  await assert.rejects(
    check(undefined, { mount: 'type=bind,src=/nope,dst=/d' }, probe),
    /bind source path does not exist: \/nope/,
  );
  assert.match(await check('/nope:/d', {}, probe), /source +\/nope/);
});

test('volume-opt is judged as the engine judges it: by the local driver for a new volume, not at all for an existing one', async () => {
  const spec = 'src=data,dst=/d,volume-opt=foo=bar';
  const run = (volumeExists?: (name: string) => Promise<boolean>, probe?: HostProbe) =>
    mountSpecCheck(undefined, { mount: spec }, { write: () => {} }, { cwd: '/work', probe, volumeExists });
  const refused = (error: unknown) =>
    isStowageError(error, 'invalid') && error.message === 'create data: invalid option: "foo"';
  await assert.rejects(run(), refused);
  await assert.rejects(
    run(() => Promise.resolve(false)),
    refused,
  );
  await run(() => Promise.resolve(true));
  // With a host probe too.
  const probe: HostProbe = { pathExists: () => Promise.resolve(true) };
  await assert.rejects(run(undefined, probe), refused);
  await run(() => Promise.resolve(true), probe);
});

test('odd -v specs the engine takes as anonymous volumes are explained as such', async () => {
  const text = await check('a:/data', { json: true });
  assert.deepEqual((JSON.parse(text) as { spec: unknown }).spec, {
    type: 'volume',
    source: '',
    target: 'a:/data',
    readOnly: false,
  });
  await assert.rejects(
    check('data', { to: 'mount' }),
    (error) =>
      isStowageError(error, 'invalid') &&
      error.message ===
        `the target "data" has no --mount equivalent (invalid mount path: 'data' mount path must be absolute)`,
  );
});
