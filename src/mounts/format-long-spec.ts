import { invalid } from '../core/errors.ts';
import { validateEngineMount } from './engine-mount.ts';
import { csvField } from './go-csv.ts';
import type { MountSpec } from './mount-spec.ts';

/**
 * The `--mount` value for a spec, in a canonical order with long key names, quoted where the CSV needs it, and
 * written so that older CLIs read it too (lowercase keys, `bind-nonrecursive` rather than `bind-recursive`).
 * `parseLongSpec(formatLong(spec))` gives back `spec`.
 *
 * @throws StowageError 'invalid' naming what `--mount` cannot say: the `-v` SELinux options `z`/`Z`, or a
 *   target that is not absolute or is `/` (`-v` takes it as an anonymous volume's path).
 */
export function formatLong(spec: MountSpec): string {
  if ((spec.type === 'bind' || spec.type === 'volume') && spec.selinuxLabel) {
    throw invalid(
      `the -v option "${spec.selinuxLabel}" (SELinux relabel) has no --mount equivalent`,
      'keep the -v syntax, or relabel the host path yourself (chcon -Rt container_file_t PATH)',
    );
  }
  // `-v` takes a relative or odd target as an anonymous volume's path; `--mount` wants an absolute one.
  const notAbsolute = validateEngineMount({
    type: 'volume',
    source: 'target-only',
    target: spec.target,
    readOnly: false,
    consistency: '',
  });
  if (notAbsolute) {
    throw invalid(
      `the target "${spec.target}" has no --mount equivalent (${notAbsolute.replace(/^invalid mount config for type "\w+": /, '')})`,
      '--mount needs an absolute target other than /; keep -v, or choose an absolute path',
    );
  }
  const fields = [`type=${spec.type}`];
  if (spec.source !== '') fields.push(`source=${spec.source}`);
  fields.push(`target=${spec.target}`);
  if (spec.readOnly) fields.push('readonly');
  if (spec.consistency !== undefined) fields.push(`consistency=${spec.consistency}`);
  if (spec.type === 'bind') {
    if (spec.propagation) fields.push(`bind-propagation=${spec.propagation}`);
    if (spec.nonRecursive) fields.push('bind-nonrecursive');
  } else if (spec.type === 'volume') {
    if (spec.noCopy) fields.push('volume-nocopy');
    if (spec.driver !== undefined) fields.push(`volume-driver=${spec.driver}`);
    for (const [key, value] of Object.entries(spec.labels ?? {})) fields.push(`volume-label=${key}=${value}`);
    for (const [key, value] of Object.entries(spec.driverOptions ?? {}))
      fields.push(`volume-opt=${key}=${value}`);
  } else {
    if (spec.sizeBytes !== undefined) fields.push(`tmpfs-size=${formatSize(spec.sizeBytes)}`);
    if (spec.mode !== undefined) fields.push(`tmpfs-mode=${spec.mode.toString(8)}`);
  }
  return fields.map(csvField).join(',');
}

/** The largest binary unit that divides the size, as the engine writes tmpfs sizes: `64m`, `1g`, `1536k`. */
function formatSize(bytes: number): string {
  for (const [unit, factor] of [
    ['g', 2 ** 30],
    ['m', 2 ** 20],
    ['k', 2 ** 10],
  ] as const) {
    if (bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return String(bytes);
}
