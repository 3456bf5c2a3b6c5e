import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { createGatewayClient } from './api/api-client';
import { ApiContext } from './api/api-context';
import { storedSession, storeSession, type Role, type Session } from './auth/session';
import { AuditLogPage } from './pages/audit-log.page';
import { BudgetsPage } from './pages/budgets.page';
import { InterceptionDetailPage } from './pages/interception-detail.page';
import { InterceptionsPage } from './pages/interceptions.page';
import { KeyPoolsPage } from './pages/key-pools.page';
import { McpToolsPage } from './pages/mcp-tools.page';
import { MyAccountPage } from './pages/my-account.page';
import { OverviewPage } from './pages/overview.page';
import { SignInPage } from './pages/sign-in.page';
import { TeamsPage } from './pages/teams.page';
import { UsersPage } from './pages/users.page';
import { Link, navigate, useLocation } from './router';

interface Page {
  path: string;
  title: string;
  roles: Role[];
}

const PAGES: Page[] = [
  { path: '/', title: 'Overview', roles: ['admin'] },
  { path: '/keys', title: 'Key pools', roles: ['admin'] },
  { path: '/tools', title: 'MCP tools', roles: ['admin'] },
  { path: '/interceptions', title: 'Interceptions', roles: ['admin'] },
  { path: '/users', title: 'Users & tokens', roles: ['admin'] },
  { path: '/teams', title: 'Teams', roles: ['admin'] },
  { path: '/budgets', title: 'Budgets & usage', roles: ['admin'] },
  { path: '/audit', title: 'Audit log', roles: ['admin'] },
  { path: '/me', title: 'My account', roles: ['user'] },
];

function pageFor(path: string): Page | undefined {
  const listed = path.startsWith('/interceptions/') ? '/interceptions' : path;
  return PAGES.find((page) => page.path === listed);
}

export function App() {
  const [session, setSession] = useState<Session | undefined>(storedSession);
  const [signedOutReason, setSignedOutReason] = useState<string | undefined>();
  const location = useLocation();

  const signOut = (reason?: string) => {
    storeSession(undefined);
    setSession(undefined);
    setSignedOutReason(reason);
  };
  const api = useMemo(
    () => session && createGatewayClient(session.token, () => signOut('The gateway no longer accepts your token (revoked, or the configuration changed): sign in again.')),
    [session],
  );

  const page = pageFor(location.path);
  const allowed = session && page && page.roles.includes(session.role);
  useEffect(() => {
    // A user token sees its own page only; an unknown path goes to the start page of the role.
    if (session && !allowed) navigate(session.role === 'admin' ? '/' : '/me', { replace: true });
  }, [session, allowed]);
  useEffect(() => {
    document.title = session && page ? `${page.title} · Tollgate console` : 'Sign in · Tollgate console';
  }, [session, page]);

  if (!session || !api) {
    return (
      <SignInPage
        reason={signedOutReason}
        onSignedIn={(next) => {
          storeSession(next);
          setSession(next);
          setSignedOutReason(undefined);
          navigate(next.role === 'admin' ? '/' : '/me', { replace: true });
        }}
      />
    );
  }

  return (
    <ApiContext.Provider value={{ api, session }}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar">
        <span className="brand">Tollgate</span>
        <nav aria-label="Console">
          <ul>
            {PAGES.filter((candidate) => candidate.roles.includes(session.role)).map((candidate) => (
              <li key={candidate.path}>
                <Link to={candidate.path} aria-current={candidate === page ? 'page' : undefined}>
                  {candidate.title}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who">{session.role === 'admin' ? 'Operator (admin token)' : `Signed in as ${session.userId}`}</span>
        <button type="button" className="button-secondary" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <Main key={location.path}>{allowed ? <PageContent path={location.path} /> : null}</Main>
    </ApiContext.Provider>
  );
}

let firstPage = true;

/** Moves focus to the new page's content on navigation (not on the first load), as a page load would. */
function Main({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (firstPage) firstPage = false;
    else ref.current?.focus();
  }, []);
  return (
    <main id="main" ref={ref} tabIndex={-1}>
      {children}
    </main>
  );
}

function PageContent({ path }: { path: string }) {
  if (path.startsWith('/interceptions/')) return <InterceptionDetailPage id={decodeURIComponent(path.slice('/interceptions/'.length))} />;
  switch (path) {
    case '/':
      return <OverviewPage />;
    case '/keys':
      return <KeyPoolsPage />;
    case '/tools':
      return <McpToolsPage />;
    case '/interceptions':
      return <InterceptionsPage />;
    case '/users':
      return <UsersPage />;
    case '/teams':
      return <TeamsPage />;
    case '/budgets':
      return <BudgetsPage />;
    case '/audit':
      return <AuditLogPage />;
    case '/me':
      return <MyAccountPage />;
    default:
      return null;
  }
}
