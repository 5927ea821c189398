/** The app shell: sign-in gate, header with navigation and search, and the screen for the URL. */
import { lazy, Suspense, useEffect, useRef, useState, type FormEvent } from 'react';
import { Loading } from './components/common.tsx';
import { formatMinutes, setExposureUser, useExposureSeconds } from './exposure.ts';
import { Link, match, navigate, useLocation } from './router.tsx';
import { AuditScreen } from './screens/Audit.tsx';
import { CaseScreen } from './screens/Case.tsx';
import { DeconflictionScreen } from './screens/Deconfliction.tsx';
import { EntityScreen } from './screens/Entity.tsx';
import { EvidenceScreen } from './screens/Evidence.tsx';
import { HomeScreen } from './screens/Home.tsx';
import { IdentitiesScreen } from './screens/Identities.tsx';
import { NotFound } from './screens/NotFound.tsx';
import { ReviewScreen } from './screens/Review.tsx';
import { SearchScreen } from './screens/Search.tsx';
import { SignInScreen } from './screens/SignIn.tsx';
import { SubjectScreen } from './screens/Subject.tsx';
import { useSession } from './session.tsx';

// Cytoscape is ~400 kB: the chart loads only when someone opens it.
const ChartScreen = lazy(() => import('./chart/ChartScreen.tsx'));

function ExposureTimer() {
  const { seconds, exposing } = useExposureSeconds();
  if (seconds === 0 && !exposing) return null;
  return (
    <span className={`exposure${exposing ? ' on' : ''}`} title="Your media exposure today. Only you see this." role="timer" aria-label={`Your media exposure today: ${formatMinutes(seconds)} minutes`}>
      ◐ {formatMinutes(seconds)}
    </span>
  );
}

function HeaderSearch() {
  const { params, path } = useLocation();
  const [text, setText] = useState(path === '/search' ? (params.get('q') ?? '') : '');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // "/" focuses search anywhere but in a field or on the chart (which has its own "/").
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement;
      if (target.closest('input, textarea, select, [contenteditable], .chart-canvas')) return;
      event.preventDefault();
      input.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim()) navigate(`/search?q=${encodeURIComponent(text.trim())}`);
  };
  return (
    <form role="search" className="header-search" onSubmit={submit}>
      <label htmlFor="global-search" className="visually-hidden">
        Search every case you may see
      </label>
      <input id="global-search" ref={input} type="search" placeholder="Search all my cases  ( / )" value={text} onChange={(event) => setText(event.target.value)} />
    </form>
  );
}

function Screen() {
  const { path } = useLocation();
  let params: Record<string, string> | null;
  if (path === '/' || path === '/home') return <HomeScreen />;
  if (path === '/search') return <SearchScreen />;
  if (path === '/chart')
    return (
      <Suspense fallback={<Loading what="Loading the link chart" />}>
        <ChartScreen />
      </Suspense>
    );
  if (path === '/review') return <ReviewScreen />;
  if (path === '/audit') return <AuditScreen />;
  if (path === '/deconfliction') return <DeconflictionScreen />;
  if (path === '/identities') return <IdentitiesScreen />;
  if ((params = match('/cases/:ref', path))) return <CaseScreen caseRef={params.ref!} tab="sources" />;
  if ((params = match('/cases/:ref/sources/:id', path))) return <EvidenceScreen caseRef={params.ref!} sourceId={params.id!} />;
  if ((params = match('/cases/:ref/:tab', path))) return <CaseScreen caseRef={params.ref!} tab={params.tab!} />;
  if ((params = match('/entities/:id', path))) return <EntityScreen id={params.id!} />;
  if ((params = match('/subjects/:id', path))) return <SubjectScreen id={params.id!} />;
  return <NotFound />;
}

export function App() {
  const { user, checking, signOut } = useSession();
  const { path } = useLocation();
  useEffect(() => {
    if (user) setExposureUser(user.name);
  }, [user]);
  if (checking) return <Loading what="Checking your session" />;
  if (!user) return <SignInScreen />;
  const current = (prefix: string) => (prefix === '/' ? path === '/' : path.startsWith(prefix)) ? 'page' : undefined;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/" className="brand" aria-label="Crosslink work queue">
          Crosslink
        </Link>
        <nav aria-label="Main">
          <Link to="/" aria-current={current('/')}>
            Work queue
          </Link>
          <Link to="/search" aria-current={current('/search')}>
            Search
          </Link>
          <Link to="/chart" aria-current={current('/chart')}>
            Link chart
          </Link>
          <Link to="/review" aria-current={current('/review')}>
            Match review
          </Link>
          <Link to="/deconfliction" aria-current={current('/deconfliction')}>
            Deconfliction
          </Link>
          {user.agency !== null && (
            <Link to="/identities" aria-current={current('/identities')}>
              Identities
            </Link>
          )}
          {(user.role === 'auditor' || user.role === 'admin' || user.role === 'supervisor') && (
            <Link to="/audit" aria-current={current('/audit')}>
              Audit
            </Link>
          )}
        </nav>
        <HeaderSearch />
        <ExposureTimer />
        <span className="who" title={`${user.role}${user.agency ? `, ${user.agency}` : ''}`}>
          {user.name}
          <span className="muted"> · {user.agency ?? 'node administrator'}</span>
        </span>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Screen />
      </main>
    </>
  );
}
