import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  applyQuery,
  parseDockerFilters,
  parseVolumeQuery,
  type VolumeQuery,
  type VolumeQueryInput,
} from './volume-query.ts';
import type { VolumeRecord, VolumeUser } from './volume-record.ts';

const FILTER_HINT =
  'filters: dangling=true|false, driver=NAME, label=KEY or label=KEY=VALUE, name=TEXT; see also --unused, --anonymous, --larger-than, --older-than';

describe('parseVolumeQuery', () => {
  test('defaults', () => {
    assert.deepEqual(parseVolumeQuery({}), {
      dockerFilters: {},
      unused: false,
      anonymous: false,
      largerThanBytes: undefined,
      olderThanMs: undefined,
      sort: 'name',
      sizes: true,
    });
  });

  test('every option', () => {
    assert.deepEqual(
      parseVolumeQuery({
        filter: ['driver=local', 'label=team=db', 'label=keep'],
        unused: true,
        anonymous: true,
        largerThan: '1.5G',
        olderThan: '30d',
        sort: 'size',
        sizes: true,
      }),
      {
        dockerFilters: { driver: ['local'], label: ['team=db', 'keep'] },
        unused: true,
        anonymous: true,
        largerThanBytes: 1.5 * 1024 ** 3,
        olderThanMs: 30 * 86_400_000,
        sort: 'size',
        sizes: true,
      },
    );
  });

  for (const sort of ['name', 'size', 'created', 'containers', 'driver']) {
    test(`sort key "${sort}" is accepted`, () => assert.equal(parseVolumeQuery({ sort }).sort, sort));
  }

  const errors: [string, VolumeQueryInput, { message: string; hint?: string }][] = [
    [
      'unknown sort key',
      { sort: 'age' },
      { message: 'invalid sort key "age"', hint: 'sort by one of: name, size, created, containers, driver' },
    ],
    ['sort keys are case-sensitive', { sort: 'Name' }, { message: 'invalid sort key "Name"' }],
    ['empty sort key', { sort: '' }, { message: 'invalid sort key ""' }],
    ['bad size', { largerThan: '1Q' }, { message: 'invalid --larger-than size "1Q"' }],
    ['bad duration', { olderThan: '30' }, { message: 'invalid --older-than duration "30"' }],
    [
      '--no-size with --larger-than',
      { sizes: false, largerThan: '1G' },
      {
        message: '--no-size cannot be combined with --larger-than or --sort size',
        hint: 'drop --no-size to measure sizes',
      },
    ],
    [
      '--no-size with --sort size',
      { sizes: false, sort: 'size' },
      { message: '--no-size cannot be combined with --larger-than or --sort size' },
    ],
    ['bad filter inside the query', { filter: ['colour=red'] }, { message: "Invalid filter 'colour'" }],
  ];
  for (const [name, input, expected] of errors) {
    test(`refused: ${name}`, () => {
      assert.throws(() => parseVolumeQuery(input), { name: 'StowageError', kind: 'invalid', ...expected });
    });
  }

  test('--no-size alone is fine', () => {
    assert.equal(parseVolumeQuery({ sizes: false, sort: 'created' }).sizes, false);
  });
});

describe('parseDockerFilters', () => {
  const cases: [string[], Record<string, string[]>][] = [
    [[], {}],
    [['dangling=true'], { dangling: ['true'] }],
    [['dangling=FALSE', 'dangling=1', 'dangling=0'], { dangling: ['FALSE', '1', '0'] }],
    [['driver=local', 'driver=rexray/ebs'], { driver: ['local', 'rexray/ebs'] }], // repeated keys are OR'd
    [['label=com.docker.compose.project=shop'], { label: ['com.docker.compose.project=shop'] }],
    [['label=keep'], { label: ['keep'] }],
    [['name=pg'], { name: ['pg'] }],
    [['name='], { name: [''] }],
    [['NAME=pg', ' driver =local'], { name: ['pg'], driver: ['local'] }], // keys are trimmed and case-insensitive
    [['name= spaced '], { name: [' spaced '] }], // values are kept as given
  ];
  for (const [raw, expected] of cases) {
    test(JSON.stringify(raw), () => assert.deepEqual(parseDockerFilters(raw), expected));
  }

  const errors: [string, string, string][] = [
    ['dangling', 'bad format of filter "dangling" (expected name=value)', FILTER_HINT],
    ['=true', 'bad format of filter "=true" (expected name=value)', FILTER_HINT],
    ['', 'bad format of filter "" (expected name=value)', FILTER_HINT],
    ['colour=red', "Invalid filter 'colour'", FILTER_HINT],
    ['Until=24h', "Invalid filter 'until'", FILTER_HINT],
    ['dangling=maybe', "Invalid filter 'dangling=[maybe]'", 'dangling takes true, false, 1 or 0'],
    ['dangling=', "Invalid filter 'dangling=[]'", 'dangling takes true, false, 1 or 0'],
  ];
  for (const [item, message, hint] of errors) {
    test(`refused: ${JSON.stringify(item)}`, () => {
      assert.throws(() => parseDockerFilters(['name=ok', item]), {
        name: 'StowageError',
        kind: 'invalid',
        message,
        hint,
      });
    });
  }
});

