/** The page for an engine the daemon cannot reach (503) or a daemon that does not answer at all. */
import type { ApiError } from '../api.ts';
import { PageTitle } from '../components/bits.tsx';

export function UnreachablePage({ error, onRetry }: { error: ApiError; onRetry: () => void }) {
  const daemon = error.status === 0;
  return (
    <main class="login" id="main">
      <div role="alert" class="note error" data-testid="unreachable">
        <PageTitle title="Unreachable">
          {daemon ? 'The Stowage daemon does not answer' : 'The Docker engine is unreachable'}
        </PageTitle>
        <p>
          <strong>{error.message}</strong>
          {daemon ? '' : ' (HTTP 503)'}
        </p>
        {error.hint && <p>{error.hint}</p>}
        <p>
          {daemon
            ? 'Check that `stowage daemon` is running and listening on this address.'
            : 'The daemon runs, but the engine it manages does not answer: check that dockerd is running and that the daemon can reach its socket (`stowage doctor` on the host says more).'}
        </p>
      </div>
      <button type="button" onClick={onRetry}>
        Try again
      </button>
    </main>
  );
}
