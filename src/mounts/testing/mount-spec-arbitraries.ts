/**
 * fast-check arbitraries for Docker's mount syntaxes, shared by the short fuzz run in the test suite
 * (`mount-spec.fuzz.test.ts`) and the long one (`bench/fuzz/mount-spec.ts`). They build specs from their
 * parts — volume names, paths, modes, `--mount` keys and values — valid and odd alike (empty parts, drive
 * letters, extra colons, spaces, unicode, quotes, CR LF, NUL), so that most inputs reach deep into the parsers
 * rather than failing on the first character. One arbitrary also says what a spec built only from valid
 * parts must parse to.
 */
import fc from 'fast-check';
import { isStowageError } from '../../core/errors.ts';
import { checkLocalDriverOptions, checkLocalVolumeName } from '../check-on-host.ts';
import { formatLong } from '../format-long-spec.ts';
import { formatShort } from '../format-short-spec.ts';
import { csvField } from '../go-csv.ts';
import type { MountSpec, ParseOptions, Propagation } from '../mount-spec.ts';
import { parseLongSpec } from '../parse-long-spec.ts';
import { parseShortSpec } from '../parse-short-spec.ts';

const PROPAGATIONS: readonly Propagation[] = ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'];

/** Characters that matter to one of the syntaxes or to the engine, and some that matter to nobody. */
const ODD_CHARS = [
  ':',
  ',',
  '=',
  '"',
  '\\',
  '/',
  '.',
  ' ',
  '\t',
  '\n',
  '\r',
  '\0',
  'é',
  '日',
  '😀',
  '-',
  '_',
  '~',
];

const oddText = (maxLength = 6) =>
  fc.string({
    unit: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...ODD_CHARS) },
      { weight: 3, arbitrary: fc.constantFrom(...'abcxyzABZ019') },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
    ),
    maxLength,
  });

/** A name the local driver takes: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`. */
export const validVolumeName = fc
  .tuple(
    fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'),
    fc.string({ unit: fc.constantFrom(...'abcxyz0189_.-XY'), minLength: 1, maxLength: 12 }),
  )
  .map(([first, rest]) => first + rest);

/** Names valid or not: one letter (a Windows drive to the CLI), spaces, unicode, leading `-` or `.`. */
const volumeName = fc.oneof(
  { weight: 4, arbitrary: validVolumeName },
  { weight: 1, arbitrary: fc.constantFrom('v', 'C', 'é', 'my vol', '-x', '.x', '..', '~/x', 'a"b', '日本') },
  { weight: 1, arbitrary: oddText() },
);

const segment = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('data', 'srv', 'x', 'var', 'lib', 'docker', 'a b', 'é', '日本') },
  { weight: 1, arbitrary: fc.constantFrom('', '.', '..') },
  { weight: 2, arbitrary: oddText(4) },
);

/** `/a/b`, with now and then a trailing slash, an empty segment or a backslash for a slash. */
const absolutePath = fc
  .tuple(fc.array(segment, { maxLength: 4 }), fc.boolean(), fc.boolean())
  .map(([parts, trailing, backslash]) => {
    const path = `/${parts.join('/')}${trailing ? '/' : ''}`;
    return backslash ? path.replaceAll('/', '\\') : path;
  });

/** A path of every kind the syntaxes meet: absolute, relative, `./x`, a Windows drive, odd text. */
const anyPath = fc.oneof(
  { weight: 5, arbitrary: absolutePath },
  { weight: 1, arbitrary: fc.array(segment, { minLength: 1, maxLength: 3 }).map((p) => p.join('/')) },
  { weight: 1, arbitrary: absolutePath.map((p) => `.${p}`) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('C', 'c', 'é', 'Z'), anyPathTail())
      .map(([d, rest]) => `${d}:${rest}`),
  },
  { weight: 1, arbitrary: oddText() },
);
function anyPathTail() {
  return fc.oneof(absolutePath, fc.constantFrom('', '\\', '\\data', 'x'));
}

const MODE_ITEMS = [
  'ro',
  'rw',
  'z',
  'Z',
  'nocopy',
  ...PROPAGATIONS,
  'consistent',
  'cached',
  'delegated',
  'default',
  'RO',
  'bogus',
  '',
];
const modeText = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.array(fc.constantFrom(...MODE_ITEMS), { maxLength: 4 }).map((m) => m.join(',')),
  },
  { weight: 1, arbitrary: oddText() },
);

