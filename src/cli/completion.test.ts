import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { Argument, Command } from 'commander';
import { completionScript } from './completion.ts';

/** A small program: what completes must come from its definition alone. */
function program(): Command {
  const p = new Command('stowage').option('-H, --host <url>', 'engine');
  p.command('backup').addArgument(new Argument('[volume...]')).option('--to <dir>').option('--gzip');
  p.command('backups').option('--json');
  p.command('ls').alias('list').option('-q, --quiet');
  const plugin = p.command('plugin');
  plugin.command('install').option('--force');
  plugin.command('serve');
  p.command('secret', { hidden: true });
  return p;
}

/** Runs the bash completion function on `words` (the last is the word being completed). */
function complete(words: string[]): string[] {
  const script = completionScript(program(), 'bash');
  const driver = `set -e; eval "$SCRIPT"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _stowage; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync('bash', ['-c', driver], {
    encoding: 'utf8',
    env: { ...process.env, SCRIPT: script },
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split('\n').filter(Boolean);
}

describe('bash completion from the commander definition', () => {
  // `true` stands in for stowage: `true __complete volumes` prints no volume names.
  const cases: [string[], string[]][] = [
    [
      ['true', 'ba'],
      ['backup', 'backups'],
    ],
    [
      ['true', 'l'],
      ['ls', 'list'],
    ],
    [['true', 's'], []], // hidden commands stay hidden
    [
      ['true', 'plugin', ''],
      ['install', 'serve', 'help'],
    ],
    [['true', 'plugin', 'install', '--f'], ['--force']],
    [
      ['true', 'list', '-'],
      ['-q', '--quiet', '-h', '--help'],
    ],
    [['true', '-H', 'unix:///x', 'backups', '--j'], ['--json']],
    [['true', 'backup', '--to', 'zz-no-such-file-'], []], // a flag's value is a file, not a command
  ];
  for (const [words, expected] of cases)
    test(`${words.join(' ')}⇥ → ${expected.join(' ') || 'nothing'}`, () =>
      assert.deepEqual(complete(words), expected));
});

test('an unknown shell is invalid, naming the shells there are', () =>
  assert.throws(() => completionScript(program(), 'tcsh'), {
    kind: 'invalid',
    message: 'no completion for shell "tcsh"',
    hint: 'choose one of: bash, zsh, fish',
  }));
