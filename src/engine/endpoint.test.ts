import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { normaliseHost, resolveEndpoint, type EndpointChoice, type EngineEndpoint } from './endpoint.ts';

type Env = Record<string, string | undefined>;

const root = mkdtempSync(join(tmpdir(), 'stowage-endpoint-'));
/** A home folder without Docker Desktop's socket, so the default is the system socket. */
const home = join(root, 'home');
/** A Docker CLI config folder with contexts, written as `docker context create` writes them. */
const dockerConfig = join(root, 'docker-config');
const certs = join(root, 'certs');
const savedHome = process.env.HOME;

function writeContext(
  name: string,
  host: string,
  options: { skipTlsVerify?: boolean; tls?: string[] } = {},
): string {
  const digest = createHash('sha256').update(name).digest('hex');
  const metaDir = join(dockerConfig, 'contexts', 'meta', digest);
  mkdirSync(metaDir, { recursive: true });
  const meta = {
    Name: name,
    Metadata: { Description: `${name} engine` },
    Endpoints: { docker: { Host: host, SkipTLSVerify: options.skipTlsVerify ?? false } },
  };
  writeFileSync(join(metaDir, 'meta.json'), JSON.stringify(meta));
  const tlsDir = join(dockerConfig, 'contexts', 'tls', digest, 'docker');
  for (const file of options.tls ?? []) {
    mkdirSync(tlsDir, { recursive: true });
    writeFileSync(join(tlsDir, file), `-----BEGIN ${file}-----\n`);
  }
  return tlsDir;
}

let prodTls = '';

before(() => {
  mkdirSync(home, { recursive: true });
  process.env.HOME = home; // os.homedir() reads HOME, so the default socket does not depend on this machine
  prodTls = writeContext('prod', 'tcp://prod.example:2376', { tls: ['ca.pem', 'cert.pem', 'key.pem'] });
  writeContext('staging', 'ssh://deploy@staging.example');
  writeContext('local-unix', 'unix:///run/user/1000/docker.sock', { tls: ['ca.pem'] });
  writeContext('lax', 'tcp://lax.example:2376', { skipTlsVerify: true, tls: ['ca.pem'] });
  writeContext('bare', 'lax.example:2375');
  mkdirSync(certs, { recursive: true });
  for (const file of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(certs, file), 'pem\n');
});

after(() => {
  if (savedHome === undefined) delete process.env.HOME;
  else process.env.HOME = savedHome;
  rmSync(root, { recursive: true, force: true });
});

/** The env of a machine whose Docker CLI config is ours, plus `extra`. */
const envWith = (extra: Env = {}): Env => ({ DOCKER_CONFIG: dockerConfig, ...extra });

function setCurrentContext(name: string | undefined): void {
  writeFileSync(
    join(dockerConfig, 'config.json'),
    JSON.stringify(name ? { currentContext: name, auths: {} } : { auths: {} }),
  );
}

describe('normaliseHost', () => {
  const cases: [string, string][] = [
    ['unix:///var/run/docker.sock', 'unix:///var/run/docker.sock'],
    ['unix://', 'unix:///var/run/docker.sock'],
    ['/run/user/1000/docker.sock', 'unix:///run/user/1000/docker.sock'],
    ['  /tmp/d.sock  ', 'unix:///tmp/d.sock'],
    ['tcp://10.0.0.5:2376', 'tcp://10.0.0.5:2376'],
    ['10.0.0.5:2375', 'tcp://10.0.0.5:2375'],
    ['engine.example:2376', 'tcp://engine.example:2376'],
    ['http://engine.example:2375', 'tcp://engine.example:2375'],
    ['https://engine.example:2376', 'tcp://engine.example:2376'],
    ['ssh://me@box', 'ssh://me@box'],
    ['ssh://me@box:2222', 'ssh://me@box:2222'],
    ['npipe:////./pipe/docker_engine', 'npipe:////./pipe/docker_engine'],
  ];
  for (const [raw, url] of cases) {
    test(`"${raw}" → ${url}`, () => assert.equal(normaliseHost(raw), url));
  }

  for (const [raw, scheme] of [
    ['ftp://box', 'ftp'],
    ['fd://', 'fd'],
    ['udp://box:2375', 'udp'],
    ['://box', ''],
  ]) {
    test(`"${raw}" is refused`, () => {
      assert.throws(() => normaliseHost(raw!), {
        name: 'StowageError',
        kind: 'invalid',
        message: `invalid engine address "${raw}": unsupported scheme "${scheme}"`,
        hint: 'use unix:///path/docker.sock, tcp://HOST:PORT or ssh://USER@HOST',
      });
    });
  }
});

