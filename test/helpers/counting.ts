/**
 * Helpers for usage-counter tests against a sandbox: an AwsSession as headroom builds one (the
 * management account's keys, members through OrganizationAccountAccessRole), a target's quotas
 * of one service as the collector reads them, and a minimal quota for a code.
 */
import {
  ListAWSDefaultServiceQuotasCommand,
  type ListAWSDefaultServiceQuotasCommandOutput,
  ListServiceQuotasCommand,
  type ListServiceQuotasCommandOutput,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { AwsSession } from '../../src/aws/session.js';
import { mergeQuotas, toQuota } from '../../src/collect/limits.js';
import type { Quota } from '../../src/domain/quota.js';
import type { Target } from '../../src/domain/target.js';
import { silentLogger } from '../../src/logging/logger.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { clientSettings } from './sandbox.js';

/** A session over the sandbox's organisation, unpaced (tests run the sandbox unthrottled). */
export function counterSession(sandbox: Sandbox): AwsSession {
  const accounts = sandbox.admin.accounts();
  const management = accounts.find((a) => a.management);
  if (!management) throw new Error('the sandbox has no management account');
  return new AwsSession({
    retryMode: 'standard',
    maxAttempts: 3,
    maxConcurrency: 16,
    logger: silentLogger(),
    endpoint: sandbox.url,
    credentials: { accessKeyId: management.accessKeyId, secretAccessKey: management.secretAccessKey },
    accounts: accounts
      .filter((a) => !a.management)
      .map((a) => ({ accountId: a.id, roleArn: `arn:aws:iam::${a.id}:role/OrganizationAccountAccessRole` })),
    pace: false,
  });
}

/**
 * A target's quotas of one service as the collector reads them: ListServiceQuotas merged with
 * ListAWSDefaultServiceQuotas (a quota with no applied value keeps its default), every page.
 */
export async function targetQuotas(sandbox: Sandbox, target: Target, serviceCode: string): Promise<Quota[]> {
  const index = sandbox.admin.accounts().findIndex((a) => a.id === target.accountId);
  const client = new ServiceQuotasClient(clientSettings(sandbox, { account: index, region: target.region }));
  try {
    const applied: Quota[] = [];
    const defaults: Quota[] = [];
    let token: string | undefined;
    do {
      const page: ListServiceQuotasCommandOutput = await client.send(
        new ListServiceQuotasCommand({ ServiceCode: serviceCode, NextToken: token, MaxResults: 100 }),
      );
      applied.push(...(page.Quotas ?? []).map((q) => toQuota(q, 'applied')));
      token = page.NextToken;
    } while (token !== undefined);
    do {
      const page: ListAWSDefaultServiceQuotasCommandOutput = await client.send(
        new ListAWSDefaultServiceQuotasCommand({
          ServiceCode: serviceCode,
          NextToken: token,
          MaxResults: 100,
        }),
      );
      defaults.push(...(page.Quotas ?? []).map((q) => toQuota(q, 'default')));
      token = page.NextToken;
    } while (token !== undefined);
    return mergeQuotas(defaults, applied);
  } finally {
    client.destroy();
  }
}

/** A quota with only what a counter reads: its service and code (and a value of 100). */
export function minimalQuota(serviceCode: string, quotaCode: string): Quota {
  return {
    serviceCode,
    serviceName: serviceCode,
    quotaCode,
    quotaName: quotaCode,
    quotaArn: null,
    value: 100,
    source: 'applied',
    defaultValue: 100,
    unit: 'None',
    adjustable: true,
    global: false,
    usageMetric: null,
    period: null,
    appliedAtLevel: null,
    context: null,
    errorReason: null,
  };
}
