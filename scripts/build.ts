/**
 * `npm run build`: type declarations and per-module JavaScript for library users (tsc → dist/), the
 * CLI bundled into one file (esbuild → dist/bundle/stowage.cjs), because loading many small modules was
 * most of the CLI's start-up time, and the dashboard (vite → dist/web), which the daemon serves.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { buildSingleExecutable } from './single-executable.ts';

const root = join(import.meta.dirname, '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });

const tsc = spawnSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
  { stdio: 'inherit' },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

await build({
  entryPoints: [join(root, 'src/cli/bin.ts')],
  outfile: join(root, 'dist/bundle/stowage.cjs'),
  bundle: true,
  // CommonJS, not ESM: an ESM import of a built-in such as node:http evaluates all its lazy getters
  // (loading undici and tls), which alone cost 30 ms per start.
  format: 'cjs',
  platform: 'node',
  target: 'node22',
  // Dependencies used only by some commands stay outside and load on first use.
  external: [
    'ssh2',
    'cpu-features',
    'docker-modem',
    'zod',
    'yaml',
    'tar-stream',
    '@aws-sdk/client-s3',
    '@aws-sdk/lib-storage',
    'nodemailer',
  ],
  // The bundle finds the dashboard's files next to itself (src/api/dashboard-assets.ts).
  define: { 'import.meta.dirname': '__dirname' },
  logLevel: 'warning',
});

// The dashboard: web/vite.config.ts holds its settings; this only says where it lives.
await viteBuild({ root: join(root, 'web'), configFile: join(root, 'web/vite.config.ts'), logLevel: 'warn' });

// The single executable for Linux x64 (Node's single-executable applications): needs the dashboard built first.
await buildSingleExecutable(root);
