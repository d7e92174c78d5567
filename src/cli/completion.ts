/**
 * `stowage completion bash|zsh|fish`: shell completion scripts generated from the CLI's own definition
 * (commander's commands, aliases and options), so they never drift from it. Volume names come from the
 * engine at completion time, through the hidden `stowage __complete volumes`.
 */
import type { Command, Option } from 'commander';
import { invalid } from '../core/errors.ts';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** One command path (`''` for the program, `plugin install`) and what may follow it. */
interface Level {
  path: string;
  /** Subcommand names and aliases. */
  subcommands: string[];
  /** Every flag spelling (`-f`, `--filter`). */
  flags: string[];
  /** The flags that take a value: the word after them is not a command. */
  valued: string[];
  /** Whether an argument of this command names an existing volume. */
  volumes: boolean;
  descriptions: Map<string, string>;
}

// Arguments that name a volume that must exist (clone's source, rename's old name), by their declared names.
const VOLUME_ARGUMENTS = new Set(['volume', 'source', 'old']);

function levels(program: Command): Level[] {
  const out: Level[] = [];
  // What `--help` shows is what completes: commander's own view of visible commands and options.
  const help = program.createHelp();
  const walk = (command: Command, path: string) => {
    const visible = help.visibleCommands(command);
    const options = help.visibleOptions(command);
    const spellings = (o: Option) => [o.short, o.long].filter((f): f is string => Boolean(f));
    const descriptions = new Map<string, string>();
    for (const c of visible) descriptions.set(c.name(), c.description());
    out.push({
      path,
      subcommands: visible.flatMap((c) => [c.name(), ...c.aliases()]),
      flags: options.flatMap(spellings),
      valued: options.filter((o) => o.required || o.optional).flatMap(spellings),
      volumes: command.registeredArguments.some((a) => VOLUME_ARGUMENTS.has(a.name())),
      descriptions,
    });
    for (const c of visible) {
      // The implicit `help` command has no subcommands of its own worth walking.
      if (c.name() === 'help' && c.commands.length === 0 && !command.commands.includes(c)) continue;
      for (const name of [c.name(), ...c.aliases()]) walk(c, path ? `${path} ${name}` : name);
    }
  };
  walk(program, '');
  return out;
}

/** The completion script for `shell`; throws 'invalid' for a shell it has none for. */
export function completionScript(program: Command, shell: string): string {
  const all = levels(program);
  if (shell === 'bash') return bash(all);
  if (shell === 'zsh') return zsh(all);
  if (shell === 'fish') return fish(all);
  throw invalid(`no completion for shell "${shell}"`, `choose one of: ${SHELLS.join(', ')}`);
}

const sq = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** The table every script embeds: one line per path, `path|subcommands|flags|valued flags|volumes`. */
function table(all: Level[]): string {
  return all
    .map((l) =>
      [l.path, l.subcommands.join(' '), l.flags.join(' '), l.valued.join(' '), l.volumes ? '1' : ''].join(
        '|',
      ),
    )
    .join('\n');
}

function bash(all: Level[]): string {
  return `# stowage completion for bash: source it, or: stowage completion bash > /etc/bash_completion.d/stowage
_stowage_table=${sq(table(all))}

# The table's row for a command path: sets _stowage_subs, _stowage_flags, _stowage_valued, _stowage_vols.
_stowage_row() {
  while IFS='|' read -r _p _stowage_subs _stowage_flags _stowage_valued _stowage_vols; do
    [[ "$_p" == "$1" ]] && return 0
  done <<< "$_stowage_table"
  _stowage_subs='' _stowage_flags='' _stowage_valued='' _stowage_vols=''
  return 1
}

_stowage() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cpath='' w i skip='' globals=()
  _stowage_row ''
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if [[ -n "$skip" ]]; then skip=''; [[ -z "$cpath" ]] && globals+=("$w"); continue; fi
    if [[ "$w" == -* ]]; then
      [[ -z "$cpath" ]] && globals+=("$w")
      [[ " $_stowage_valued " == *" $w "* ]] && skip=1
      continue
    fi
    if [[ " $_stowage_subs " == *" $w "* ]]; then
      cpath="\${cpath:+$cpath }$w"
      _stowage_row "$cpath"
    fi
  done
  # compgen fails when nothing matches: no matches is not an error of the completion.
  if [[ -n "$skip" ]]; then COMPREPLY=($(compgen -f -- "$cur")) || true; return 0; fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$_stowage_flags" -- "$cur")) || true
    return 0
  fi
  local words="$_stowage_subs"
  if [[ -n "$_stowage_vols" ]]; then
    words="$words $("\${COMP_WORDS[0]}" "\${globals[@]}" __complete volumes 2>/dev/null)"
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur")) || true
  return 0
}
complete -F _stowage stowage
`;
}

