/** The three states every page shows besides its data: loading, an API error, and nothing to show. */
import type { ReactNode } from 'react';
import type { ApiError } from '../api';
import type { Loadable } from '../hooks/use-api';

export function Loading({ label = 'Loading…', detail }: { label?: string; detail?: ReactNode }) {
  return (
    <div className="state state-loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
      {detail === undefined ? null : <span className="state-detail">{detail}</span>}
    </div>
  );
}

/** Whether asking again can help: the server was away, busy or failing, not refusing the question. */
function retryable(error: ApiError): boolean {
  return error.status === 0 || error.status === 409 || error.status === 429 || error.status >= 500;
}

export function ErrorView({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <p className="state-title">{error.message}</p>
      {error.hint === undefined ? null : <p className="state-hint">{error.hint}</p>}
      <p className="state-code">
        <code>{error.code}</code>
        {error.status > 0 ? <span> · HTTP {error.status}</span> : null}
      </p>
      {onRetry === undefined || !retryable(error) ? null : (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

/** What a load shows until it is ready: Loading, or the error with a retry; nothing once ready. */
export function LoadingOrError<T>({
  state,
  onRetry,
  detail,
}: {
  state: Loadable<T>;
  onRetry: () => void;
  detail?: ReactNode;
}) {
  if (state.status === 'loading') return <Loading detail={detail} />;
  if (state.status === 'error') return <ErrorView error={state.error} onRetry={onRetry} />;
  return null;
}
