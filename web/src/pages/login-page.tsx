/**
 * Login with the API token, and the page shown when the daemon refuses the token (401): both say where the
 * token comes from. The token is kept in sessionStorage only.
 */
import { useState } from 'preact/hooks';
import { api, token, type ApiError } from '../api.ts';
import { PageTitle } from '../components/bits.tsx';
import type { EngineInfo } from '../types.ts';

export function LoginPage({
  refused,
  onLogin,
}: {
  refused: ApiError | undefined;
  onLogin: (engine: EngineInfo) => void;
}) {
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <main class="login" id="main">
      {refused ? (
        <div role="alert" class="note error" data-testid="wrong-token">
          <PageTitle title="Wrong token">The daemon refused this token</PageTitle>
          <p>
            <strong>{refused.message}</strong> (HTTP 401). The token may be mistyped, or it was rotated with{' '}
            <code>stowage token --rotate</code>.
          </p>
          <p>
            Run <code>stowage token</code> on the daemon's host and paste what it prints below.
          </p>
        </div>
      ) : (
        <>
          <PageTitle title="Log in">Stowage</PageTitle>
          <p>
            Enter the daemon's API token. <code>stowage token</code> prints it on the daemon's host.
          </p>
        </>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          token.set(value);
          // A 401 or 503 reaches the app through onProblem and replaces this page.
          api<EngineInfo>('/api/engine')
            .then(onLogin, () => undefined)
            .finally(() => setBusy(false));
        }}
      >
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="current-password"
          required
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        <button type="submit" disabled={busy}>
          {refused ? 'Try this token' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
