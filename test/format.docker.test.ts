/**
 * Docker's CLI habits on the private engine: `--format` prints what the docker CLI prints for the same
 * template, `-q`, and the shell completion scripts (loaded in bash, driven as bash drives them).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { docker, dockerOk, engineAvailable, SKIP_REASON, TestSession } from './support/engine.ts';
import { ensureCommands } from './support/loopback.ts';

const root = join(import.meta.dirname, '..');

describe('Docker CLI habits on a real engine', { skip: !engineAvailable() && SKIP_REASON }, () => {
  const s = new TestSession();
  const scratch = mkdtempSync(join(tmpdir(), 'stowage-format-'));
  // Names that sort differently by code unit and naturally (vol-10 / vol-9), and upper case before lower.
  const names = ['vol-9', 'vol-10', 'Zeta', 'alpha', 'alpha-2', 'vol-010', 'vol-10b', 'vol.b', 'vol-09'].map(
    (n) => `${n}-${s.id}`,
  );

  before(() => {
    for (const name of names)
      s.volume(name, '--label', `fmt.kind=${name.startsWith('vol') ? 'numbered' : 'word'}`);
    s.container(
      `writer-${s.id}`,
      ['-v', `${names[3]}:/data`],
      ['sh', '-c', 'head -c 200000 /dev/zero > /data/blob && sleep 3600'],
    );
  });
  after(() => {
    s.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** The docker CLI's stdout byte for byte (dockerOk trims it). */
  const dockerRaw = (...args: string[]) => {
    const result = docker(...args);
    assert.equal(result.status, 0, `docker ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };

  const stowageOk = (...args: string[]) => {
    const result = s.stowage(args);
    assert.equal(result.status, 0, `stowage ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };

  for (const format of [
    '{{.Name}}',
    '{{.Driver}}',
    '{{.Name}}\\t{{.Driver}}',
    'table {{.Name}}\\t{{.Driver}}',
    'table {{.Driver}}\\t{{.Name}}\\t{{.Scope}}',
    '{{.Name}} {{.Mountpoint}}',
    '{{.Name}}: {{.Label "fmt.kind"}}',
    '{{.Name | upper}} {{.Driver | title}}',
    'json',
  ]) {
    test(`ls --format '${format}' prints what docker volume ls prints`, () => {
      // Every volume of the engine (docker's order: sorted by name), and only this session's.
      for (const filter of [[], ['--filter', `label=${s.label}`]]) {
        const expected = dockerRaw('volume', 'ls', ...filter, '--format', format);
        const actual = stowageOk('ls', ...filter, '--format', format);
        if (format === 'json') {
          // Docker's {{json .}} has Docker's field set; the names and drivers must agree, in order.
          const pick = (text: string) =>
            text
              .trim()
              .split('\n')
              .filter(Boolean)
              .map((l) => JSON.parse(l) as { Name: string; Driver: string })
              .map(({ Name, Driver }) => ({ Name, Driver }));
          assert.deepEqual(pick(actual), pick(expected));
        } else assert.equal(actual, expected);
      }
    });
  }

  test('ls --format table with .Size measures the sizes; without it, no sizes are needed', () => {
    const out = stowageOk('ls', '--filter', `label=${s.label}`, '--format', 'table {{.Name}}\\t{{.Size}}');
    const lines = out.trimEnd().split('\n');
    assert.match(lines[0]!, /^VOLUME NAME {3,}SIZE$/);
    const blob = lines.find((l) => l.startsWith(names[3]! + ' '));
    assert.match(blob ?? '', /\s(2\d\d(\.\d)? ?kB|19\d(\.\d)? ?KiB)$/i, out);
    const json = stowageOk('ls', '--filter', `label=${s.label}`, '--format', '{{json .}}');
    const rows = json
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { Name: string; SizeBytes: number; Containers: number; Kind: string });
    const row = rows.find((r) => r.Name === names[3])!;
    assert.ok(row.SizeBytes >= 200000, JSON.stringify(row));
    assert.equal(row.Containers, 1);
    assert.equal(row.Kind, 'named');
  });

  test('ls --format {{index .Labels "k"}} prints what docker prints for {{.Label "k"}}', () => {
    const filter = ['--filter', `label=${s.label}`];
    assert.equal(
      stowageOk('ls', ...filter, '--format', '{{.Name}} {{index .Labels "fmt.kind"}}'),
      dockerRaw('volume', 'ls', ...filter, '--format', '{{.Name}} {{.Label "fmt.kind"}}'),
    );
  });

  test('ls -q with no volume prints nothing; a template wins over -q, as in docker', () => {
    const none = ['--filter', 'label=fmt.none=none'];
    assert.equal(stowageOk('ls', '-q', ...none), dockerRaw('volume', 'ls', '-q', ...none));
    assert.equal(stowageOk('ls', '-q', ...none), '');
    const filter = ['--filter', `label=${s.label}`];
    assert.equal(
      stowageOk('ls', '-q', ...filter, '--format', '{{.Driver}}'),
      dockerRaw('volume', 'ls', '-q', ...filter, '--format', '{{.Driver}}'),
    );
  });

  for (const format of [
    '{{index .Labels "fmt.kind"}}',
    '{{json .Labels}}',
    '{{.Name}} {{.Driver}} {{.Scope}}',
  ]) {
    test(`inspect --format '${format}' prints what docker volume inspect prints`, () => {
      const expected = dockerRaw('volume', 'inspect', '--format', format, names[0]!, names[3]!);
      assert.equal(stowageOk('inspect', '--format', format, names[0]!, names[3]!), expected);
    });
  }

  test('inspect -f reaches the containers of a volume', () => {
    const out = stowageOk(
      'inspect',
      '-f',
      '{{range .Containers}}{{.Name}}:{{.Destination}}{{end}}',
      names[3]!,
    );
    assert.equal(out, `writer-${s.id}:/data\n`);
  });

  test('mounts --format prints one line per mount', () => {
    const out = stowageOk('mounts', '--type', 'volume', '--format', '{{.Container}}\\t{{.Source}}\\t{{.RW}}');
    assert.ok(out.split('\n').includes(`writer-${s.id}\t${names[3]}\ttrue`), out);
  });

  test('backups -q prints IDs and --format the fields', () => {
    const folder = join(scratch, 'backups');
    stowageOk('backup', names[3]!, '--to', folder);
    const ids = stowageOk('backups', names[3]!, '-q');
    assert.match(ids, /^\d+\n$/);
    const line = stowageOk(
      'backups',
      names[3]!,
      '--format',
      '{{.ID}} {{.Volume}} {{.Compression}} {{.Verified}}',
    );
    assert.equal(line, `${ids.trim()} ${names[3]} zstd never\n`);
    const table = stowageOk('backups', names[3]!, '--format', 'table {{.ID}}\\t{{.Volume}}');
    assert.match(table, new RegExp(`^ID {8}VOLUME\\n${ids.trim()} +${names[3]}\\n$`));
  });

  test('every command that prints a table takes --no-trunc', () => {
    const root = join(scratch, 'plugin-root');
    for (const args of [
      ['schedules'],
      ['runs'],
      ['forget', '--keep', 'last:1', '--dry-run'],
      ['plugin', 'ls', '--root', root],
      ['ls'],
      ['mounts'],
      ['backups'],
    ]) {
      const result = s.stowage([...args, '--no-trunc']);
      assert.equal(result.status, 0, `${args.join(' ')} --no-trunc: ${result.stderr}`);
    }
    assert.match(s.stowage(['run-now', '--help']).stdout, /--no-trunc/);
  });

  for (const [format, message] of [
    ['{{.Name', 'template parsing error: unclosed action'],
    ['{{nosuch .Name}}', 'template parsing error: function "nosuch" not defined'],
    ['{{.Nmae}}', "template error: can't evaluate field Nmae"],
  ] as const) {
    test(`a bad template (${format}) exits 2 naming it`, () => {
      const result = s.stowage(['ls', '--format', format]);
      assert.equal(result.status, 2, result.stderr);
      assert.ok(result.stderr.includes(message), result.stderr);
      assert.ok(result.stderr.includes(JSON.stringify(format)), result.stderr);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    });
  }

  /** A `stowage` on disk for the completion scripts to call, running the sources with this data folder. */
  const wrapper = () => {
    const path = join(scratch, 'stowage');
    writeFileSync(
      path,
      `#!/bin/sh\nexec '${process.execPath}' '${join(root, 'src/cli/bin.ts')}' --data-dir '${s.dataDir}' "$@"\n`,
    );
    chmodSync(path, 0o755);
    return path;
  };

  const completeInBash = (words: string[]): string[] => {
    const script = join(scratch, 'completion.bash');
    writeFileSync(script, stowageOk('completion', 'bash'));
    const driver = `set -e; source '${script}'; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _stowage; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const result = spawnSync('bash', ['-c', driver], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    return result.stdout.split('\n').filter(Boolean);
  };

  test('bash completion completes commands from the CLI definition', () => {
    assert.deepEqual(completeInBash([wrapper(), 'ba']), ['backup', 'backups']);
    assert.deepEqual(completeInBash([wrapper(), 'plugin', 'ins']), ['install']);
    assert.deepEqual(completeInBash([wrapper(), 'ls', '--fo']), ['--format']);
  });

  test('bash completion completes volume names from the engine', () => {
    const engineNames = dockerOk('volume', 'ls', '--format', '{{.Name}}').split('\n').filter(Boolean);
    assert.deepEqual(completeInBash([wrapper(), 'inspect', '']).sort(), [...engineNames].sort());
    assert.deepEqual(completeInBash([wrapper(), 'backup', 'vol-10b']), [names[6]]);
    // No engine: nothing offered, nothing printed, no error.
    assert.deepEqual(completeInBash([wrapper(), '-H', 'unix:///nonexistent.sock', 'inspect', '']), []);
  });

  test('the zsh and fish scripts parse', () => {
    ensureCommands({ zsh: 'zsh', fish: 'fish' });
    for (const shell of ['zsh', 'fish']) {
      const script = join(scratch, `completion.${shell}`);
      writeFileSync(script, stowageOk('completion', shell));
      const result = spawnSync(shell, ['-n', script], { encoding: 'utf8' });
      assert.equal(result.status, 0, `${shell} -n: ${result.stderr}`);
    }
  });

  test('completion for an unknown shell exits 2', () => {
    const result = s.stowage(['completion', 'tcsh']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /tcsh/);
  });
});
