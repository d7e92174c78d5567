/** The program's entry point (bin/stowage.cjs loads it after checking the Node version). */
import { main } from './main.ts';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