describe('resolveEndpoint: precedence', () => {
  const cases: {
    name: string;
    choice: EndpointChoice;
    env: Env;
    current?: string;
    expected: Pick<EngineEndpoint, 'url' | 'source'>;
  }[] = [
    {
      name: '--host beats everything else',
      choice: { host: 'unix:///flag.sock' },
      env: { DOCKER_HOST: 'unix:///env.sock', DOCKER_CONTEXT: 'staging' },
      current: 'prod',
      expected: { url: 'unix:///flag.sock', source: '--host' },
    },
    {
      name: '--context beats DOCKER_HOST, DOCKER_CONTEXT and the current context',
      choice: { context: 'staging' },
      env: { DOCKER_HOST: 'unix:///env.sock', DOCKER_CONTEXT: 'prod' },
      current: 'prod',
      expected: { url: 'ssh://deploy@staging.example', source: 'context "staging"' },
    },
    {
      name: 'DOCKER_HOST beats DOCKER_CONTEXT and the current context',
      choice: {},
      env: { DOCKER_HOST: 'unix:///env.sock', DOCKER_CONTEXT: 'staging' },
      current: 'prod',
      expected: { url: 'unix:///env.sock', source: 'DOCKER_HOST' },
    },
    {
      name: 'DOCKER_CONTEXT beats the current context',
      choice: {},
      env: { DOCKER_CONTEXT: 'staging' },
      current: 'prod',
      expected: { url: 'ssh://deploy@staging.example', source: 'context "staging"' },
    },
    {
      name: "the CLI's current context",
      choice: {},
      env: {},
      current: 'staging',
      expected: { url: 'ssh://deploy@staging.example', source: 'context "staging"' },
    },
    {
      name: 'no choice at all is the default socket',
      choice: {},
      env: {},
      expected: { url: 'unix:///var/run/docker.sock', source: 'default' },
    },
    {
      name: 'a current context named "default" is the default socket',
      choice: {},
      env: {},
      current: 'default',
      expected: { url: 'unix:///var/run/docker.sock', source: 'default' },
    },
    {
      name: 'DOCKER_CONTEXT=default overrides a current context',
      choice: {},
      env: { DOCKER_CONTEXT: 'default' },
      current: 'prod',
      expected: { url: 'unix:///var/run/docker.sock', source: 'default' },
    },
    {
      name: '--context default is the default engine, as with the docker CLI',
      choice: { context: 'default' },
      env: { DOCKER_CONTEXT: 'prod' },
      current: 'prod',
      expected: { url: 'unix:///var/run/docker.sock', source: 'default' },
    },
    {
      name: '--context default still honours DOCKER_HOST',
      choice: { context: 'default' },
      env: { DOCKER_HOST: 'tcp://h:2375' },
      expected: { url: 'tcp://h:2375', source: 'DOCKER_HOST' },
    },
    {
      name: 'empty flags and variables count as unset',
      choice: { host: '', context: '' },
      env: { DOCKER_HOST: '', DOCKER_CONTEXT: '' },
      current: 'staging',
      expected: { url: 'ssh://deploy@staging.example', source: 'context "staging"' },
    },
    {
      name: 'a bare host:port in DOCKER_HOST is TCP',
      choice: {},
      env: { DOCKER_HOST: 'engine.example:2375' },
      expected: { url: 'tcp://engine.example:2375', source: 'DOCKER_HOST' },
    },
    {
      name: "a context's host is normalised too",
      choice: { context: 'bare' },
      env: {},
      expected: { url: 'tcp://lax.example:2375', source: 'context "bare"' },
    },
  ];
  for (const { name, choice, env, current, expected } of cases) {
    test(name, () => {
      setCurrentContext(current);
      const endpoint = resolveEndpoint(choice, envWith(env));
      assert.deepEqual({ url: endpoint.url, source: endpoint.source }, expected);
    });
  }

  test('a broken config.json is ignored', () => {
    writeFileSync(join(dockerConfig, 'config.json'), '{ "currentContext": ');
    assert.equal(resolveEndpoint({}, envWith()).source, 'default');
  });

  test('a config.json currentContext that is not a string is ignored', () => {
    writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ currentContext: 42 }));
    assert.equal(resolveEndpoint({}, envWith()).source, 'default');
  });

  test('no DOCKER_CONFIG folder at all is the default socket', () => {
    assert.equal(
      resolveEndpoint({}, { DOCKER_CONFIG: join(root, 'absent') }).url,
      'unix:///var/run/docker.sock',
    );
  });

  test("Docker Desktop's socket under the home folder is preferred to the system one", () => {
    const desktop = join(home, '.docker', 'run', 'docker.sock');
    mkdirSync(join(home, '.docker', 'run'), { recursive: true });
    writeFileSync(desktop, '');
    try {
      assert.deepEqual(resolveEndpoint({}, { DOCKER_CONFIG: join(root, 'absent') }), {
        url: `unix://${desktop}`,
        source: 'default',
        tls: undefined,
      });
    } finally {
      rmSync(join(home, '.docker'), { recursive: true });
    }
  });
});

