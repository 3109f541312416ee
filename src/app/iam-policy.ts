/**
 * The least-privilege IAM policy headroom needs, generated from what each module declares it
 * calls: limits and usage (src/collect/), the usage counters (src/services/, each with its
 * `iamActions`), account and region discovery, publishing alerts to SNS topics (src/notify/; any
 * rule above monitor_only alerts, so it is always there), and, only when asked, filing increase
 * requests and Support cases (src/requests/). A test runs every path against the sandbox and
 * checks that the actions it calls are exactly these.
 *
 * sts:GetCallerIdentity is left out: AWS allows it to every principal.
 */
import { LIMITS_IAM_ACTIONS } from '../collect/limits.js';
import { USAGE_IAM_ACTIONS } from '../collect/usage.js';
import { ORGANIZATIONS_IAM_ACTIONS } from '../inventory/organizations.js';
import { REGIONS_IAM_ACTIONS } from '../inventory/regions.js';
import { NOTIFY_IAM_ACTIONS } from '../notify/channels.js';
import { REQUESTS_IAM_ACTIONS } from '../requests/aws.js';
import { COUNTERS } from '../services/index.js';

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

export interface PolicyOptions {
  /** Add what filing increase requests and Support cases needs (`headroom apply`, the engine). */
  readonly requests: boolean;
  /** The role headroom assumes in member accounts, for the base identity's sts:AssumeRole. */
  readonly roleName: string;
}

function unique(actions: readonly string[]): string[] {
  return [...new Set(actions)].sort((a, b) => a.localeCompare(b));
}

/** Every action reading quotas and usage calls, counters included. */
function readActions(): string[] {
  return unique([...LIMITS_IAM_ACTIONS, ...USAGE_IAM_ACTIONS, ...COUNTERS.flatMap((c) => c.iamActions)]);
}

export function iamPolicy(options: PolicyOptions): PolicyDocument {
  const statements: PolicyStatement[] = [
    { Sid: 'HeadroomReadQuotasAndUsage', Effect: 'Allow', Action: readActions(), Resource: '*' },
  ];
  statements.push(
    { Sid: 'HeadroomDiscoverRegions', Effect: 'Allow', Action: unique(REGIONS_IAM_ACTIONS), Resource: '*' },
    {
      Sid: 'HeadroomDiscoverAccountsFromManagementAccount',
      Effect: 'Allow',
      Action: unique(ORGANIZATIONS_IAM_ACTIONS),
      Resource: '*',
    },
  );
  statements.push({
    Sid: 'HeadroomAssumeMemberRoles',
    Effect: 'Allow',
    Action: ['sts:AssumeRole'],
    Resource: `arn:aws:iam::*:role/${options.roleName}`,
  });
  statements.push({
    Sid: 'HeadroomPublishAlerts',
    Effect: 'Allow',
    Action: unique(NOTIFY_IAM_ACTIONS),
    Resource: '*',
  });
  if (options.requests) {
    statements.push({
      Sid: 'HeadroomRequestIncreases',
      Effect: 'Allow',
      Action: unique(REQUESTS_IAM_ACTIONS),
      Resource: '*',
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** The policy as `headroom iam-policy` prints it and docs/iam-policy.json holds it. */
export function renderIamPolicy(policy: PolicyDocument): string {
  return `${JSON.stringify(policy, null, 2)}\n`;
}

/** Every action of a policy, sorted. */
export function policyActions(policy: PolicyDocument): string[] {
  return unique(policy.Statement.flatMap((s) => s.Action));
}
