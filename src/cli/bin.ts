/** The program's entry point (bin/stowage.js loads it after checking the Node version). */
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