/** A `-v` spec from its parts: `TARGET`, `SOURCE:TARGET`, `SOURCE:TARGET:MODE`, or parts joined oddly. */
export const shortSpecText: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: anyPath },
  { weight: 4, arbitrary: fc.tuple(fc.oneof(volumeName, anyPath), anyPath).map(([s, t]) => `${s}:${t}`) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.oneof(volumeName, anyPath), anyPath, modeText)
      .map(([s, t, m]) => `${s}:${t}:${m}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.oneof(volumeName, anyPath, modeText), { maxLength: 5 })
      .chain((parts) => fc.constantFrom(':', '::', ',').map((sep) => parts.join(sep))),
  },
);

const boolText = fc.constantFrom('true', 'false', '1', '0', 't', 'F', 'TRUE', 'maybe', '');
const sizeText = fc.oneof(
  fc.constantFrom(
    '64m',
    '1.5g',
    '1536k',
    '100',
    '0',
    '1e3',
    '1_0k',
    '0x10p0',
    '1 m',
    '1MiB',
    '1x',
    '',
    '-1',
    '1e19',
  ),
  fc
    .tuple(fc.nat(), fc.constantFrom('', 'k', 'm', 'g', 'b', 'kb', 'KiB', ' m', 't', 'p'))
    .map(([n, u]) => `${n}${u}`),
);
const octalText = fc.oneof(
  fc.constantFrom('1777', '0755', '700', '8', '0o777', '', '-1', '17777777777', '40000000000'),
  fc.nat(0o7777).map((n) => n.toString(8)),
);
const optionKey = fc.constantFrom('type', 'device', 'o', 'size', 'foo', '', 'Type');
const optionValue = fc.oneof(
  fc.constantFrom('tmpfs', 'none', 'nfs', 'bind', 'size=1m', '0', '1m', 'bogus', ''),
  oddText(3),
);
const keyValue = fc.tuple(optionKey, fc.boolean(), optionValue).map(([k, eq, v]) => (eq ? `${k}=${v}` : k));

/** One `--mount` field: a known key (any case, short or long name) with a value of the kind it takes. */
const longField: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('type', 'TYPE', 'Type'),
      fc.constantFrom('bind', 'volume', 'tmpfs', 'Bind', 'npipe', 'image', 'cluster', ''),
    )
    .map(([k, v]) => `${k}=${v}`),
  fc
    .tuple(fc.constantFrom('source', 'src', 'SRC'), fc.oneof(volumeName, anyPath))
    .map(([k, v]) => `${k}=${v}`),
  fc.tuple(fc.constantFrom('target', 'dst', 'destination', 'DST'), anyPath).map(([k, v]) => `${k}=${v}`),
  fc.constantFrom('readonly', 'ro', 'volume-nocopy', 'bind-nonrecursive'),
  fc
    .tuple(fc.constantFrom('readonly', 'ro', 'volume-nocopy', 'bind-nonrecursive'), boolText)
    .map(([k, v]) => `${k}=${v}`),
  fc
    .tuple(
      fc.constantFrom('bind-propagation', 'BIND-PROPAGATION'),
      fc.constantFrom(...PROPAGATIONS, 'RSHARED', 'bogus', ''),
    )
    .map(([k, v]) => `${k}=${v}`),
  fc.constantFrom('enabled', 'disabled', 'writable', 'readonly', 'bogus').map((v) => `bind-recursive=${v}`),
  fc.constantFrom('consistent', 'cached', 'delegated', 'default', 'Bogus', '').map((v) => `consistency=${v}`),
  keyValue.map((kv) => `volume-opt=${kv}`),
  keyValue.map((kv) => `volume-label=${kv}`),
  fc.constantFrom('local', 'other', '', 'nfs').map((v) => `volume-driver=${v}`),
  fc.constantFrom('sub', '', '../x').map((v) => `volume-subpath=${v}`),
  fc.constantFrom('sub', '').map((v) => `image-subpath=${v}`),
  sizeText.map((v) => `tmpfs-size=${v}`),
  octalText.map((v) => `tmpfs-mode=${v}`),
  fc.constantFrom('foo=bar', 'x', '', '=', 'src', 'type'),
);

/** How a field is written in the CSV: plain, quoted as Go's writer would (`csvField`), or quoted badly. */
const csvWritten = (text: string) => {
  // A field that needs quotes mostly gets them; one that does not, mostly goes plain.
  const needsQuotes = /[,"\r\n]|^\s/.test(text);
  return fc.oneof(
    { weight: needsQuotes ? 2 : 12, arbitrary: fc.constant(text) },
    { weight: needsQuotes ? 12 : 3, arbitrary: fc.constant(csvField(text)) },
    { weight: 1, arbitrary: fc.constantFrom(`"${text}`, ` ${text}`) },
  );
};

const field = (key: string, value: fc.Arbitrary<string>) => value.map((v) => `${key}=${v}`);
const mostlyAbsolute = fc.oneof({ weight: 6, arbitrary: absolutePath }, { weight: 1, arbitrary: anyPath });

