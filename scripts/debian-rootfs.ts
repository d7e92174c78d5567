/**
 * Debian root filesystems for images built with no registry: debootstrap (`--variant=minbase`) installs
 * Debian's own packages from the mirror apt already uses, a recipe adjusts the tree, and the tree is cached as
 * a tarball per recipe version, so only the first build on a machine pays for debootstrap. Images are then
 * made with `docker import`. Used by the PostgreSQL test image and by Stowage's own image (`npm run image`).
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const SUITE = 'bookworm';
const MIRROR_ENV = 'STOWAGE_DEBIAN_MIRROR';

export interface RootfsRecipe {
  /** The cache key: bump its revision when the recipe changes, so every machine rebuilds its tarball. */
  key: string;
  /** What is being built, for messages ("the PostgreSQL image"). */
  what: string;
  /** Debian packages installed on top of minbase. */
  packages: string[];
  /** Changes to the tree before it is archived (users, owners, files). */
  prepare?: (rootfs: string) => void;
}

/** The recipe's rootfs tarball, from the cache or built now. @throws Error naming the step that failed. */
export function debianRootfsTarball(recipe: RootfsRecipe, env: NodeJS.ProcessEnv = process.env): string {
  const tarball = join(cacheDir(env), `${recipe.key}.tar`);
  if (!existsSync(tarball))
    buildRootfsTarball(tarball, recipe, env[MIRROR_ENV] || debianMirror(readAptSources()));
  return tarball;
}

/** Package lists, downloaded packages, documentation and translations: a third of the size, unused here. */
const UNUSED = [
  'var/lib/apt/lists',
  'var/cache/apt',
  'usr/share/doc',
  'usr/share/man',
  'usr/share/info',
  'usr/share/locale',
];

/** `$STOWAGE_TEST_CACHE`, else `$XDG_CACHE_HOME/stowage-test`, else /var/cache (root) or ~/.cache. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env.STOWAGE_TEST_CACHE) return resolve(env.STOWAGE_TEST_CACHE);
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'stowage-test');
  return process.getuid?.() === 0 ? '/var/cache/stowage-test' : join(homedir(), '.cache', 'stowage-test');
}

export interface SourceFile {
  path: string;
  text: string;
}

function readAptSources(): SourceFile[] {
  const files = existsSync('/etc/apt/sources.list') ? ['/etc/apt/sources.list'] : [];
  const dir = '/etc/apt/sources.list.d';
  if (existsSync(dir)) {
    // Only the names apt itself reads: `foo.list.disabled` and the like are ignored.
    files.push(
      ...readdirSync(dir)
        .sort()
        .filter((entry) => /\.(list|sources)$/.test(entry))
        .map((entry) => join(dir, entry)),
    );
  }
  return files.map((path) => ({ path, text: readFileSync(path, 'utf8') }));
}

/**
 * The first enabled `deb` source for the bare `suite` (not -updates or -security), from one-line
 * `.list` files or deb822 `.sources` files.
 * @throws Error when there is none, saying how to name a mirror instead.
 */
export function debianMirror(files: readonly SourceFile[], suite = SUITE): string {
  for (const file of files) {
    const sources = file.path.endsWith('.sources') ? deb822Sources(file.text) : oneLineSources(file.text);
    const match = sources.find((s) => s.types.includes('deb') && s.suites.includes(suite));
    if (match?.uris[0]) return match.uris[0];
  }
  throw new Error(
    `building a Debian image: apt has no "deb" source for ${suite} in ${files.map((f) => f.path).join(', ') || '/etc/apt'}\n` +
      `  hint: name a Debian mirror with ${MIRROR_ENV}=http://<mirror>/debian`,
  );
}

interface AptSource {
  types: string[];
  uris: string[];
  suites: string[];
}

function oneLineSources(text: string): AptSource[] {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(/#.*/, '')
        .replace(/\[[^\]]*\]/, ' ')
        .trim()
        .split(/\s+/),
    )
    .filter((words) => words.length >= 3)
    .map(([type, uri, suite]) => ({ types: [type!], uris: [uri!], suites: [suite!] }));
}

function deb822Sources(text: string): AptSource[] {
  return text.split(/\n\s*\n/).flatMap((stanza) => {
    const fields = new Map<string, string>();
    for (const line of stanza.split('\n')) {
      const field = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (field) fields.set(field[1]!.toLowerCase(), field[2]!.trim());
    }
    if (fields.get('enabled')?.toLowerCase() === 'no') return [];
    const list = (key: string) => (fields.get(key) ?? '').split(/\s+/).filter(Boolean);
    return [{ types: list('types'), uris: list('uris'), suites: list('suites') }];
  });
}

/**
 * debootstrap → `recipe.prepare` → unused files removed → tar, written under a temporary name and renamed
 * into the cache, so an interrupted build never leaves a tarball that looks finished.
 */
