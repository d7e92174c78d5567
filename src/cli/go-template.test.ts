import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseTemplate, TemplateError, TextMap, templateRow } from './go-template.ts';

const row = templateRow({
  Name: 'pg-data',
  Driver: 'local',
  Count: 2,
  Zero: 0,
  Labels: { 'com.example': 'yes', env: 'prod' },
  Tags: ['a', 'b'],
  Empty: [] as string[],
  Label: (key: unknown) => ({ env: 'prod' })[String(key)] ?? '',
  Containers: [
    { Name: 'db', ReadOnly: false },
    { Name: 'backup', ReadOnly: true },
  ],
});

const run = (source: string) => parseTemplate(source).execute(row);

describe('go-template: what Docker users type', () => {
  const cases: [string, string][] = [
    ['{{.Name}}', 'pg-data'],
    ['{{ .Name }}\t{{.Driver}}', 'pg-data\tlocal'],
    ['plain text', 'plain text'],
    ['{{.Count}}', '2'],
    ['{{json .Labels}}', '{"com.example":"yes","env":"prod"}'],
    ['{{json .Name}}', '"pg-data"'],
    ['{{index .Labels "env"}}', 'prod'],
    ['{{index .Labels "missing"}}', ''],
    ['{{.Labels.env}}', 'prod'],
    ['{{.Label "env"}}', 'prod'],
    ['{{.Labels}}', 'map[com.example:yes env:prod]'],
    ['{{.Tags}}', '[a b]'],
    ['{{join .Tags ","}}', 'a,b'],
    ['{{split "a:b:c" ":"}}', '[a b c]'],
    ['{{lower "ABC"}} {{upper .Name}} {{title "hello wide world"}}', 'abc PG-DATA Hello Wide World'],
    ['{{truncate .Name 2}}|{{truncate .Name 20}}', 'pg|pg-data'],
    ['[{{pad .Name 1 2}}][{{pad "" 1 2}}]', '[ pg-data  ][]'],
    ['{{println .Name}}', 'pg-data\n'],
    ['{{print .Name 1 2 "x"}}', 'pg-data1 2x'],
    ['{{printf "%-10s|%3d" .Name .Count}}', 'pg-data   |  2'],
    ['{{.Name | upper | lower}}', 'pg-data'],
    ['{{len .Tags}} {{len .Name}}', '2 7'],
    ['{{index .Tags 1}}', 'b'],
    ['{{if eq .Driver "local"}}L{{else}}R{{end}}', 'L'],
    ['{{if .Zero}}z{{else if .Count}}c{{else}}n{{end}}', 'c'],
    ['{{if not .Empty}}none{{end}}', 'none'],
    ['{{if and .Count .Name}}both{{end}}', 'both'],
    ['{{if or .Zero .Empty}}x{{else}}neither{{end}}', 'neither'],
    ['{{if gt .Count 1}}many{{end}}', 'many'],
    ['{{range .Containers}}{{.Name}}{{if .ReadOnly}}(ro){{end}} {{end}}', 'db backup(ro) '],
    ['{{range .Empty}}x{{else}}empty{{end}}', 'empty'],
    ['{{with .Labels.env}}env={{.}}{{end}}', 'env=prod'],
    ['{{range $x := .Tags}}{{end}}', 'error'],
    ['a {{- .Name -}} b', 'apg-datab'],
    ['{{/* a comment */}}x', 'x'],
    ['{{"}}"}}', '}}'],
    ['{{(index .Tags 0) | upper}}', 'A'],
    ['{{.Name}}{{.Labels.nosuch}}', 'pg-data<no value>'],
  ];
  for (const [source, expected] of cases) {
    test(source, () => {
      if (expected === 'error') assert.throws(() => run(source), TemplateError);
      else assert.equal(run(source), expected);
    });
  }
});

describe('go-template: mistakes are errors naming what is wrong', () => {
  const parseErrors: [string, RegExp][] = [
    ['{{.Name', /unclosed action/],
    ['{{if .Name}}x', /has no \{\{end\}\}/],
    ['{{end}}', /unexpected \{\{end\}\}/],
    ['{{nosuch .Name}}', /function "nosuch" not defined/],
    ['{{"open}}', /unclosed action/], // the quote runs on past the braces
    ['{{.Name | }}', /missing command after "\|"/],
    ['{{define "x"}}{{end}}', /not supported/],
    ['{{(.Name}}', /unclosed left paren/],
  ];
  for (const [source, message] of parseErrors) {
    test(`parse: ${source}`, () => assert.throws(() => parseTemplate(source), { name: 'Error', message }));
  }

  test('an unknown field of a row names the fields it has', () =>
    assert.throws(() => run('{{.Nmae}}'), { message: /can't evaluate field Nmae \(fields: Name, Driver/ }));
  test('a wrongly typed argument is named', () =>
    assert.throws(() => run('{{truncate .Name "x"}}'), { message: /truncate: expected an integer/ }));
});

describe("go-template: ls's .Labels, text that indexes as a map", () => {
  const labels = templateRow({ Labels: new TextMap({ a: '1', b: '2' }, 'a=1,b=2') });
  const cases: [string, string][] = [
    ['{{.Labels}}', 'a=1,b=2'],
    ['{{json .Labels}}', '"a=1,b=2"'],
    ['{{index .Labels "b"}}', '2'],
    ['{{index .Labels "zz"}}', ''],
    ['{{.Labels.a}}', '1'],
    ['{{upper .Labels}}', 'A=1,B=2'],
    ['{{if eq .Labels "a=1,b=2"}}same{{end}}', 'same'],
    ['{{range split .Labels ","}}[{{.}}]{{end}}', '[a=1][b=2]'],
  ];
  for (const [source, expected] of cases)
    test(source, () => assert.equal(parseTemplate(source).execute(labels), expected));
});

describe('go-template: what a template reads', () => {
  test('top-level fields, not those inside range', () => {
    const t = parseTemplate('{{.Name}} {{if .Size}}{{end}}{{range .Containers}}{{.Image}}{{end}}');
    assert.deepEqual([...t.fields].sort(), ['Containers', 'Name', 'Size']);
    assert.equal(t.readsWhole, false);
  });
  test('{{json .}} reads the whole row', () => assert.equal(parseTemplate('{{json .}}').readsWhole, true));
});
