/**
 * Requesting increases from a comparison, in two steps the user sees: a plan with a dry run of it
 * (nothing filed), then, on Submit, the plan applied. Each step starts from a click, never from an
 * effect, so nothing is filed by a render.
 */
import { useState } from 'react';
import {
  type ApiError,
  type ApplyResponse,
  type PlanResponse,
  applyPlan,
  asApiError,
  createPlan,
} from '../api';

export type PlanFlow =
  | { readonly step: 'idle' }
  | { readonly step: 'planning' }
  | { readonly step: 'plan-failed'; readonly error: ApiError }
  | { readonly step: 'preview'; readonly plan: PlanResponse; readonly error: ApiError | null }
  | { readonly step: 'applying'; readonly plan: PlanResponse }
  | { readonly step: 'applied'; readonly plan: PlanResponse; readonly result: ApplyResponse };

export interface PlanOptions {
  readonly source: string;
  readonly destination: string;
  /** SERVICE/CODE each. */
  readonly quotas: readonly string[];
  readonly reason: string;
  readonly supportCases: boolean;
}

/** The preview outcomes that Submit acts on: the rest are already done, or refused. */
export const ACTIONABLE_OUTCOMES: ReadonlySet<string> = new Set([
  'would-file',
  'would-open-case',
  'would-queue',
]);

export function usePlanFlow() {
  const [flow, setFlow] = useState<PlanFlow>({ step: 'idle' });
  const [supportCases, setSupportCases] = useState(false);

  const preview = (options: PlanOptions) => {
    setFlow({ step: 'planning' });
    setSupportCases(options.supportCases);
    const reason = options.reason.trim();
    createPlan({
      source: options.source,
      destination: options.destination,
      quotas: [...options.quotas],
      ...(reason === '' ? {} : { reason }),
      supportCases: options.supportCases,
    }).then(
      (plan) => {
        setFlow({ step: 'preview', plan, error: null });
      },
      (error: unknown) => {
        setFlow({ step: 'plan-failed', error: asApiError(error) });
      },
    );
  };

  const apply = () => {
    if (flow.step !== 'preview') return;
    const { plan } = flow;
    setFlow({ step: 'applying', plan });
    applyPlan({ plan: plan.plan, supportCases }).then(
      (result) => {
        setFlow({ step: 'applied', plan, result });
      },
      (error: unknown) => {
        setFlow({ step: 'preview', plan, error: asApiError(error) });
      },
    );
  };

  const close = () => {
    setFlow({ step: 'idle' });
  };

  return { flow, preview, apply, close };
}
