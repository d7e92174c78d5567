/**
 * `npm test`: type-check, lint, then every test file — unit tests and the integration tests against a
 * private real engine that this script starts and always stops. Serial, because engine state is global.
 */
import { spawnSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { existsSync, globSync } from 'node:fs';
import { buildBusyboxImage, startPrivateEngine, TEST_IMAGE, type PrivateEngine } from './private-engine.ts';

const root = join(import.meta.dirname, '..');
const node = process.execPath;

function step(name: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  console.error(`\n== ${name}`);
  const result = spawnSync(node, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`${name} failed`);
    process.exit(result.status ?? 1);
  }
}

const only = process.argv.slice(2);
if (only.length === 0) {
  step('type-check', [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
  step('type-check web', [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'web/tsconfig.json']);
  step('lint', [join(root, 'node_modules/eslint/bin/eslint.js'), '.']);
}

// Tools the tests call besides the engine: zstd (archives must extract with the reference tool) and python3.
const missing = [
  ['zstd', 'zstd'],
  ['python3', 'python3'],
].filter(
  ([command]) => !['/usr/bin', '/bin', '/usr/local/bin'].some((dir) => existsSync(`${dir}/${command}`)),
);
if (missing.length && process.getuid?.() === 0) {
  console.error(`\n== installing ${missing.map(([, pkg]) => pkg).join(', ')} from Debian`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing.map(([, pkg]) => pkg!)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env,
  });
}

const patterns = only.length ? only : ['src/**/*.test.ts', 'test/**/*.test.ts'];
const files = patterns.flatMap((pattern) =>
  /[*?[{]/.test(pattern) ? globSync(pattern, { cwd: root }).sort() : [pattern],
);
// An engine keeps every volume plugin it has used registered after the plugin stops, and then waits for the
// dead plugin (about 15 s) on every volume listing: the plugin's end-to-end tests get an engine of their own.
const ownEngine = (file: string) => /\.docker\.test\.ts$/.test(file) && basename(file).startsWith('plugin');
const groups = [files.filter((f) => !ownEngine(f)), files.filter(ownEngine)].filter((g) => g.length > 0);

let engine: PrivateEngine | undefined;
const stop = async () => {
  await engine?.stop();
  engine = undefined;
};
process.on('SIGINT', () => void stop().then(() => process.exit(130)));
process.on('SIGTERM', () => void stop().then(() => process.exit(143)));
let status = 0;
try {
  for (const group of groups) {
    console.error('\n== starting a private Docker engine');
    engine = await startPrivateEngine();
    buildBusyboxImage(engine.env);
    const result = spawnSync(node, ['--test', '--test-concurrency=1', ...group], {
      cwd: root,
      stdio: 'inherit',
      env: { ...engine.env, STOWAGE_TEST_IMAGE: TEST_IMAGE, STOWAGE_TEST_ENGINE_DIR: engine.dir },
    });
    await stop();
    if (result.status !== 0) status = result.status ?? 1;
  }
  process.exit(status);
} catch (error) {
  await stop();
  throw error;
}