describe('resolveEndpoint: errors', () => {
  test('--host and --context together are refused with the docker CLI message', () => {
    assert.throws(() => resolveEndpoint({ host: 'unix:///x.sock', context: 'prod' }, envWith()), {
      name: 'StowageError',
      kind: 'invalid',
      message: 'conflicting options: either specify --host or --context, not both',
    });
  });

  test('a malformed DOCKER_HOST is refused', () => {
    assert.throws(() => resolveEndpoint({}, envWith({ DOCKER_HOST: 'ftp://box' })), {
      kind: 'invalid',
      message: 'invalid engine address "ftp://box": unsupported scheme "ftp"',
    });
  });

  test('an unknown --context lists the known ones', () => {
    assert.throws(
      () => resolveEndpoint({ context: 'prdo' }, envWith()),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.deepEqual(
          { kind: (error as { kind?: string }).kind, message: error.message },
          { kind: 'not-found', message: 'context "prdo" does not exist' },
        );
        const hint = (error as { hint?: string }).hint ?? '';
        assert.match(hint, /^known contexts: /);
        assert.deepEqual(hint.replace('known contexts: ', '').split(', ').sort(), [
          'bare',
          'lax',
          'local-unix',
          'prod',
          'staging',
        ]);
        return true;
      },
    );
  });

  test('an unknown current context is an error too, not a silent fallback', () => {
    setCurrentContext('gone');
    assert.throws(() => resolveEndpoint({}, envWith()), {
      kind: 'not-found',
      message: 'context "gone" does not exist',
    });
  });

  test('without any context store the hint says how to create one', () => {
    assert.throws(() => resolveEndpoint({ context: 'prod' }, { DOCKER_CONFIG: join(root, 'absent') }), {
      kind: 'not-found',
      message: 'context "prod" does not exist',
      hint: 'create one with `docker context create`',
    });
  });

  test('a context without a docker endpoint is refused', () => {
    const digest = createHash('sha256').update('k8s-only').digest('hex');
    mkdirSync(join(dockerConfig, 'contexts', 'meta', digest), { recursive: true });
    writeFileSync(
      join(dockerConfig, 'contexts', 'meta', digest, 'meta.json'),
      JSON.stringify({ Name: 'k8s-only', Metadata: {}, Endpoints: {} }),
    );
    try {
      assert.throws(() => resolveEndpoint({ context: 'k8s-only' }, envWith()), {
        kind: 'invalid',
        message: 'context "k8s-only" has no docker endpoint',
      });
    } finally {
      rmSync(join(dockerConfig, 'contexts', 'meta', digest), { recursive: true });
    }
  });
});

