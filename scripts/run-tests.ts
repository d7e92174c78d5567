/**
 * `npm test`: type-check, lint, then every test file — unit tests and the integration tests against a
 * private real engine that this script starts and always stops. Serial, because engine state is global.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildBusyboxImage, startPrivateEngine, TEST_IMAGE } from './private-engine.ts';

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
  step('lint', [join(root, 'node_modules/eslint/bin/eslint.js'), '.']);
}

console.error('\n== starting a private Docker engine');
const engine = await startPrivateEngine();
const stop = async () => {
  await engine.stop();
};
process.on('SIGINT', () => void stop().then(() => process.exit(130)));
process.on('SIGTERM', () => void stop().then(() => process.exit(143)));
try {
  buildBusyboxImage(engine.env);
  const files = only.length ? only : ['src/**/*.test.ts', 'test/**/*.test.ts'];
  const result = spawnSync(node, ['--test', '--test-concurrency=1', ...files], {
    cwd: root,
    stdio: 'inherit',
    env: { ...engine.env, STOWAGE_TEST_IMAGE: TEST_IMAGE, STOWAGE_TEST_ENGINE_DIR: engine.dir },
  });
  await stop();
  process.exit(result.status ?? 1);
} catch (error) {
  await stop();
  throw error;
}
