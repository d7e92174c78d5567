import { readToken, tokenPath, writeToken } from '../../api/api-token.ts';
import type { CliSession } from '../session.ts';

/** Prints the API token (for `curl -H "Authorization: Bearer $(stowage token)"`); `--rotate` replaces it. */
export function token(session: CliSession, options: { rotate?: boolean }): void {
  if (options.rotate) {
    session.out.write(writeToken(session.dataDir));
    session.out.note(
      `new token written to ${tokenPath(session.dataDir)}; a running daemon uses it from the next request`,
    );
    return;
  }
  session.out.write(readToken(session.dataDir));
}
