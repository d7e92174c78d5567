/**
 * A writer for the contract's "killed writer" test: opens `URL`, starts writing `BYTES` bytes under `KEY`,
 * says "written" once the stream took them, and waits to be killed (SIGKILL: nothing of it runs after).
 * Usage: node crash-writer.ts URL KEY BYTES, with STOWAGE_TEST_TARGET_OPTIONS holding TargetOptions JSON.
 */
import { openTarget } from '../registry.ts';
import type { TargetOptions } from '../target-options.ts';

const [url, key, size] = process.argv.slice(2);
if (!url || !key || !size) throw new Error('usage: crash-writer.ts URL KEY BYTES');
const options = JSON.parse(process.env.STOWAGE_TEST_TARGET_OPTIONS ?? '{}') as TargetOptions;
const target = await openTarget(url, options);
const pending = await target.create(key);
const data = Buffer.alloc(Number(size), 7);
if (!pending.stream.write(data)) await new Promise((resolve) => pending.stream.once('drain', resolve));
process.stdout.write('written\n');
setInterval(() => undefined, 60_000); // until killed
