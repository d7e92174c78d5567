#!/usr/bin/env node
'use strict';
// Plain CommonJS on purpose: it must run on any Node to say which version Stowage needs, and CommonJS
// loads Node's built-in modules without evaluating their lazy parts (measurably faster start-up).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 15)) {
  console.error(
    `stowage: Node.js ${process.versions.node} is too old; Stowage needs Node.js 22.15 or newer (24 LTS recommended).\n` +
      '  hint: install Node 24 from https://nodejs.org or with your version manager (e.g. `nvm install 24`);\n' +
      '        in a checkout, `npm run stowage -- ARGS` uses the Node 24 that `npm install` brings.',
  );
  process.exit(1);
}
require('node:module').enableCompileCache?.();
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const bundle = join(__dirname, '..', 'dist', 'bundle', 'stowage.cjs');
if (existsSync(bundle)) {
  require(bundle);
} else if (process.features.typescript) {
  // A checkout that was not built yet: run the sources (Node 24 strips the types itself).
  import(join(__dirname, '..', 'src', 'cli', 'bin.ts'));
} else {
  console.error('stowage: no compiled sources in dist/; run `npm run build` first.');
  process.exit(1);
}