const NOW = Date.parse('2026-06-30T12:00:00Z');
const DAY = 86_400_000;

function record(
  name: string,
  fields: Partial<VolumeRecord> & { daysOld?: number; containers?: number } = {},
): VolumeRecord {
  const { daysOld, containers = 0, ...rest } = fields;
  const users: VolumeUser[] = Array.from({ length: containers }, (_, i) => ({
    containerId: `c${i}`,
    containerName: `c${i}`,
    image: 'img',
    destination: '/d',
    readOnly: false,
    running: false,
  }));
  return {
    name,
    driver: 'local',
    scope: 'local',
    mountpoint: `/var/lib/docker/volumes/${name}/_data`,
    createdAt:
      daysOld === undefined ? undefined : new Date(NOW - daysOld * DAY).toISOString().replace(/\.000Z$/, 'Z'),
    labels: {},
    options: {},
    anonymous: false,
    composeProject: undefined,
    users,
    status: containers ? 'idle' : 'dangling',
    protected: false,
    ...rest,
  };
}

const query = (overrides: Partial<VolumeQuery> = {}): VolumeQuery => ({
  ...parseVolumeQuery({}),
  ...overrides,
});
const names = (records: VolumeRecord[]) => records.map((r) => r.name);

describe('applyQuery: filters', () => {
  const volumes = [
    record('busy', { status: 'in-use', sizeBytes: 5000, daysOld: 40, containers: 1 }),
    record('idle', { status: 'idle', sizeBytes: 2000, daysOld: 10, containers: 1 }),
    record('dangling', { sizeBytes: 1000, daysOld: 31 }),
    record('anon', { anonymous: true, sizeBytes: null, daysOld: 100 }),
    record('unmeasured', { daysOld: undefined }),
    record('exact', { sizeBytes: 1024, daysOld: 30 }),
  ];
  const cases: [string, Partial<VolumeQuery>, string[]][] = [
    ['no filter keeps all', {}, ['anon', 'busy', 'dangling', 'exact', 'idle', 'unmeasured']],
    [
      '--unused drops in-use, keeps idle and dangling',
      { unused: true },
      ['anon', 'dangling', 'exact', 'idle', 'unmeasured'],
    ],
    ['--anonymous', { anonymous: true }, ['anon']],
    ['--larger-than is strict and drops unknown sizes', { largerThanBytes: 1024 }, ['busy', 'idle']],
    [
      '--larger-than 0 keeps every known non-empty size',
      { largerThanBytes: 0 },
      ['busy', 'dangling', 'exact', 'idle'],
    ],
    [
      '--older-than is strict and drops unknown dates',
      { olderThanMs: 30 * DAY },
      ['anon', 'busy', 'dangling'],
    ],
    ['filters combine with AND', { unused: true, olderThanMs: 30 * DAY, largerThanBytes: 0 }, ['dangling']],
  ];
  for (const [name, overrides, expected] of cases) {
    test(name, () => assert.deepEqual(names(applyQuery([...volumes], query(overrides), NOW)), expected));
  }

  test('a createdAt with an offset is compared as a time, not as text', () => {
    const volume = record('tz', { createdAt: new Date(NOW - 2 * DAY).toISOString().replace('Z', '+00:00') });
    assert.deepEqual(names(applyQuery([volume], query({ olderThanMs: DAY }), NOW)), ['tz']);
    assert.deepEqual(names(applyQuery([volume], query({ olderThanMs: 3 * DAY }), NOW)), []);
  });
});

describe('applyQuery: sort', () => {
  const volumes = [
    record('b-mid', { driver: 'local', sizeBytes: 500, daysOld: 5, containers: 1 }),
    record('a-unknown', { driver: 'nfs-plugin', sizeBytes: null, daysOld: 1, containers: 0 }),
    record('d-big', { driver: 'local', sizeBytes: 9000, daysOld: 20, containers: 3 }),
    record('c-unasked', { driver: 'btrfs', daysOld: undefined, containers: 1 }),
    record('e-empty', { driver: 'local', sizeBytes: 0, daysOld: 5, containers: 0 }),
    record('Z-upper', { driver: 'local', sizeBytes: 500, daysOld: 50, containers: 0 }),
  ];
  const cases: [VolumeQuery['sort'], string[]][] = [
    ['name', ['Z-upper', 'a-unknown', 'b-mid', 'c-unasked', 'd-big', 'e-empty']], // code-unit order, as Docker
    ['size', ['d-big', 'Z-upper', 'b-mid', 'e-empty', 'a-unknown', 'c-unasked']], // largest first, unknown last, ties by name
    ['created', ['a-unknown', 'b-mid', 'e-empty', 'd-big', 'Z-upper', 'c-unasked']], // newest first, undated last
    ['containers', ['d-big', 'b-mid', 'c-unasked', 'Z-upper', 'a-unknown', 'e-empty']],
    ['driver', ['c-unasked', 'Z-upper', 'b-mid', 'd-big', 'e-empty', 'a-unknown']],
  ];
  for (const [sort, expected] of cases) {
    test(`--sort ${sort}`, () =>
      assert.deepEqual(names(applyQuery([...volumes], query({ sort }), NOW)), expected));
  }
});
