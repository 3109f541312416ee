/** The bar on every page: product, navigation (the current page marked), mode and user. */
import { Link, useLocation } from 'wouter';
import { type Session, signOut } from '../api';

const NAV = [
  { href: '/', label: 'Fleet' },
  { href: '/compare', label: 'Compare' },
  { href: '/requests', label: 'Requests' },
  { href: '/approvals', label: 'Approvals' },
  { href: '/audit', label: 'Audit trail' },
  { href: '/cache', label: 'Cache' },
] as const;

export function AppHeader({ session }: { session: Session | null }) {
  const [location] = useLocation();
  return (
    <header className="app-header">
      <Link href="/" className="brand">
        <img src="/favicon.svg" alt="" width="20" height="20" />
        headroom
      </Link>
      <nav aria-label="Main">
        <ul className="nav-list">
          {NAV.map((item) => {
            const current = location === item.href;
            return (
              <li key={item.href}>
                <Link
                  href={item.href}
                  className={current ? 'nav-link nav-link-current' : 'nav-link'}
                  aria-current={current ? 'page' : undefined}
                >
                  {item.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <div className="header-end">
        {session?.mode === 'sandbox' ? (
          <span
            className="badge badge-sandbox"
            title="Data comes from headroom's built-in sandbox AWS, not real AWS"
          >
            sandbox
          </span>
        ) : null}
        {session === null ? null : (
          <span className="header-user" title={`Signed in as ${session.user} · headroom ${session.version}`}>
            <span className="visually-hidden">Signed in as </span>
            {session.user}
          </span>
        )}
        {session?.auth === 'token' ? (
          <button
            type="button"
            className="button button-small button-quiet"
            onClick={() => {
              void signOut();
            }}
          >
            Sign out
          </button>
        ) : null}
      </div>
    </header>
  );
}
