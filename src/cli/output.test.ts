import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { consoleOutput, formatTable } from './output.ts';

describe('formatTable', () => {
  const cases: { name: string; headers: string[]; rows: string[][]; lines: string[] }[] = [
    {
      name: 'columns padded to the widest cell, three spaces apart',
      headers: ['DRIVER', 'VOLUME NAME', 'SIZE'],
      rows: [
        ['local', 'pg-data', '1.2GB'],
        ['nfs', 'x', '0B'],
      ],
      lines: ['DRIVER   VOLUME NAME   SIZE', 'local    pg-data       1.2GB', 'nfs      x             0B'],
    },
    {
      name: 'a cell wider than its header widens the column',
      headers: ['NAME', 'SIZE'],
      rows: [['a-rather-long-volume-name', '300kB']],
      lines: ['NAME                        SIZE', 'a-rather-long-volume-name   300kB'],
    },
    {
      name: 'the last column is not padded',
      headers: ['NAME', 'USED BY'],
      rows: [
        ['a', 'web, worker, backup'],
        ['b', 'x'],
      ],
      lines: ['NAME   USED BY', 'a      web, worker, backup', 'b      x'],
    },
    {
      name: 'an empty last cell leaves no trailing spaces',
      headers: ['NAME', 'SIZE', 'USED BY'],
      rows: [['dangling', '12kB', '']],
      lines: ['NAME       SIZE   USED BY', 'dangling   12kB'],
    },
    {
      name: 'non-ASCII names line up by characters, not bytes or UTF-16 units',
      headers: ['NAME', 'SIZE'],
      rows: [
        ['données', '1kB'],
        ['𝒳-data', '2kB'], // an astral character is two UTF-16 units, one character
        ['plain', '3kB'],
      ],
      lines: ['NAME      SIZE', 'données   1kB', '𝒳-data    2kB', 'plain     3kB'],
    },
    {
      name: 'headers only',
      headers: ['NAME', 'SIZE'],
      rows: [],
      lines: ['NAME   SIZE'],
    },
    {
      name: 'a single column is never padded',
      headers: ['NAME'],
      rows: [['a'], ['much-longer']],
      lines: ['NAME', 'a', 'much-longer'],
    },
  ];
  for (const { name, headers, rows, lines } of cases) {
    test(name, () => assert.equal(formatTable(headers, rows), `${lines.join('\n')}\n`));
  }
});

function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('consoleOutput', () => {
  test('results go to stdout, notes to stderr, each ending in one newline', () => {
    const stdout = sink();
    const stderr = sink();
    const out = consoleOutput(stdout.stream, stderr.stream);
    out.write('result');
    out.write('already ended\n');
    out.note('3 volumes skipped');
    out.json({ name: 'v', size: 1 });
    out.table(['A', 'B'], [['1', '2']]);
    assert.equal(stdout.text(), 'result\nalready ended\n{\n  "name": "v",\n  "size": 1\n}\nA   B\n1   2\n');
    assert.equal(stderr.text(), '3 volumes skipped\n');
  });
});

describe('what reaches the terminal', () => {
  test('control characters in a cell are escaped, so a name cannot drive the terminal', () => {
    const table = formatTable(['VOLUME', 'LABEL'], [['v1', 'evil=\x1b]0;owned\x07\x1b[2J\nforged line\r']]);
    assert.equal(table, 'VOLUME   LABEL\nv1       evil=\\x1b]0;owned\\x07\\x1b[2J\\x0aforged line\\x0d\n');
    assert.ok(!table.includes('\x1b'));
  });

  test('messages keep their own line breaks but escape every other control character', () => {
    const stdout = sink();
    const stderr = sink();
    const out = consoleOutput(stdout.stream, stderr.stream);
    out.note('stowage: volume "a\x1b[31mb" failed\n  hint: try again');
    out.write('path /tmp/\x9b2J\u202ex');
    assert.equal(stderr.text(), 'stowage: volume "a\\x1b[31mb" failed\n  hint: try again\n');
    assert.equal(stdout.text(), 'path /tmp/\\x9b2J\\u{202e}x\n');
  });

  test('a table wider than the terminal is cut in its widest columns, marked with …', () => {
    const path = `/var/lib/stowage/backups/${'very-long-volume-name-'.repeat(6)}/2026-12-04T17-00-00Z.tar.zst`;
    const table = formatTable(['ID', 'VOLUME', 'PATH'], [['12', 'pg-data', path]], 60);
    const lines = table.trimEnd().split('\n');
    for (const line of lines) assert.ok([...line].length <= 60, `${line.length}: ${line}`);
    assert.match(lines[1]!, /^12 {3}pg-data {3}\/var\/lib\/stowage\/backups\/.*…$/);
    // Without a width (--no-trunc), nothing is cut.
    assert.ok(formatTable(['ID', 'VOLUME', 'PATH'], [['12', 'pg-data', path]]).includes(path));
  });

  test('anonymous volume names are shortened unless --no-trunc', () => {
    const name = `3c5e${'0'.repeat(56)}e5a1`;
    assert.equal(consoleOutput(sink().stream, sink().stream).volumeName(name), '3c5e…e5a1');
    assert.equal(consoleOutput(sink().stream, sink().stream, { truncate: false }).volumeName(name), name);
    assert.equal(consoleOutput(sink().stream, sink().stream).volumeName('pg-data'), 'pg-data');
  });
});
