/**
 * The step between "Approve" or "Deny" on a pending approval and the decision: what will happen,
 * a reason (optional to approve, required to deny: it goes into the audit trail), and an explicit
 * yes. On the page rather than window.prompt, so it reads like the rest of the page; Escape or
 * Cancel goes back to the button it was opened from.
 */
import { useEffect, useRef, useState } from 'react';
import {
  type ApiError,
  type ApprovalJson,
  type ApprovalResponse,
  type ApproveResponse,
  approveApproval,
  asApiError,
  denyApproval,
} from '../api';
import { formatCost, formatNumber, quotaKey } from '../format';
import { ErrorView } from './status-views';

export type DecisionMode = 'approve' | 'deny';

/** What a decision gave: the approval as decided and, for an approval, what carrying it out gave. */
export type DecisionResult =
  | { readonly mode: 'approve'; readonly response: ApproveResponse }
  | { readonly mode: 'deny'; readonly response: ApprovalResponse };

export interface ApprovalDecisionProps {
  readonly approval: ApprovalJson;
  readonly mode: DecisionMode;
  readonly onDone: (result: DecisionResult) => void;
  readonly onCancel: () => void;
}

const MAX_REASON = 500;

export function ApprovalDecision({ approval, mode, onDone, onCancel }: ApprovalDecisionProps) {
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const input = useRef<HTMLInputElement>(null);
  // Where focus was (the row's button), to go back to on Cancel.
  const opener = useRef<Element | null>(null);

  useEffect(() => {
    opener.current = document.activeElement;
    input.current?.scrollIntoView({ block: 'nearest' });
    input.current?.focus({ preventScroll: true });
  }, [approval.id, mode]);

  const cancel = () => {
    onCancel();
    if (opener.current instanceof HTMLElement) opener.current.focus();
  };

  const submit = () => {
    if (pending) return;
    const why = reason.trim();
    if (mode === 'deny' && why === '') {
      setMissing(true);
      input.current?.focus();
      return;
    }
    setPending(true);
    setError(null);
    const decided: Promise<DecisionResult> =
      mode === 'approve'
        ? approveApproval(approval.id, why).then((response) => ({ mode, response }))
        : denyApproval(approval.id, why).then((response) => ({ mode, response }));
    decided.then(onDone, (caught: unknown) => {
      setPending(false);
      setError(asApiError(caught));
    });
  };

  const approving = mode === 'approve';
  const unit = approval.unit === 'None' ? '' : ` ${approval.unit}`;
  return (
    <section
      className={approving ? 'panel' : 'panel panel-danger'}
      aria-labelledby="decision-heading"
      data-testid="approval-decision"
      data-mode={mode}
      data-approval-id={approval.id}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !pending) cancel();
      }}
    >
      <h2 id="decision-heading">
        {approving ? 'Approve' : 'Deny'} <span className="mono">{approval.id}</span>?
      </h2>
      <p>
        {approval.quotaName} (<span className="mono">{quotaKey(approval)}</span>) in{' '}
        <span className="mono">{approval.target}</span>: {formatNumber(approval.fromValue)} →{' '}
        {formatNumber(approval.desiredValue)}
        {unit}, estimated {formatCost(approval.estimatedCost)}.
      </p>
      <p className="muted">
        {approving
          ? `Approving ${approval.action === 'support-case' ? 'opens the Support case' : 'files the increase request'} with AWS now.`
          : 'Nothing is filed; the engine does not propose it again until the rule’s cooldown has passed.'}
      </p>
      <form
        className="filters"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <label className="field field-grow">
          <span>{approving ? 'Reason (optional)' : 'Reason (required)'}</span>
          <input
            ref={input}
            type="text"
            name="reason"
            value={reason}
            maxLength={MAX_REASON}
            required={!approving}
            aria-invalid={missing}
            aria-describedby={missing ? 'decision-reason-error' : undefined}
            disabled={pending}
            onChange={(event) => {
              setReason(event.target.value);
              if (event.target.value.trim() !== '') setMissing(false);
            }}
          />
        </label>
        <div className="actions">
          <button
            type="submit"
            className={approving ? 'button button-primary' : 'button button-danger'}
            disabled={pending}
            aria-busy={pending}
          >
            {pending ? <span className="spinner spinner-small" aria-hidden="true" /> : null}
            {approving ? (pending ? 'Approving…' : 'Approve and file') : pending ? 'Denying…' : 'Deny'}
          </button>
          <button type="button" className="button" disabled={pending} onClick={cancel}>
            Cancel
          </button>
        </div>
        {missing ? (
          <p id="decision-reason-error" className="form-error" role="alert">
            A denial needs a reason: say why, it is recorded in the audit trail.
          </p>
        ) : null}
      </form>
      {error === null ? null : <ErrorView error={error} />}
    </section>
  );
}
