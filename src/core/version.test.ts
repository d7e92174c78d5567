import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { VERSION } from './version.ts';

test('VERSION is the version in package.json', () => {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  assert.match(pkg.version, /^\d+\.\d+\.\d+/);
  assert.equal(VERSION, pkg.version);
});
