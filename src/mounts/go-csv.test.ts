import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvField, readCsvRecord } from './go-csv.ts';

// Expected errors are what the docker CLI 28.2 (Go 1.24 encoding/csv) printed for the same input.
const cases: [string, string[] | string][] = [
  ['a,b', ['a', 'b']],
  ['a,,b,', ['a', '', 'b', '']],
  ['"a,b",c', ['a,b', 'c']],
  ['"say ""hi""",x', ['say "hi"', 'x']],
  ['""', ['']],
  ['"multi\nline",x', ['multi\nline', 'x']],
  ['"crlf\r\ninside"', ['crlf\ninside']],
  ['dst=/d\nfoo=bar', ['dst=/d']],
  ['dst=/d\r', ['dst=/d']],
  ['a\rb', ['a\rb']],
  ['\n\r\n\na', ['a']],
  ['"dst=/d"\n', ['dst=/d']],
  [' a , b ', [' a ', ' b ']],
  ['', 'EOF'],
  ['\n', 'EOF'],
  ['\r', 'EOF'],
  ['src="a,b",dst=/d', 'parse error on line 1, column 5: bare " in non-quoted-field'],
  ['src=a"b,dst=/d', 'parse error on line 1, column 6: bare " in non-quoted-field'],
  ['"src=a"b,dst=/d', 'parse error on line 1, column 7: extraneous or missing " in quoted-field'],
  ['"src=a', 'parse error on line 1, column 7: extraneous or missing " in quoted-field'],
  ['"dst=/d\n', 'parse error on line 1, column 9: extraneous or missing " in quoted-field'],
  ['"src=a\nb', 'record on line 1; parse error on line 2, column 2: extraneous or missing " in quoted-field'],
  [
    '"src=a\nb"x',
    'record on line 1; parse error on line 2, column 2: extraneous or missing " in quoted-field',
  ],
  [
    '"src=a\nb\n',
    'record on line 1; parse error on line 2, column 3: extraneous or missing " in quoted-field',
  ],
  ['\n\nsrc=a"b', 'parse error on line 3, column 6: bare " in non-quoted-field'],
  ['"dst=/d\nx",src="y', 'record on line 1; parse error on line 2, column 8: bare " in non-quoted-field'],
  ['é"', 'parse error on line 1, column 3: bare " in non-quoted-field'],
  ['éé,x"', 'parse error on line 1, column 7: bare " in non-quoted-field'],
  [
    '"dst=/d\r\n"x',
    'record on line 1; parse error on line 2, column 1: extraneous or missing " in quoted-field',
  ],
];

for (const [input, expected] of cases) {
  test(`readCsvRecord(${JSON.stringify(input)})`, () => {
    const record = readCsvRecord(input);
    if (typeof expected === 'string') assert.deepEqual(record, { ok: false, error: expected });
    else assert.deepEqual(record, { ok: true, fields: expected });
  });
}

test('csvField quotes only what the reader would split or reject, and reads back unchanged', () => {
  assert.equal(csvField('source=/a'), 'source=/a');
  assert.equal(csvField('source=/a,b'), '"source=/a,b"');
  assert.equal(csvField('source=/a"b'), '"source=/a""b"');
  for (const field of [
    'x,y',
    'q"uote',
    'line\nbreak',
    'cr\rhere',
    '"',
    'end\r',
    'cr\r\nlf',
    '\r\r\n\r\n',
    '\r',
  ]) {
    assert.deepEqual(readCsvRecord(`${csvField(field)},${csvField(field)}`), {
      ok: true,
      fields: [field, field],
    });
  }
});