describe('resolveEndpoint: TLS', () => {
  const allCerts = {
    caPath: join(certs, 'ca.pem'),
    certPath: join(certs, 'cert.pem'),
    keyPath: join(certs, 'key.pem'),
  };
  const cases: { name: string; host: string; env: Env; tls: EngineEndpoint['tls'] }[] = [
    {
      name: 'plain TCP on 2375 has none',
      host: 'tcp://h:2375',
      env: { DOCKER_CERT_PATH: certs },
      tls: undefined,
    },
    {
      name: 'DOCKER_TLS_VERIFY uses and verifies DOCKER_CERT_PATH',
      host: 'tcp://h:2375',
      env: { DOCKER_CERT_PATH: certs, DOCKER_TLS_VERIFY: '1' },
      tls: { ...allCerts, verify: true },
    },
    {
      name: 'DOCKER_TLS uses the certificates without verifying',
      host: 'tcp://h:2375',
      env: { DOCKER_CERT_PATH: certs, DOCKER_TLS: '1' },
      tls: { ...allCerts, verify: false },
    },
    {
      name: 'port 2376 implies TLS',
      host: 'tcp://h:2376',
      env: { DOCKER_CERT_PATH: certs },
      tls: { ...allCerts, verify: false },
    },
    {
      name: 'an empty DOCKER_TLS_VERIFY is unset',
      host: 'tcp://h:2375',
      env: { DOCKER_CERT_PATH: certs, DOCKER_TLS_VERIFY: '' },
      tls: undefined,
    },
    {
      name: 'missing certificate files are left out',
      host: 'tcp://h:2376',
      env: { DOCKER_CERT_PATH: join(root, 'absent'), DOCKER_TLS_VERIFY: '1' },
      tls: { verify: true },
    },
    {
      name: 'without DOCKER_CERT_PATH, ~/.docker is used',
      host: 'tcp://h:2376',
      env: { DOCKER_TLS_VERIFY: '1' },
      tls: { verify: true },
    },
    {
      name: 'unix sockets never use TLS',
      host: 'unix:///x.sock',
      env: { DOCKER_CERT_PATH: certs, DOCKER_TLS_VERIFY: '1' },
      tls: undefined,
    },
    {
      name: 'ssh never uses TLS',
      host: 'ssh://u@h',
      env: { DOCKER_CERT_PATH: certs, DOCKER_TLS_VERIFY: '1' },
      tls: undefined,
    },
  ];
  for (const { name, host, env, tls } of cases) {
    test(`--host: ${name}`, () => {
      assert.deepEqual(resolveEndpoint({ host }, envWith(env)).tls, tls);
    });
    test(`DOCKER_HOST: ${name}`, () => {
      assert.deepEqual(resolveEndpoint({}, envWith({ ...env, DOCKER_HOST: host })).tls, tls);
    });
  }

  test('~/.docker certificates are found when DOCKER_CERT_PATH is unset', () => {
    mkdirSync(join(home, '.docker'), { recursive: true });
    writeFileSync(join(home, '.docker', 'ca.pem'), 'pem\n');
    try {
      assert.deepEqual(resolveEndpoint({ host: 'tcp://h:2376' }, envWith()).tls, {
        caPath: join(home, '.docker', 'ca.pem'),
        verify: false,
      });
    } finally {
      rmSync(join(home, '.docker'), { recursive: true });
    }
  });

  test("a context's TLS files come from its tls folder", () => {
    assert.deepEqual(resolveEndpoint({ context: 'prod' }, envWith({ DOCKER_CERT_PATH: certs })), {
      url: 'tcp://prod.example:2376',
      source: 'context "prod"',
      tls: {
        verify: true,
        caPath: join(prodTls, 'ca.pem'),
        certPath: join(prodTls, 'cert.pem'),
        keyPath: join(prodTls, 'key.pem'),
      },
    });
  });

  test('SkipTLSVerify in the context turns verification off', () => {
    const tls = resolveEndpoint({ context: 'lax' }, envWith()).tls;
    assert.equal(tls?.verify, false);
    assert.match(tls?.caPath ?? '', /contexts\/tls\/[0-9a-f]{64}\/docker\/ca\.pem$/);
    assert.equal(tls?.certPath, undefined);
  });

  test('a TCP context without a tls folder has no TLS', () => {
    assert.equal(resolveEndpoint({ context: 'bare' }, envWith({ DOCKER_TLS_VERIFY: '1' })).tls, undefined);
  });

  test('a unix context ignores its TLS files', () => {
    assert.deepEqual(resolveEndpoint({ context: 'local-unix' }, envWith()), {
      url: 'unix:///run/user/1000/docker.sock',
      source: 'context "local-unix"',
      tls: undefined,
    });
  });
});
