/**
 * The engine's archive upload skips the `./` entry of a tar extracted into a folder, so a volume restored
 * into `/v` would keep a root of `root:root 0755` whatever the archive says — and PostgreSQL, for one,
 * refuses a data folder it does not own. Extracting at `/` with entries under `v/` makes the volume root an
 * ordinary entry: its owner, mode and times are applied like any other folder's.
 */
import type { Readable } from 'node:stream';
import { TarRewriter } from '../archive/tar-rewriter.ts';
import { HELPER_MOUNT } from '../engine/helper-containers.ts';

/** Where to upload the result: the helper's root, so that `v/` lands on the volume mounted at /v. */
export const UPLOAD_ROOT = '/';

const prefix = `${HELPER_MOUNT.replace(/^\//, '')}/`;
const under = (name: string) => prefix + name.replace(/^\.\/?/, '');

/** Re-roots a tar whose entries are relative to the volume root (`./`, `./a`) under the helper's mount. */
export function underVolumeMount(tar: Readable): Readable {
  return tar.pipe(
    new TarRewriter({
      entry: (header) => ({
        ...header,
        name: under(header.name),
        linkname: header.type === 'hardlink' ? under(header.linkname) : header.linkname,
      }),
    }),
  );
}