/** The options that go with each type (and, now and then, one that does not). */
const OPTIONS_OF = {
  bind: [
    fc.constantFrom('readonly', 'ro=true', 'bind-nonrecursive', 'consistency=cached'),
    field('bind-propagation', fc.constantFrom(...PROPAGATIONS, 'RSLAVE')),
    fc.constantFrom('enabled', 'disabled', 'writable').map((v) => `bind-recursive=${v}`),
  ],
  volume: [
    fc.constantFrom('readonly', 'volume-nocopy', 'volume-nocopy=false', 'consistency=delegated'),
    keyValue.map((kv) => `volume-opt=${kv}`),
    fc.constantFrom('type=tmpfs', 'device=tmpfs', 'o=size=1m').map((kv) => `volume-opt=${kv}`),
    keyValue.map((kv) => `volume-label=${kv}`),
    fc.constantFrom('local', 'other').map((v) => `volume-driver=${v}`),
  ],
  tmpfs: [fc.constantFrom('readonly'), field('tmpfs-size', sizeText), field('tmpfs-mode', octalText)],
};

/** A `--mount` value that hangs together: a type, a source that suits it, a target, and its options. */
const coherentLong: fc.Arbitrary<string[]> = fc
  .constantFrom('bind', 'volume', 'tmpfs', 'default')
  .chain((type) => {
    const base =
      type === 'bind'
        ? [fc.constant('type=bind'), field('source', mostlyAbsolute), field('target', mostlyAbsolute)]
        : type === 'tmpfs'
          ? [fc.constant('type=tmpfs'), field('dst', mostlyAbsolute)]
          : [
              fc.constantFrom(type === 'volume' ? 'type=volume' : 'TYPE=Volume', 'dst=/x'),
              fc.option(field('src', volumeName), { nil: 'readonly=false' }),
              field('destination', mostlyAbsolute),
            ];
    const options = OPTIONS_OF[type === 'default' ? 'volume' : type];
    return fc
      .tuple(
        fc.tuple(...base),
        fc.array(fc.oneof(...options), { maxLength: 3 }),
        fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: longField }),
      )
      .chain(([fields, extra, stray]) =>
        fc.shuffledSubarray([...fields, ...extra, ...(stray === null ? [] : [stray])], {
          minLength: fields.length + extra.length + (stray === null ? 0 : 1),
        }),
      );
  });

/** A `--mount` value from its fields, joined by commas (now and then an empty field or a trailing comma). */
export const longSpecText: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 4, arbitrary: coherentLong },
    { weight: 1, arbitrary: fc.array(longField, { maxLength: 7 }) },
  )
  .chain((fields) => fc.tuple(...fields.map(csvWritten)))
  .chain((fields) =>
    fc.oneof(
      { weight: 20, arbitrary: fc.constant(fields.join(',')) },
      { weight: 1, arbitrary: fc.constantFrom(`${fields.join(',')},`, fields.join(',,')) },
    ),
  );

/** Whatever a user might type, for the parsers that should refuse it calmly. */
export const anyText = fc.oneof(
  oddText(20),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

export type Syntax = 'short' | 'long';

/** One input for one parser; `cwd` as the docker CLI's working directory, if any. */
export interface FuzzInput {
  syntax: Syntax;
  text: string;
  cwd: string | undefined;
}

/** An input for one parser: mostly structured specs of its syntax, sometimes anything at all. */
export const fuzzInput: fc.Arbitrary<FuzzInput> = fc
  .record({
    syntax: fc.constantFrom<Syntax>('short', 'long'),
    cwd: fc.constantFrom(undefined, '/w/app', '/'),
  })
  .chain(({ syntax, cwd }) =>
    fc
      .oneof(
        { weight: 9, arbitrary: syntax === 'short' ? shortSpecText : longSpecText },
        { weight: 1, arbitrary: anyText },
      )
      .map((text) => ({ syntax, text, cwd })),
  );

/**
 * A `-v` spec made only of valid parts, with the spec it must parse to: a named volume or an absolute bind
 * source without `:`, an absolute target, and a mode with at most one item of each class that fits the type.
 */
export const validShortSpec: fc.Arbitrary<{ text: string; expected: MountSpec }> = fc
  .record({
    bind: fc.boolean(),
    name: validVolumeName,
    source: fc.array(fc.constantFrom('srv', 'data', 'a b', 'é', 'x.y'), { minLength: 1, maxLength: 3 }),
    target: fc.array(fc.constantFrom('data', 'var', 'log', 'a b', '日本'), { minLength: 1, maxLength: 3 }),
    readOnly: fc.constantFrom(undefined, 'ro', 'rw'),
    label: fc.constantFrom(undefined, 'z', 'Z'),
    propagation: fc.constantFrom(undefined, ...PROPAGATIONS),
    noCopy: fc.boolean(),
    consistency: fc.constantFrom(undefined, 'consistent', 'cached', 'delegated'),
  })
  .chain((parts) => {
    const items = [
      parts.readOnly,
      parts.label,
      parts.bind ? parts.propagation : undefined,
      !parts.bind && parts.noCopy ? 'nocopy' : undefined,
      parts.consistency,
    ].filter((item) => item !== undefined);
    return fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length }).map((mode) => {
      const source = parts.bind ? `/${parts.source.join('/')}` : parts.name;
      const target = `/${parts.target.join('/')}`;
      const text = mode.length > 0 ? `${source}:${target}:${mode.join(',')}` : `${source}:${target}`;
      const expected = {
        type: parts.bind ? 'bind' : 'volume',
        source,
        target,
        readOnly: parts.readOnly === 'ro',
        ...(parts.consistency !== undefined && { consistency: parts.consistency }),
        ...(parts.label !== undefined && { selinuxLabel: parts.label }),
        ...(parts.bind && parts.propagation !== undefined && { propagation: parts.propagation }),
        ...(!parts.bind && parts.noCopy && { noCopy: true }),
      } as MountSpec;
      return { text, expected };
    });
  });

