/**
 * A plan's review: what applying it would do for each quota (the server's dry run), Submit or
 * Cancel, then what was done for each quota, with the request ids to follow on the Requests page.
 */
import { Link } from 'wouter';
import type { ItemResultJson } from '../api';
import { formatNumber, quotaKey } from '../format';
import { usePanelFocus } from '../hooks/use-panel-focus';
import { ACTIONABLE_OUTCOMES, type PlanFlow } from '../hooks/use-plan-flow';
import { OutcomeBadge } from './outcome-badge';
import { ErrorView, Loading } from './status-views';
import { Truncated } from './truncated';

interface ItemsTableProps {
  /** What the table shows, for screen readers. */
  readonly caption: string;
  /** Each row's data-testid. */
  readonly rowTestId: string;
  readonly items: readonly ItemResultJson[];
  /** Whether to show what was filed for each quota: the request's id, AWS's and the case's. */
  readonly filed: boolean;
}

/** A plan's items, previewed or applied: the quota, its values, the outcome and the message. */
function ItemsTable({ caption, rowTestId, items, filed }: ItemsTableProps) {
  return (
    <div className="table-scroll">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Quota</th>
            <th scope="col" className="numeric">
              Now → to
            </th>
            <th scope="col">Outcome</th>
            {filed ? (
              <>
                <th scope="col">Request</th>
                <th scope="col">AWS request</th>
                <th scope="col">Case</th>
              </>
            ) : null}
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {items.map((result) => (
            <tr
              key={quotaKey(result.item)}
              data-testid={rowTestId}
              data-quota={quotaKey(result.item)}
              data-outcome={result.outcome}
              className={result.problem ? 'row-problem' : undefined}
            >
              <th scope="row" className="col-name">
                <span className="mono">{quotaKey(result.item)}</span>
                <Truncated text={result.item.quotaName} className="cell-sub" />
              </th>
              <td className="numeric nowrap">
                {formatNumber(result.currentValue ?? result.item.destinationValue)} →{' '}
                {formatNumber(result.item.desiredValue)}
              </td>
              <td>
                <OutcomeBadge outcome={result.outcome} />
              </td>
              {filed ? (
                <>
                  <td className="mono">{result.requestId ?? '—'}</td>
                  <td className="mono">
                    <Truncated text={result.awsRequestId ?? '—'} />
                  </td>
                  <td className="mono">{result.caseId ?? '—'}</td>
                </>
              ) : null}
              <td className="col-message">{result.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export interface PlanReviewProps {
  readonly flow: Exclude<PlanFlow, { step: 'idle' }>;
  readonly onSubmit: () => void;
  readonly onClose: () => void;
}

export function PlanReview({ flow, onSubmit, onClose }: PlanReviewProps) {
  // Each step replaces the last: its heading comes into view and takes focus.
  const heading = usePanelFocus(flow.step);

  if (flow.step === 'planning') {
    return (
      <section className="panel" aria-label="Plan">
        <Loading detail="Preparing the plan and checking what applying it would do." />
      </section>
    );
  }
  if (flow.step === 'plan-failed') {
    return (
      <section className="panel" aria-label="Plan">
        <ErrorView error={flow.error} />
        <button type="button" className="button" onClick={onClose}>
          Back to the comparison
        </button>
      </section>
    );
  }
  if (flow.step === 'applied') {
    const { items } = flow.result.result;
    const problems = items.filter((result) => result.problem).length;
    return (
      <section className="panel" data-testid="apply-result" aria-labelledby="apply-heading">
        <div className="panel-header">
          <h2 id="apply-heading" ref={heading} tabIndex={-1}>
            Submitted: {formatNumber(items.length - problems)} done
            {problems > 0 ? `, ${formatNumber(problems)} with problems` : ''}
          </h2>
        </div>
        <ItemsTable caption="What was done for each quota" rowTestId="result-item" items={items} filed />
        <div className="actions">
          <Link href="/requests" className="button button-primary">
            Follow them on the Requests page
          </Link>
          <button type="button" className="button" onClick={onClose}>
            Back to the comparison
          </button>
        </div>
      </section>
    );
  }

  const { plan, preview } = flow.plan;
  const actionable = preview.items.filter((result) => ACTIONABLE_OUTCOMES.has(result.outcome)).length;
  const applying = flow.step === 'applying';
  return (
    <section className="panel" data-testid="plan-preview" aria-labelledby="plan-heading">
      <div className="panel-header">
        <h2 id="plan-heading" ref={heading} tabIndex={-1}>
          Plan: raise {formatNumber(plan.items.length)} quotas in{' '}
          <span className="mono">
            {plan.destination.accountName ?? plan.destination.accountId}:{plan.destination.region}
          </span>{' '}
          to{' '}
          <span className="mono">
            {plan.source.accountName ?? plan.source.accountId}:{plan.source.region}
          </span>
        </h2>
      </div>
      <p className="muted">
        A dry run: nothing has been filed yet. Submit files the {formatNumber(actionable)} marked would-file,
        would-open-case or would-queue.
      </p>
      {flow.step === 'preview' && flow.error !== null ? <ErrorView error={flow.error} /> : null}
      <ItemsTable
        caption="What applying the plan would do for each quota"
        rowTestId="plan-item"
        items={preview.items}
        filed={false}
      />
      {plan.skipped.length > 0 ? (
        <div className="notice">
          <h3>Left out of the plan</h3>
          <ul>
            {plan.skipped.map((skip) => (
              <li key={quotaKey(skip)}>
                <span className="mono">{quotaKey(skip)}</span> {skip.quotaName}: {skip.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="actions">
        <button
          type="button"
          className="button button-primary"
          disabled={actionable === 0 || applying}
          onClick={onSubmit}
        >
          {`Submit ${actionable} requests`}
        </button>
        <button type="button" className="button" disabled={applying} onClick={onClose}>
          Cancel
        </button>
        {applying ? <Loading label="Submitting…" /> : null}
      </div>
    </section>
  );
}
