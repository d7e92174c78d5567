/**
 * `npm run image`: Stowage's container image, `stowage:VERSION` and `stowage:latest`, built with no registry
 * into the engine DOCKER_HOST points at. The repository's Dockerfile is the one description of the image:
 * its first stage's Debian packages are debootstrapped offline (scripts/debian-rootfs.ts) into a base image,
 * and its final stage is then built, unchanged, on that base. Users with a registry build the same Dockerfile
 * with `docker build`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { debianRootfsTarball, imageLabel, importImage } from './debian-rootfs.ts';

const root = join(import.meta.dirname, '..');
export const IMAGE_NAME = 'stowage';
/** Bump the revision when the base changes in a way its package list does not show. */
const BASE_REVISION = 'r1';
const BASE_LABEL = 'stowage.image-base';

/** A Dockerfile as instructions, continuation lines joined and comments dropped. */
export function dockerfileInstructions(text: string): string[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** The Debian packages the Dockerfile's first stage installs (its `apt-get install` line). */
export function basePackages(instructions: readonly string[]): string[] {
  const install = instructions.find((line) => /^RUN\b.*\bapt-get install\b/.test(line));
  const match = install && /apt-get install((?:\s+-[-\w]+)*)\s+([^&;]+)/.exec(install);
  if (!match) throw new Error('Dockerfile: no `apt-get install PACKAGES` in its first stage');
  return match[2]!.trim().split(/\s+/).sort();
}

/** The final stage's instructions after its FROM. */
export function finalStage(instructions: readonly string[]): string[] {
  const from = instructions.findLastIndex((line) => /^FROM\b/i.test(line));
  return instructions.slice(from + 1);
}

export interface BuiltImage {
  name: string;
  tags: string[];
}

/** Builds the image; @throws Error naming the step that failed and what to do. */
export function buildStowageImage(env: NodeJS.ProcessEnv = process.env): BuiltImage {
  const executable = join(root, 'dist', 'stowage-linux-x64');
  if (!existsSync(executable)) {
    throw new Error(`building the image: ${executable} is missing\n  hint: run \`npm run build\` first`);
  }
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string })
    .version;
  const instructions = dockerfileInstructions(readFileSync(join(root, 'Dockerfile'), 'utf8'));
  const packages = basePackages(instructions);
  const key = `stowage-base-bookworm-minbase-${process.arch}-${BASE_REVISION}-${packages.join('-')}`;
  const base = `stowage/base:${BASE_REVISION}`;
  if (imageLabel(env, base, BASE_LABEL) !== key) {
    const tarball = debianRootfsTarball({ key, what: 'the Stowage image', packages }, env);
    importImage(env, tarball, base, [`LABEL ${BASE_LABEL}=${key}`]);
  }
  // The build context holds only what the final stage copies: the executable, hard-linked, not copied.
  const context = join(root, 'dist', 'image-context');
  rmSync(context, { recursive: true, force: true });
  mkdirSync(join(context, 'dist'), { recursive: true });
  try {
    linkSync(executable, join(context, 'dist', 'stowage-linux-x64'));
    writeFileSync(
      join(context, 'Dockerfile'),
      [`FROM ${base}`, ...finalStage(instructions)].join('\n') + '\n',
    );
    const tags = [`${IMAGE_NAME}:${version}`, `${IMAGE_NAME}:latest`];
    const build = spawnSync(
      'docker',
      [
        'build',
        '--label',
        `org.opencontainers.image.version=${version}`,
        ...tags.flatMap((tag) => ['-t', tag]),
        context,
      ],
      // The classic builder: it needs nothing beyond the engine (BuildKit may want to fetch its frontend).
      { env: { ...env, DOCKER_BUILDKIT: '0' }, encoding: 'utf8' },
    );
    if (build.status !== 0) {
      throw new Error(
        `building the image: docker build failed: ${(build.stderr || build.stdout || build.error?.message || '').trim()}\n` +
          '  hint: check that DOCKER_HOST points at a running engine',
      );
    }
    return { name: IMAGE_NAME, tags };
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  try {
    const { tags } = buildStowageImage();
    console.error(`${tags.join(' and ')} built (${((Date.now() - started) / 1000).toFixed(0)}s)`);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
