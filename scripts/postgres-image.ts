/**
 * A PostgreSQL 15 image for integration tests, built with no registry: Debian's own `postgresql` in a
 * debootstrapped root filesystem (scripts/debian-rootfs.ts, cached per recipe version), `docker import`ed.
 *
 * As a script: `node scripts/postgres-image.ts [NAME]` builds it into the engine DOCKER_HOST points at.
 */
import { chmodSync, chownSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { debianRootfsTarball, importImage, imageLabel, type RootfsRecipe } from './debian-rootfs.ts';

export const POSTGRES_IMAGE = 'stowage-test/postgres';
/** Bump the revision when the recipe changes: a new key makes every machine rebuild its cached rootfs. */
export const POSTGRES_ROOTFS_VERSION = `postgresql-15-bookworm-minbase-${process.arch}-r1`;
export const PGDATA = '/var/lib/postgresql/data';

/** The image label that says which recipe built it, so a stale image is rebuilt rather than reused. */
const VERSION_LABEL = 'stowage.test-image';

const RECIPE: RootfsRecipe = {
  key: POSTGRES_ROOTFS_VERSION,
  what: 'the PostgreSQL image',
  packages: ['postgresql'],
  prepare: prepareForPostgres,
};

/**
 * Builds `name` into the engine `env` points at, unless it is there already from this recipe version.
 * @throws Error naming the step that failed (mirror, debootstrap, tar, docker import) and how to fix it.
 */
export function buildPostgresImage(env: NodeJS.ProcessEnv, name = POSTGRES_IMAGE): void {
  if (imageLabel(env, name, VERSION_LABEL) === POSTGRES_ROOTFS_VERSION) return;
  const changes = [
    'USER postgres',
    'ENV PATH=/usr/lib/postgresql/15/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    `ENV PGDATA=${PGDATA}`,
    `LABEL ${VERSION_LABEL}=${POSTGRES_ROOTFS_VERSION}`,
  ];
  importImage(env, debianRootfsTarball(RECIPE, env), name, changes);
}

/** PGDATA and the socket folder must belong to postgres: the image runs as that user, not as root. */
function prepareForPostgres(rootfs: string): void {
  const passwd = readFileSync(join(rootfs, 'etc', 'passwd'), 'utf8').split('\n');
  const entry = passwd.find((line) => line.startsWith('postgres:'))?.split(':');
  if (!entry) {
    throw new Error(
      `building the PostgreSQL image: ${rootfs}/etc/passwd has no postgres user (did postgresql install?)`,
    );
  }
  const [uid, gid] = [Number(entry[2]), Number(entry[3])];
  const owned: [string, number][] = [
    [PGDATA, 0o700],
    ['/run/postgresql', 0o2775],
  ];
  for (const [dir, mode] of owned) {
    const path = join(rootfs, dir);
    mkdirSync(path, { recursive: true });
    chownSync(path, uid, gid);
    chmodSync(path, mode);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const name = process.argv[2] ?? POSTGRES_IMAGE;
  try {
    buildPostgresImage(process.env, name);
    console.error(`${name} is ready (${((Date.now() - started) / 1000).toFixed(0)}s)`);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
