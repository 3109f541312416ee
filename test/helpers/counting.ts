/**
 * Helpers for usage-counter tests against a sandbox: an AwsSession as headroom builds one (the
 * management account's keys, members through OrganizationAccountAccessRole), a sandbox and such a
 * session for a test file, a target's quotas of one service as the collector reads them, a minimal
 * quota for a code, and counts in an order to compare them in.
 */
import {
  ListAWSDefaultServiceQuotasCommand,
  type ListAWSDefaultServiceQuotasCommandOutput,
  ListServiceQuotasCommand,
  type ListServiceQuotasCommandOutput,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { afterAll, beforeAll } from 'vitest';
import { AwsSession } from '../../src/aws/session.js';
import { mergeQuotas, toQuota } from '../../src/collect/limits.js';
import type { Quota } from '../../src/domain/quota.js';
import type { Target } from '../../src/domain/target.js';
import { silentLogger } from '../../src/logging/logger.js';
import type { RuntimeConfig, Sandbox, SandboxOptions } from '../../src/sandbox/index.js';
import type { UsageCount } from '../../src/services/service.js';
import { clientSettings, sandboxForTests } from './sandbox.js';

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

/** A sandbox for a test file's counters, and a `counterSession` over it for as long as it runs. */
export interface CounterSandbox {
  readonly sandbox: Sandbox;
  readonly session: AwsSession;
}

/**
 * For the file (or `describe`) that calls this at its top level: a sandbox as `sandboxForTests`
 * starts it (with `reset` after each test), and a `counterSession` over it, closed after the tests.
 */
export function counterSandbox(options: SandboxOptions, reset?: Partial<RuntimeConfig>): CounterSandbox {
  const sandbox = sandboxForTests(options, reset);
  let session: AwsSession | undefined;
  beforeAll(() => {
    session = counterSession(sandbox);
  });
  afterAll(() => {
    session?.close();
    session = undefined;
  });
  return {
    sandbox,
    get session() {
      if (!session) throw new Error('the session exists only inside tests and their hooks');
      return session;
    },
  };
}

/** Counts in one order (by quota code, then resource), to compare found with expected. */
export function sortedCounts(counts: readonly UsageCount[]): UsageCount[] {
  const key = (c: UsageCount) => `${c.quotaCode}|${c.resource ?? ''}`;
  return [...counts].sort((a, b) => key(a).localeCompare(key(b)));
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
