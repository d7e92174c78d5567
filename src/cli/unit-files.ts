/**
 * Writing systemd units for the `install` commands: every unit is checked before any is written, so a
 * refused install changes nothing; a unit that already holds the same text is left alone (installing
 * twice is not an error), one that differs is replaced only with --force.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { conflict } from '../core/errors.ts';
import { makeFolderSync } from '../core/make-folder.ts';
import type { Output } from './output.ts';

export interface UnitFile {
  name: string;
  content: string;
}

export interface InstallResult {
  unitDir: string;
  units: { name: string; path: string; status: 'written' | 'unchanged' | 'printed' }[];
  /** What the administrator runs next; Stowage never runs systemctl itself. */
  commands: string[];
  /** Whether this machine was booted with systemd (sd_booted(3): /run/systemd/system exists). */
  systemdRunning: boolean;
}

export interface InstallFlags {
  unitDir: string;
  force?: boolean | undefined;
  /** Print the units instead of writing them (`--dry-run` is the same). */
  print?: boolean | undefined;
  dryRun?: boolean | undefined;
  json?: boolean | undefined;
}

/** @throws StowageError 'conflict' when a unit exists with other content and `force` is not set. */
export function installUnits(
  units: readonly UnitFile[],
  flags: InstallFlags,
  commands: string[],
  /** Runs after the checks, before any unit is written (and not for --print): what the units need. */
  prepare: () => void = () => undefined,
): InstallResult {
  const unitDir = resolve(flags.unitDir);
  const print = Boolean(flags.print || flags.dryRun);
  const planned = units.map((unit) => {
    const path = join(unitDir, unit.name);
    const existing = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    return { ...unit, path, same: existing === unit.content, exists: existing !== undefined };
  });
  const clash = planned.find((unit) => unit.exists && !unit.same);
  if (clash && !flags.force && !print)
    throw conflict(
      `${clash.path} exists with other content`,
      'pass --force to replace it (--print shows what would be written)',
    );
  if (!print) {
    prepare();
    makeFolderSync(unitDir);
  }
  const result: InstallResult = {
    unitDir,
    units: planned.map((unit) => {
      if (print) return { name: unit.name, path: unit.path, status: 'printed' as const };
      if (unit.same) return { name: unit.name, path: unit.path, status: 'unchanged' as const };
      writeFileSync(unit.path, unit.content, { mode: 0o644 });
      return { name: unit.name, path: unit.path, status: 'written' as const };
    }),
    commands,
    systemdRunning: existsSync('/run/systemd/system'),
  };
  return result;
}

/** Prints the result: the units' text for --print, their paths otherwise, then the next commands. */
export function reportInstall(
  out: Output,
  result: InstallResult,
  units: readonly UnitFile[],
  flags: InstallFlags,
  extra: Record<string, unknown> = {},
): void {
  const print = Boolean(flags.print || flags.dryRun);
  if (flags.json) {
    return out.json({
      ...result,
      ...extra,
      units: result.units.map((unit, index) => ({ ...unit, content: units[index]?.content })),
    });
  }
  for (const [index, unit] of result.units.entries()) {
    if (print) out.write(`# ${unit.path}\n${units[index]?.content ?? ''}`);
    else out.write(`${unit.path} (${unit.status})`);
  }
  out.note(
    `${print ? `after writing ${result.units.length === 1 ? 'it' : 'them'}, run` : 'next, as root'}: ${result.commands.join(' && ')}`,
  );
  if (!result.systemdRunning)
    out.note(
      'systemd is not running on this machine: the units take effect where systemd is the init system',
    );
}
