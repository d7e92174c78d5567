/** The shell: login or problem pages, the navigation, and the page for the current path. */
import { useEffect, useState } from 'preact/hooks';
import { api, onProblem, token, type ApiError } from './api.ts';
import { PageTitle } from './components/bits.tsx';
import { BackupsPage } from './pages/backups-page.tsx';
import { DoctorPage } from './pages/doctor-page.tsx';
import { LoginPage } from './pages/login-page.tsx';
import { OrphansPage } from './pages/orphans-page.tsx';
import { SharingPage } from './pages/sharing-page.tsx';
import { UnreachablePage } from './pages/unreachable-page.tsx';
import { VolumePage } from './pages/volume-page.tsx';
import { VolumesPage } from './pages/volumes-page.tsx';
import { useLocation } from './router.ts';
import type { EngineInfo } from './types.ts';

const NAV = [
  { path: '/', label: 'Volumes' },
  { path: '/sharing', label: 'Sharing' },
  { path: '/orphans', label: 'Orphans & cost' },
  { path: '/backups', label: 'Backups & schedules' },
  { path: '/doctor', label: 'Doctor' },
];

function page(path: string) {
  if (path === '/' || path === '/volumes') return <VolumesPage />;
  if (path.startsWith('/volumes/')) {
    const name = decodeURIComponent(path.slice('/volumes/'.length));
    return <VolumePage key={name} name={name} />;
  }
  if (path === '/sharing') return <SharingPage />;
  if (path === '/orphans') return <OrphansPage />;
  if (path === '/backups') return <BackupsPage />;
  if (path === '/doctor') return <DoctorPage />;
  return (
    <section>
      <PageTitle title="Not found">Page not found</PageTitle>
      <p>
        Nothing lives at <code>{path}</code>. <a href="/">Back to the volumes</a>.
      </p>
    </section>
  );
}

export function App() {
  const { path } = useLocation();
  const [signedIn, setSignedIn] = useState(token.get() !== '');
  const [problem, setProblem] = useState<ApiError>();
  const [engine, setEngine] = useState<EngineInfo>();
  const [attempt, setAttempt] = useState(0);

  useEffect(
    () =>
      onProblem((error) => {
        if (error.status === 401) {
          token.clear();
          setSignedIn(false);
        }
        setProblem(error);
      }),
    [],
  );
  useEffect(() => {
    if (signedIn) void api<EngineInfo>('/api/engine').then(setEngine, () => undefined);
  }, [signedIn, attempt]);

  if (problem && problem.status !== 401)
    return (
      <UnreachablePage
        error={problem}
        onRetry={() => {
          setProblem(undefined);
          setAttempt((a) => a + 1);
        }}
      />
    );
  if (!signedIn)
    return (
      <LoginPage
        refused={problem}
        onLogin={(info) => {
          setProblem(undefined);
          setEngine(info);
          setSignedIn(true);
        }}
      />
    );

  const active = (p: string) =>
    p === '/' ? path === '/' || path.startsWith('/volumes') : path.startsWith(p);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/">
          Stowage
        </a>
        <nav aria-label="Pages">
          <ul>
            {NAV.map((n) => (
              <li key={n.path}>
                <a href={n.path} aria-current={active(n.path) ? 'page' : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <p class="engine" title={engine?.id}>
          {engine ? `${engine.name} · Docker ${engine.serverVersion}` : ''}
        </p>
        <button
          type="button"
          class="small"
          onClick={() => {
            token.clear();
            setSignedIn(false);
            setProblem(undefined);
          }}
        >
          Log out
        </button>
      </header>
      <main id="main" key={attempt}>
        {page(path)}
      </main>
    </>
  );
}
