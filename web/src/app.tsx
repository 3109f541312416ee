/**
 * The dashboard: the session first (mode, user, the CSRF token POSTs send), then the layout and a
 * page per path. The server answers index.html for any unknown GET path, so these are real paths.
 */
import { Route, Switch } from 'wouter';
import { getSession } from './api';
import { AppHeader } from './components/app-header';
import { ErrorView } from './components/status-views';
import { useApi } from './hooks/use-api';
import { ApprovalsPage } from './pages/approvals-page';
import { AuditPage } from './pages/audit-page';
import { CachePage } from './pages/cache-page';
import { ComparePage } from './pages/compare-page';
import { FleetPage } from './pages/fleet-page';
import { NotFoundPage } from './pages/not-found-page';
import { RequestsPage } from './pages/requests-page';
import { TargetPage } from './pages/target-page';

export function App() {
  const { state: session, reload } = useApi(getSession);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppHeader session={session.status === 'ready' ? session.data : null} />
      <main id="main" tabIndex={-1}>
        {session.status === 'error' ? (
          <ErrorView error={session.error} onRetry={reload} />
        ) : (
          <Switch>
            <Route path="/" component={FleetPage} />
            <Route path="/targets/:key">
              {(params) => <TargetPage key={params.key} targetKey={params.key} />}
            </Route>
            <Route path="/compare" component={ComparePage} />
            <Route path="/requests" component={RequestsPage} />
            <Route path="/approvals" component={ApprovalsPage} />
            <Route path="/audit" component={AuditPage} />
            <Route path="/cache" component={CachePage} />
            <Route component={NotFoundPage} />
          </Switch>
        )}
      </main>
    </>
  );
}
