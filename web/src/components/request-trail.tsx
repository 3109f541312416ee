/** One request in full and its trail of status events, from `/api/v1/requests/{id}`. */
import { useCallback } from 'react';
import { getRequest } from '../api';
import { formatDateTime, formatNumber, quotaKey } from '../format';
import { useApi } from '../hooks/use-api';
import { focusRow, usePanelFocus } from '../hooks/use-panel-focus';
import { RequestStatusBadge } from './request-status-badge';
import { LoadingOrError } from './status-views';

export interface RequestTrailProps {
  readonly id: string;
  /** The request's updatedAt as the table has it: when it moves, the trail is read again. */
  readonly revision: string;
  readonly onClose: () => void;
}

export function RequestTrail({ id, revision, onClose }: RequestTrailProps) {
  const load = useCallback((signal: AbortSignal) => getRequest(id, signal), [id]);
  const { state, reload } = useApi(load, { keepPrevious: true, revision });
  const heading = usePanelFocus(id);

  const close = () => {
    onClose();
    focusRow('request-row', 'data-request-id', id);
  };

  return (
    <section className="panel" data-testid="request-trail" aria-labelledby="trail-heading">
      <div className="panel-header">
        <h2 id="trail-heading" ref={heading} tabIndex={-1}>
          Request <span className="mono">{id}</span>
        </h2>
        <button type="button" className="button button-quiet" onClick={close}>
          Close
        </button>
      </div>
      <LoadingOrError state={state} onRetry={reload} />
      {state.status === 'ready' ? (
        <div className="trail">
          <dl className="facts">
            <div>
              <dt>Quota</dt>
              <dd>
                <span className="mono">{quotaKey(state.data.request)}</span> {state.data.request.quotaName}
              </dd>
            </div>
            <div>
              <dt>Target</dt>
              <dd className="mono">{state.data.request.target}</dd>
            </div>
            <div>
              <dt>Kind</dt>
              <dd>{state.data.request.kind === 'increase' ? 'quota increase' : 'Support case'}</dd>
            </div>
            <div>
              <dt>From → to</dt>
              <dd>
                {formatNumber(state.data.request.fromValue)} → {formatNumber(state.data.request.desiredValue)}{' '}
                {state.data.request.unit === 'None' ? '' : state.data.request.unit}
              </dd>
            </div>
            <div>
              <dt>Reason</dt>
              <dd>{state.data.request.reason === '' ? '—' : state.data.request.reason}</dd>
            </div>
            <div>
              <dt>Plan</dt>
              <dd className="mono">{state.data.request.planId ?? '—'}</dd>
            </div>
            <div>
              <dt>Last checked</dt>
              <dd>{formatDateTime(state.data.request.checkedAt)}</dd>
            </div>
          </dl>
          <h3>Trail</h3>
          {state.data.events.length === 0 ? (
            <p className="muted">No status events recorded.</p>
          ) : (
            <ol className="timeline">
              {state.data.events.map((event, index) => (
                <li key={`${event.at}-${String(index)}`}>
                  <time dateTime={event.at}>{formatDateTime(event.at)}</time>
                  <RequestStatusBadge status={event.status} />
                  <span>{event.message ?? ''}</span>
                </li>
              ))}
            </ol>
          )}
        </div>
      ) : null}
    </section>
  );
}
