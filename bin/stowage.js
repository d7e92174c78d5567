#!/usr/bin/env node
// Plain JavaScript on purpose: it must run on any Node to say which version Stowage needs.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 15)) {
  console.error(
    `stowage: Node.js ${process.versions.node} is too old; Stowage needs Node.js 22.15 or newer (24 LTS recommended).\n` +
      'Install Node 24 from https://nodejs.org or with your version manager (e.g. `nvm install 24`),\n' +
      'or run it from a checkout with `npx stowage`, which uses the Node 24 that `npm install` brings.',
  );
  process.exit(1);
}
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
const { existsSync } = await import('node:fs');
const built = new URL('../dist/cli/bin.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else if (process.features.typescript) {
  await import(new URL('../src/cli/bin.ts', import.meta.url).href);
} else {
  console.error('stowage: no compiled sources in dist/; run `npm run build` first.');
  process.exit(1);
}
