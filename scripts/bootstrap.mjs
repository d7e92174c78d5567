// Runs before `npm test` and `npm run demo` on whatever Node the machine has (Node 20 here), so it is plain
// JavaScript: it installs the npm dependencies when they are missing or stale (which brings Node 24 from the
// registry's `node` package) and compiles the sources. Every later npm script then runs on Node 24.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const at = (p) => join(root, p);

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`bootstrap: '${cmd} ${args.join(' ')}' failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}

const installed = at('node_modules/.package-lock.json');
const stale =
  !existsSync(at('node_modules/.bin/node')) ||
  !existsSync(installed) ||
  statSync(at('package-lock.json')).mtimeMs > statSync(installed).mtimeMs;
if (stale) {
  console.error('bootstrap: installing npm dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
run(at('node_modules/.bin/node'), [at('scripts/build.ts')]);
