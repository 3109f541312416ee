/**
 * A plan's review: what applying it would do for each quota (the server's dry run), Submit or
 * Cancel, then what was done for each quota, with the request ids to follow on the Requests page.
 */
import { useEffect, useRef } from 'react';
import { Link } from 'wouter';
import type { ItemResultJson } from '../api';
import { formatNumber } from '../format';
import { ACTIONABLE_OUTCOMES, type PlanFlow } from '../hooks/use-plan-flow';
import { OutcomeBadge } from './outcome-badge';
import { ErrorView, Loading } from './status-views';
import { Truncated } from './truncated';

function quotaKey(result: ItemResultJson): string {
  return `${result.item.serviceCode}/${result.item.quotaCode}`;
}

function QuotaCell({ result }: { result: ItemResultJson }) {
  return (
    <th scope="row" className="col-name">
      <span className="mono">{quotaKey(result)}</span>
      <Truncated text={result.item.quotaName} className="cell-sub" />
    </th>
  );
}

function ValuesCell({ result }: { result: ItemResultJson }) {
  return (
    <td className="numeric nowrap">
      {formatNumber(result.currentValue ?? result.item.destinationValue)} →{' '}
      {formatNumber(result.item.desiredValue)}
    </td>
  );
}

export interface PlanReviewProps {
  readonly flow: Exclude<PlanFlow, { step: 'idle' }>;
  readonly onSubmit: () => void;
  readonly onClose: () => void;
}

export function PlanReview({ flow, onSubmit, onClose }: PlanReviewProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  // Each step replaces the last: bring its heading into view and focus, for eyes and screen readers.
  useEffect(() => {
    heading.current?.scrollIntoView({ block: 'nearest' });
    heading.current?.focus({ preventScroll: true });
  }, [flow.step]);

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
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">What was done for each quota</caption>
            <thead>
              <tr>
                <th scope="col">Quota</th>
                <th scope="col" className="numeric">
                  Now → to
                </th>
                <th scope="col">Outcome</th>
                <th scope="col">Request</th>
                <th scope="col">AWS request</th>
                <th scope="col">Case</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {items.map((result) => (
                <tr
                  key={quotaKey(result)}
                  data-testid="result-item"
                  data-quota={quotaKey(result)}
                  data-outcome={result.outcome}
                  className={result.problem ? 'row-problem' : undefined}
                >
                  <QuotaCell result={result} />
                  <ValuesCell result={result} />
                  <td>
                    <OutcomeBadge outcome={result.outcome} />
                  </td>
                  <td className="mono">{result.requestId ?? '—'}</td>
                  <td className="mono">
                    <Truncated text={result.awsRequestId ?? '—'} />
                  </td>
                  <td className="mono">{result.caseId ?? '—'}</td>
                  <td className="col-message">{result.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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
      <div className="table-scroll">
        <table>
          <caption className="visually-hidden">What applying the plan would do for each quota</caption>
          <thead>
            <tr>
              <th scope="col">Quota</th>
              <th scope="col" className="numeric">
                Now → to
              </th>
              <th scope="col">Outcome</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {preview.items.map((result) => (
              <tr
                key={quotaKey(result)}
                data-testid="plan-item"
                data-quota={quotaKey(result)}
                data-outcome={result.outcome}
                className={result.problem ? 'row-problem' : undefined}
              >
                <QuotaCell result={result} />
                <ValuesCell result={result} />
                <td>
                  <OutcomeBadge outcome={result.outcome} />
                </td>
                <td className="col-message">{result.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {plan.skipped.length > 0 ? (
        <div className="notice">
          <h3>Left out of the plan</h3>
          <ul>
            {plan.skipped.map((skip) => (
              <li key={`${skip.serviceCode}/${skip.quotaCode}`}>
                <span className="mono">
                  {skip.serviceCode}/{skip.quotaCode}
                </span>{' '}
                {skip.quotaName}: {skip.reason}
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
