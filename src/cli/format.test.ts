import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { headerOf, parseFormat, renderFormat, tabwrite } from './format.ts';

const spec = {
  fields: ['Name', 'Driver', 'CreatedAt', 'Label'],
  methods: ['Label'],
  headers: { Name: 'VOLUME NAME' },
};
const rows = [
  { Name: 'a', Driver: 'local', CreatedAt: '2026-01-01', Label: () => 'x' },
  { Name: 'a-much-longer-name', Driver: 'nfs', CreatedAt: '', Label: () => '' },
];
const render = (format: string, given: object[] = rows) => renderFormat(parseFormat(format)!, given, spec);

describe('--format as the docker CLI renders it', () => {
  test('a line per row, with \\t and \\n as typed on a shell', () =>
    assert.equal(render('{{.Name}}\\t{{.Driver}}'), 'a\tlocal\na-much-longer-name\tnfs\n'));
  test('no rows, no output', () => assert.equal(render('{{.Name}}', []), ''));
  test('table: Docker headers, columns of at least 10, 3 spaces apart, last column unpadded', () =>
    assert.equal(
      render('table {{.Driver}}\\t{{.Name}}\\t{{.CreatedAt}}'),
      'DRIVER    VOLUME NAME          CREATED AT\n' +
        'local     a                    2026-01-01\n' +
        'nfs       a-much-longer-name   \n',
    ));
  test('table with no rows prints the header', () =>
    assert.equal(render('table {{.Name}}', []), 'VOLUME NAME\n'));
  test('functions pass headers through', () =>
    assert.equal(render('table {{.Name | upper}}\\t{{.Label "k"}}', []), 'VOLUME NAME   LABEL\n'));
  test('json is {{json .}}, methods left out', () =>
    assert.equal(
      render('json', rows.slice(0, 1)),
      '{"Name":"a","Driver":"local","CreatedAt":"2026-01-01"}\n',
    ));
  test('`table` alone and no format mean the command’s own output', () => {
    assert.equal(parseFormat('table'), undefined);
    assert.equal(parseFormat(undefined), undefined);
    assert.equal(parseFormat(''), undefined);
  });
  test('a template is trimmed of surrounding spaces, as Docker does', () =>
    assert.equal(render(' {{.Name}} ', rows.slice(0, 1)), 'a\n'));
  test('a parse error is invalid (exit 2), named as Docker names it, with the template', () =>
    assert.throws(() => parseFormat('{{.Name'), {
      kind: 'invalid',
      message: 'template parsing error: unclosed action at offset 0 (in "{{.Name")',
    }));
  test('an unknown field is invalid, its hint lists the fields (even with no rows, for a table)', () =>
    assert.throws(() => render('table {{.Nmae}}', []), {
      kind: 'invalid',
      message: /can't evaluate field Nmae/,
      hint: 'fields: .Name .Driver .CreatedAt .Label',
    }));
  test('what the template reads decides what is measured', () => {
    assert.equal(parseFormat('{{.Name}}')!.reads('Size'), false);
    assert.equal(parseFormat('table {{.Name}}\\t{{.Size}}')!.reads('Size'), true);
    assert.equal(parseFormat('json')!.reads('Size'), true);
  });
});

describe("Go's tabwriter, as Docker configures it", () => {
  test('a column holds its width over the block of lines that have it', () =>
    assert.equal(
      tabwrite('a\tb\tc\nlonger-than-ten\tb\n\nx\ty'),
      'a                 b         c\nlonger-than-ten   b\n\nx         y',
    ));
  test('widths count characters, not bytes', () =>
    assert.equal(tabwrite('é\tx\nab\ty'), 'é         x\nab        y'));
});

describe('headers derived from field names', () => {
  for (const [field, header] of [
    ['Name', 'NAME'],
    ['CreatedAt', 'CREATED AT'],
    ['ID', 'ID'],
    ['ContainerID', 'CONTAINER ID'],
    ['SHA256', 'SHA256'],
    ['RW', 'RW'],
  ] as [string, string][])
    test(`${field} → ${header}`, () => assert.equal(headerOf(field), header));
});