function buildRootfsTarball(tarball: string, recipe: RootfsRecipe, mirror: string): void {
  ensureDebootstrap();
  const cache = join(tarball, '..');
  mkdirSync(cache, { recursive: true });
  const log = join(cache, `${recipe.key}.debootstrap.log`);
  const rootfs = mkdtempSync(join(tmpdir(), 'stwg-rootfs-'));
  const started = Date.now();
  console.error(
    `${recipe.what}: debootstrap of ${SUITE} with ${recipe.packages.join(', ')} from ${mirror} (about a minute, once per machine; log: ${log})`,
  );
  try {
    const logFd = openSync(log, 'w');
    const bootstrap = spawnSync(
      'debootstrap',
      ['--variant=minbase', `--include=${recipe.packages.join(',')}`, SUITE, rootfs, mirror],
      { stdio: ['ignore', logFd, logFd] },
    );
    closeSync(logFd);
    if (bootstrap.status !== 0) {
      const inner = join(rootfs, 'debootstrap', 'debootstrap.log');
      const tail = [log, inner]
        .filter(existsSync)
        .map((f) => readFileSync(f, 'utf8').trimEnd().split('\n').slice(-12).join('\n'));
      throw new Error(
        `building ${recipe.what}: debootstrap ${SUITE} from ${mirror} exited ${bootstrap.status ?? bootstrap.error?.message}:\n${tail.join('\n')}\n` +
          `  hint: check that ${mirror} is reachable (as apt-get update does), or name another mirror with ${MIRROR_ENV}`,
      );
    }
    recipe.prepare?.(rootfs);
    // mkdtemp made the root 0700, and the tarball's `./` entry becomes the image's `/`: every user must enter it.
    chmodSync(rootfs, 0o755);
    for (const dir of UNUSED) {
      rmSync(join(rootfs, dir), { recursive: true, force: true });
      mkdirSync(join(rootfs, dir), { recursive: true });
    }
    const partial = `${tarball}.partial-${process.pid}`;
    const tar = spawnSync('tar', ['--numeric-owner', '-C', rootfs, '-cf', partial, '.'], {
      encoding: 'utf8',
    });
    if (tar.status !== 0) {
      rmSync(partial, { force: true });
      throw new Error(
        `building ${recipe.what}: tar of ${rootfs} failed: ${tar.stderr.trim()}\n  hint: check the free space in ${cache}`,
      );
    }
    renameSync(partial, tarball);
    console.error(
      `${recipe.what}: rootfs cached as ${tarball} in ${((Date.now() - started) / 1000).toFixed(0)}s`,
    );
  } finally {
    removeRootfs(rootfs);
  }
}

function ensureDebootstrap(): void {
  if (spawnSync('debootstrap', ['--version']).status === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      'building a Debian image needs root and debootstrap\n  hint: run as root, or `sudo apt-get install -y debootstrap` first',
    );
  }
  console.error('debian rootfs: installing debootstrap from Debian…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'debootstrap'], {
      env,
      encoding: 'utf8',
    });
  let result = install();
  if (result.status !== 0) {
    // The package lists may be missing or stale (a fresh container): refresh them once.
    spawnSync('apt-get', ['update'], { env, stdio: 'ignore' });
    result = install();
  }
  if (result.status !== 0) {
    throw new Error(
      `building a Debian image: apt-get install debootstrap failed: ${result.stderr.trim()}\n  hint: install it yourself with \`apt-get install -y debootstrap\``,
    );
  }
}

/** Unmounts what debootstrap may have left mounted inside (proc, sys), and only then deletes. */
function removeRootfs(rootfs: string): void {
  const mounted = () =>
    readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[1] ?? '')
      .filter((point) => point === rootfs || point.startsWith(`${rootfs}/`))
      .sort()
      .reverse();
  for (const point of mounted()) spawnSync('umount', ['-l', point], { stdio: 'ignore' });
  // Deleting through a mount that is still there could delete the host's files: leave it instead.
  if (mounted().length) {
    console.error(
      `debian rootfs: ${rootfs} still has mounts (${mounted().join(', ')}); unmount them and delete it yourself`,
    );
    return;
  }
  rmSync(rootfs, { recursive: true, force: true });
}

/** The value of `label` on image `name` in the engine, or undefined when the engine lacks the image. */
export function imageLabel(env: NodeJS.ProcessEnv, name: string, label: string): string | undefined {
  const inspected = spawnSync(
    'docker',
    ['image', 'inspect', '-f', `{{index .Config.Labels "${label}"}}`, name],
    {
      env,
      encoding: 'utf8',
    },
  );
  return inspected.status === 0 ? inspected.stdout.trim() : undefined;
}

/**
 * `docker import` of `tarball` as `name` with Dockerfile-style `changes` (ENV, ENTRYPOINT, USER…).
 * @throws Error with the engine's answer and a hint.
 */
export function importImage(env: NodeJS.ProcessEnv, tarball: string, name: string, changes: string[]): void {
  const imported = spawnSync('docker', ['import', ...changes.flatMap((c) => ['-c', c]), tarball, name], {
    env,
    encoding: 'utf8',
  });
  if (imported.status !== 0) {
    throw new Error(
      `building ${name}: docker import of ${tarball} failed: ${(imported.stderr || imported.error?.message || '').trim()}\n` +
        '  hint: check that DOCKER_HOST points at a running engine; if the tarball is damaged, delete it and run again',
    );
  }
}