function zsh(all: Level[]): string {
  return `#compdef stowage
# stowage completion for zsh: put it in a folder of $fpath as _stowage, or: source <(stowage completion zsh)
_stowage_table=${sq(table(all))}

_stowage_row() {

  for line in "\${(@f)_stowage_table}"; do
    local -a f
    f=("\${(@s:|:)line}")
    if [[ "\${f[1]}" == "$1" ]]; then
      _stowage_subs=\${f[2]} _stowage_flags=\${f[3]} _stowage_valued=\${f[4]} _stowage_vols=\${f[5]}
      return 0
    fi
  done
  _stowage_subs='' _stowage_flags='' _stowage_valued='' _stowage_vols=''
  return 1
}

_stowage() {
  local cur="\${words[CURRENT]}" cpath='' w i skip=''
  local -a globals
  _stowage_row ''
  for ((i = 2; i < CURRENT; i++)); do
    w="\${words[i]}"
    if [[ -n "$skip" ]]; then skip=''; [[ -z "$cpath" ]] && globals+=("$w"); continue; fi
    if [[ "$w" == -* ]]; then
      [[ -z "$cpath" ]] && globals+=("$w")
      [[ " $_stowage_valued " == *" $w "* ]] && skip=1
      continue
    fi
    if [[ " $_stowage_subs " == *" $w "* ]]; then
      cpath="\${cpath:+$cpath }$w"
      _stowage_row "$cpath"
    fi
  done
  if [[ -n "$skip" ]]; then _files; return; fi
  if [[ "$cur" == -* ]]; then compadd -- \${=_stowage_flags}; return; fi
  compadd -- \${=_stowage_subs}
  if [[ -n "$_stowage_vols" ]]; then
    compadd -- \${(f)"$("\${words[1]}" "\${globals[@]}" __complete volumes 2>/dev/null)"}
  fi
}

if (( $+functions[compdef] )); then compdef _stowage stowage; fi
`;
}

function fish(all: Level[]): string {
  const lines = [
    '# stowage completion for fish: stowage completion fish > ~/.config/fish/completions/stowage.fish',
    `set -g __stowage_table ${all.map((l) => sq([l.path, l.subcommands.join(' '), l.valued.join(' ')].join('|'))).join(' ')}`,
    '',
    '# The command path (`plugin install`) the words typed so far lead to.',
    'function __stowage_path',
    '    set -l words (commandline -opc)',
    "    set -l cpath ''",
    '    set -l skip 0',
    '    for w in $words[2..-1]',
    '        if test $skip = 1',
    '            set skip 0',
    '            continue',
    '        end',
    '        set -l row (string match -r -- "^$(string escape --style=regex -- $cpath)\\|.*" $__stowage_table)',
    '        set -l fields (string split "|" -- $row[1])',
    '        if string match -q -- "-*" $w',
    '            contains -- $w (string split " " -- $fields[3]); and set skip 1',
    '            continue',
    '        end',
    '        if contains -- $w (string split " " -- $fields[2])',
    '            if test -z "$cpath"',
    '                set cpath $w',
    '            else',
    '                set cpath "$cpath $w"',
    '            end',
    '        end',
    '    end',
    '    echo $cpath',
    'end',
    '',
    'function __stowage_at',
    '    test (__stowage_path) = "$argv[1]"',
    'end',
    '',
    'complete -c stowage -f',
  ];
  for (const level of all) {
    const at = `-n ${sq(`__stowage_at ${sq(level.path)}`)}`;
    for (const sub of level.subcommands)
      lines.push(`complete -c stowage ${at} -a ${sq(sub)} -d ${sq(level.descriptions.get(sub) ?? '')}`);
    for (const flag of level.flags) {
      const spec = flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`;
      const value = level.valued.includes(flag) ? ' -r' : '';
      lines.push(`complete -c stowage ${at} ${spec}${value}`);
    }
    if (level.volumes) lines.push(`complete -c stowage ${at} -a '(stowage __complete volumes 2>/dev/null)'`);
  }
  return lines.join('\n') + '\n';
}
