/**
 * The `local` driver's options: `--nfs`/`--cifs` shorthands that build `type/o/device`, and the checks the
 * engine makes at create time, with the engine's messages, so a plan or dry run knows the verdict early.
 */
import { invalid } from '../core/errors.ts';
import type { Labels } from '../engine/contract.ts';
import { localOptionsProblem } from '../mounts/local-driver-rules.ts';

const LOCAL_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** `--nfs 10.0.0.5:/exports/data` → `type=nfs`, `o=addr=10.0.0.5`, `device=:/exports/data`. */
export function nfsOptions(spec: string): Labels {
  const match = /^([^:/\s]+|\[[0-9a-f:]+\]):(\/.*)$/i.exec(spec.trim());
  if (!match)
    throw invalid(`invalid --nfs "${spec}": expected ADDRESS:/PATH`, 'e.g. --nfs 10.0.0.5:/exports/data');
  const address = match[1]!.replace(/^\[|\]$/g, '');
  return { type: 'nfs', o: `addr=${address},rw`, device: `:${match[2]}` };
}

/** `--cifs //server/share` → `type=cifs`, `o=addr=server`, `device=//server/share`. */
export function cifsOptions(spec: string): Labels {
  const match = /^\/\/([^/\s]+)\/(.+)$/.exec(spec.trim());
  if (!match)
    throw invalid(`invalid --cifs "${spec}": expected //SERVER/SHARE`, 'e.g. --cifs //fileserver/backups');
  return { type: 'cifs', o: `addr=${match[1]}`, device: spec.trim() };
}

/** Merges a shorthand's options with `--opt`s; `o` values are joined, other keys given twice are an error. */
export function mergeOptions(base: Labels, extra: Labels): Labels {
  const merged = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    if (key === 'o' && merged.o) merged.o = `${merged.o},${value}`;
    else if (merged[key] !== undefined && merged[key] !== value) {
      throw invalid(
        `option "${key}" is set twice ("${merged[key]}" and "${value}")`,
        'give each driver option once',
      );
    } else merged[key] = value;
  }
  return merged;
}

/** `--opt k=v` strings → a map. */
export function parseOptionList(items: readonly string[], flag: string): Labels {
  const map: Labels = {};
  for (const item of items) {
    const at = item.indexOf('=');
    if (at <= 0) throw invalid(`invalid ${flag} "${item}": expected KEY=VALUE`);
    map[item.slice(0, at)] = item.slice(at + 1);
  }
  return map;
}

/** `--label k=v` or `--label k` (empty value), as docker accepts them. */
export function parseLabelList(items: readonly string[]): Labels {
  return Object.fromEntries(
    items.map((item) => {
      const at = item.indexOf('=');
      return at < 0 ? [item, ''] : [item.slice(0, at), item.slice(at + 1)];
    }),
  );
}

/**
 * What the engine's local driver refuses at create time, with its messages (checked against Docker 20.10).
 * @throws StowageError 'invalid'
 */
export function validateLocalVolume(name: string | undefined, options: Labels): void {
  const subject = `create ${name ?? ''}`.trim();
  if (name !== undefined && name.length === 1) {
    throw invalid(
      `${subject}: volume name is too short, names should be at least two alphanumeric characters`,
    );
  }
  if (name !== undefined && !LOCAL_NAME.test(name)) {
    throw invalid(
      `${subject}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    );
  }
  const problem = localOptionsProblem(options);
  if (problem !== undefined) {
    throw invalid(
      `${subject}: ${problem}`,
      problem.startsWith('invalid option')
        ? 'the local driver takes type, device and o'
        : problem.startsWith('quota')
          ? 'the local driver supports size only on xfs with project quotas; the stowage plugin driver has quotas'
          : undefined,
    );
  }
}
