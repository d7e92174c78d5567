/**
 * What the engine's `local` volume driver refuses in a new volume's options (Docker 20.10,
 * `volume/local/local_unix.go` `validateOpts`), with its messages. Shared by `--mount ...,volume-opt=` (a
 * mount that creates its volume) and `stowage create -o`. Pure.
 *
 * Options of a volume that already exists are never looked at: the engine uses the volume as it is.
 */
import { goQuote } from './go-strconv.ts';

const LOCAL_OPTION_KEYS: ReadonlySet<string> = new Set(['type', 'device', 'o', 'size']);

/**
 * The engine's complaint about a new local volume's options, without its `create NAME: ` prefix, or
 * undefined when it accepts them. In the engine's order: an unknown key (the engine names whichever its map
 * yields first when there are several; here the first given), then `size`, then the keys that need another.
 * `size` assumes no quota support: the local driver has it only on xfs with project quotas.
 */
export function localOptionsProblem(options: Readonly<Record<string, string>>): string | undefined {
  const keys = Object.keys(options);
  const unknown = keys.find((key) => !LOCAL_OPTION_KEYS.has(key));
  if (unknown !== undefined) return `invalid option: ${goQuote(unknown)}`;
  if (options.size !== undefined) {
    const size = quotaBytes(options.size);
    if (typeof size === 'string') return size;
    if (size > 0) return 'quota size requested but no quota support';
  }
  if (options.device === undefined && (options.type !== undefined || options.o !== undefined))
    return 'missing required option: "device"';
  if (options.device !== undefined && options.type === undefined) return 'missing required option: "type"';
  return undefined;
}

// go-units v0.4.0, which the 20.10 engine vendors (the CLI's v0.5.0 reads tmpfs-size differently).
const SIZE = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/;
const UNITS: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };

/**
 * go-units v0.4.0 `RAMInBytes` then Go's `int64(float)`: the bytes, or the error text. A float at or past
 * 2^63 becomes a negative int64 on amd64 (so it asks for no quota and is accepted, as the engine does).
 */
function quotaBytes(text: string): number | string {
  const match = SIZE.exec(text);
  if (!match) return `invalid size: '${text}'`;
  const number = match[1]!;
  // `1.2.3` passes the pattern and not Go's ParseFloat.
  if (!/^\d+(?:\.\d+)?$/.test(number))
    return `strconv.ParseFloat: parsing ${goQuote(number)}: invalid syntax`;
  const value = Number(number);
  if (!Number.isFinite(value)) return `strconv.ParseFloat: parsing ${goQuote(number)}: value out of range`;
  const bytes = Math.trunc(value * (UNITS[(match[2] ?? '').toLowerCase()] ?? 1));
  return bytes >= 2 ** 63 ? -1 : bytes;
}