export interface FuzzVerdict {
  /** accepted: parsed; refused: a StowageError 'invalid'; crash: anything else thrown, at any step. */
  outcome: 'accepted' | 'refused' | 'crash';
  /** Whether the spec was converted to the other syntax and back (false: that syntax cannot say it). */
  converted?: boolean;
  /** What went wrong: the error of a crash, or the round trip that did not give the same spec. */
  problem?: string;
}

/**
 * Runs one input through everything a user can reach: parse, the pure local-driver checks, format in its
 * own syntax and parse again (same spec, same text), convert to the other syntax and back (same spec).
 * Never throws: a crash or a failed round trip is reported in the verdict.
 */
export function judge(input: FuzzInput): FuzzVerdict {
  const options: ParseOptions = input.cwd === undefined ? {} : { cwd: input.cwd };
  const own = input.syntax === 'short' ? SHORT : LONG;
  const other = input.syntax === 'short' ? LONG : SHORT;
  let spec: MountSpec;
  try {
    spec = own.parse(input.text, options);
  } catch (error) {
    return isInvalid(error) ? { outcome: 'refused' } : { outcome: 'crash', problem: describe(error) };
  }
  try {
    for (const check of [checkLocalVolumeName, checkLocalDriverOptions]) {
      try {
        check(spec);
      } catch (error) {
        if (!isInvalid(error)) throw error;
      }
    }
    // Its own syntax can always say what it parsed, and says it the same way twice.
    const text = attempt(() => own.format(spec));
    if (text === undefined) return roundTrip('its own syntax cannot say it', spec);
    const again = attempt(() => own.parse(text, options));
    if (again === undefined || !sameSpec(again, spec))
      return roundTrip(`${text} → ${JSON.stringify(again)}`, spec);
    if (own.format(again) !== text) return roundTrip(`${text} formats as ${own.format(again)}`, spec);
    // The other syntax, when it can say it, says the same mount.
    const converted = attempt(() => other.format(spec));
    if (converted === undefined) return { outcome: 'accepted', converted: false };
    const back = attempt(() => other.parse(converted, options));
    if (back === undefined || !sameSpec(back, spec))
      return roundTrip(`→ ${converted} → ${JSON.stringify(back)}`, spec);
    const home = attempt(() => own.parse(own.format(back), options));
    if (home === undefined || !sameSpec(home, spec))
      return roundTrip(`→ ${converted} → back: ${JSON.stringify(home)}`, spec);
    return { outcome: 'accepted', converted: true };
  } catch (error) {
    return { outcome: 'crash', problem: `after parsing ${JSON.stringify(spec)}: ${describe(error)}` };
  }
}

/** The action's result, or undefined when it refuses with an 'invalid' StowageError; anything else is thrown. */
function attempt<T>(action: () => T): T | undefined {
  try {
    return action();
  } catch (error) {
    if (isInvalid(error)) return undefined;
    throw error;
  }
}

const SHORT = { parse: parseShortSpec, format: formatShort };
const LONG = { parse: parseLongSpec, format: formatLong };

const isInvalid = (error: unknown) => isStowageError(error, 'invalid') && error.message.length > 0;
const describe = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);
const roundTrip = (what: string, spec: MountSpec): FuzzVerdict => ({
  outcome: 'accepted',
  problem: `round trip: ${JSON.stringify(spec)}: ${what}`,
});

/** Deep equality of two specs, key order aside (a spec holds only strings, numbers, booleans and records). */
function sameSpec(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const entries = Object.entries(value as Record<string, unknown>).sort(([x], [y]) =>
    x < y ? -1 : x > y ? 1 : 0,
  );
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}
