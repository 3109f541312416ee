/**
 * The step between "Clear" and clearing: what will be forgotten, whether usage history goes too,
 * and an explicit yes. On the page rather than window.confirm, so it can carry the option and be
 * styled, and so it reads the same to a screen reader as the rest of the page.
 */
import { useEffect, useRef, useState } from 'react';
import { type ApiError, asApiError } from '../api';
import { Checkbox } from './checkbox';
import { ErrorView } from './status-views';

/** One target, or every target (null). */
export interface ClearScope {
  readonly target: string | null;
}

export interface ClearConfirmProps {
  readonly scope: ClearScope;
  readonly onConfirm: (scope: ClearScope, history: boolean) => Promise<void>;
  readonly onCancel: () => void;
}

export function ClearConfirm({ scope, onConfirm, onCancel }: ClearConfirmProps) {
  const [history, setHistory] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // Where focus was (the Clear button), to go back to on Cancel.
  const opener = useRef<Element | null>(null);

  useEffect(() => {
    opener.current = document.activeElement;
    heading.current?.focus();
  }, [scope]);

  const cancel = () => {
    onCancel();
    if (opener.current instanceof HTMLElement) opener.current.focus();
  };

  const what = scope.target ?? 'every target';
  return (
    <section
      className="panel panel-danger"
      aria-labelledby="clear-heading"
      data-testid="clear-confirm"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !pending) cancel();
      }}
    >
      <h2 id="clear-heading" ref={heading} tabIndex={-1}>
        Clear the cached data of {what}?
      </h2>
      <p>
        Limits and usage are read from AWS again on the next sweep or refresh. Usage history, which forecasts
        and charts use, stays unless you choose to forget it too.
      </p>
      <Checkbox
        label="Also forget usage history"
        checked={history}
        onChange={setHistory}
        disabled={pending}
      />
      {error === null ? null : <ErrorView error={error} />}
      <div className="actions">
        <button
          type="button"
          className="button button-danger"
          disabled={pending}
          onClick={() => {
            setPending(true);
            setError(null);
            onConfirm(scope, history).catch((caught: unknown) => {
              setPending(false);
              setError(asApiError(caught));
            });
          }}
        >
          {pending ? 'Clearing…' : scope.target === null ? 'Yes, clear all' : `Yes, clear ${scope.target}`}
        </button>
        <button type="button" className="button" disabled={pending} onClick={cancel}>
          Cancel
        </button>
      </div>
    </section>
  );
}
