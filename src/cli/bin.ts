/** The program's entry point (bin/stowage.cjs loads it after checking the Node version). */
import { main } from './main.ts';

// `stowage ls-archive X | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
