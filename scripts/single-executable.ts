/**
 * The single executable (`dist/stowage-linux-x64`): Node's own single-executable-application mechanism,
 * so the machine needs no Node at all. The whole CLI, its dependencies included, is bundled into one
 * CommonJS file (a SEA's main script can require only Node's built-in modules), the dashboard rides along
 * as assets, and the blob is injected into a copy of the Node 24 binary that runs this build, with postject
 * (the Node project's injector). See docs/DECISIONS.md, "A single executable".
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, globSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

/** The fuse postject flips so that the Node binary looks for its blob (fixed by Node for every release). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export async function buildSingleExecutable(root: string): Promise<string> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `the single executable is built for Linux x64 only (this is ${process.platform} ${process.arch})`,
    );
  }
  const work = join(root, 'dist', 'sea');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const main = join(work, 'stowage.cjs');
  await build({
    entryPoints: [join(root, 'src/cli/bin.ts')],
    outfile: main,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node24',
    // ssh2's optional native helpers: it falls back to JavaScript when they cannot be required.
    external: ['cpu-features', '*.node'],
    define: { 'import.meta.dirname': '__dirname' },
    logLevel: 'warning',
  });
  const web = join(root, 'dist', 'web');
  const assets = Object.fromEntries(
    globSync('**/*', { cwd: web, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const path = join(entry.parentPath, entry.name);
        return [`web/${relative(web, path)}`, path];
      }),
  );
  const blob = join(work, 'stowage.blob');
  const config = join(work, 'sea-config.json');
  writeFileSync(
    config,
    JSON.stringify({ main, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, assets }),
  );
  execFileSync(process.execPath, ['--experimental-sea-config', config], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const executable = join(root, 'dist', 'stowage-linux-x64');
  copyFileSync(process.execPath, executable);
  chmodSync(executable, 0o755);
  // postject warns about every ELF note it reads past; only a failure is worth showing.
  const inject = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/postject/dist/cli.js'),
      executable,
      'NODE_SEA_BLOB',
      blob,
      '--sentinel-fuse',
      SEA_FUSE,
    ],
    { encoding: 'utf8' },
  );
  if (inject.status !== 0) throw new Error(`postject failed:\n${inject.stdout}${inject.stderr}`);
  rmSync(work, { recursive: true, force: true });
  return executable;
}
