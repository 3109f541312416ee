/** Any path the dashboard does not know (the server answers index.html for every GET). */
import { Link, useLocation } from 'wouter';
import { useTitle } from '../hooks/use-title';

export function NotFoundPage() {
  useTitle('Not found');
  const [location] = useLocation();
  return (
    <div className="page">
      <div className="page-header">
        <h1>No page here</h1>
      </div>
      <div className="state state-empty">
        <p>
          The dashboard has no page at <code>{location}</code>.
        </p>
        <p>
          <Link href="/">Go to the fleet</Link>
        </p>
      </div>
    </div>
  );
}
