// Docker's -v and --mount syntaxes: parse, validate, format, and the checks that need the engine's host.
export type {
  BindMountSpec,
  HostProbe,
  MountSpec,
  MountSyntax,
  MountType,
  ParseOptions,
  Propagation,
  SelinuxLabel,
  TmpfsMountSpec,
  VolumeMountSpec,
} from './mount-spec.ts';
export { parseShortSpec } from './parse-short-spec.ts';
export { parseLongSpec } from './parse-long-spec.ts';
export { formatShort } from './format-short-spec.ts';
export { formatLong } from './format-long-spec.ts';
export { checkLocalVolumeName, checkOnHost } from './check-on-host.ts';
export { localHostProbe } from './local-host-probe.ts';
