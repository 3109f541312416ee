/**
 * A usage counter: one module per AWS service (awslimitchecker's `_AwsService`, the exporter's
 * `UsageCheck`), for the quotas AWS gives no usage metric for, and the quotas that apply per
 * resource. A counter declares the quotas it counts and the IAM actions it calls (what
 * `headroom iam-policy` is generated from), and counts by describing the resources themselves.
 *
 * CloudWatch stays the source where a quota has a usage metric and CloudWatch gave a value; a
 * counted value fills the rest, and each counted sample says so (`source: 'counter'`).
 */
import type { AwsSession } from '../aws/session.js';
import type { Quota } from '../domain/quota.js';
import type { Target } from '../domain/target.js';

export interface CountContext {
  readonly target: Target;
  readonly session: AwsSession;
  /** The target's known quotas of the counter's service (from its limit snapshot). */
  readonly quotas: readonly Quota[];
}

/** One counted value: of the quota as a whole, or of one resource for a per-resource quota. */
export interface UsageCount {
  readonly quotaCode: string;
  readonly value: number;
  /** The resource (its ARN, else its id or name) for quotas that apply per resource. */
  readonly resource?: string;
}

export interface CountedQuota {
  readonly quotaCode: string;
  /** What is counted, for docs and `iam-policy` readers: "running On-Demand Standard vCPUs". */
  readonly counts: string;
  /** One value per resource (listeners per load balancer), not one for the region. */
  readonly perResource?: boolean;
}

export interface UsageCounter {
  /** The Service Quotas service code whose quotas it counts, also the collector's id. */
  readonly serviceCode: string;
  /** A global service (Route 53, CloudFront): counted once per account, in its global home target. */
  readonly global: boolean;
  /** The quotas it counts by code. */
  readonly quotas: readonly CountedQuota[];
  /**
   * Quotas it counts that are found by name rather than a fixed code (SageMaker's instance-type
   * quotas), described for docs.
   */
  readonly matching?: { readonly counts: string; readonly matches: (quota: Quota) => boolean };
  /** Every IAM action findUsage calls, e.g. `ec2:DescribeInstances`. */
  readonly iamActions: readonly string[];
  /**
   * Counts usage in one target, reading every page of every describe call. Returns a value for
   * each quota it counts that the target has (0 when nothing is used); throws when AWS fails,
   * never turning a failure into 0.
   */
  findUsage(ctx: CountContext): Promise<UsageCount[]>;
}

/** Whether a counter counts a quota. */
export function counts(counter: UsageCounter, quota: Quota): boolean {
  return (
    quota.serviceCode === counter.serviceCode &&
    (counter.quotas.some((q) => q.quotaCode === quota.quotaCode) || counter.matching?.matches(quota) === true)
  );
}
