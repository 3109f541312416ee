/**
 * What every store adapter must do, as one Vitest suite: each adapter's test file calls
 * `runStoreContract` with a factory for fresh, empty stores (drizzle's shared dialect suites,
 * hono's `common.case.test.ts`). Only the port is used here, never an adapter's insides.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Approval } from '../domain/approval.js';
import { type AuditKind, GENESIS_HASH, verifyChain } from '../domain/audit.js';
import type { AlertMessage, Notification, QuotaState } from '../domain/engine.js';
import { StorageError } from '../domain/errors.js';
import type { DiscoveredAccount, InventoryProblem } from '../domain/inventory.js';
import type {
  CollectError,
  CollectorOutcome,
  LimitSnapshot,
  Quota,
  UsageSample,
  UsageSnapshot,
} from '../domain/quota.js';
import {
  REQUEST_STATUSES,
  type QuotaRequestRecord,
  type RequestKind,
  type RequestStatus,
} from '../domain/request.js';
import type { Target } from '../domain/target.js';
import type { ApiCallStat, DefaultsSnapshot, Store } from './port.js';

const ACCOUNT = '123456789012';
const OTHER_ACCOUNT = '210987654321';
const US_EAST_1: Target = { accountId: ACCOUNT, region: 'us-east-1' };
const EU_WEST_1: Target = { accountId: ACCOUNT, region: 'eu-west-1' };
const OTHER_US_EAST_1: Target = { accountId: OTHER_ACCOUNT, region: 'us-east-1' };

const T0 = Date.parse('2026-11-20T06:00:00.000Z');
/** A time `minutes` after T0. */
function at(minutes: number): Date {
  return new Date(T0 + minutes * 60_000);
}

function arn(target: Target, service: string, quota: string): string {
  return `arn:aws:servicequotas:${target.region}:${target.accountId}:${service}/${quota}`;
}

/** Realistic quotas of one target, covering every field and every kind of null. */
function quotasOf(target: Target): Quota[] {
  const ec2OnDemand: Quota = {
    serviceCode: 'ec2',
    serviceName: 'Amazon Elastic Compute Cloud (Amazon EC2)',
    quotaCode: 'L-1216C47A',
    quotaName: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances',
    quotaArn: arn(target, 'ec2', 'L-1216C47A'),
    value: 1152,
    source: 'applied',
    defaultValue: 5,
    unit: 'None',
    adjustable: true,
    global: false,
    usageMetric: {
      namespace: 'AWS/Usage',
      name: 'ResourceCount',
      dimensions: { Class: 'Standard/OnDemand', Resource: 'vCPU', Service: 'EC2', Type: 'Resource' },
      statistic: 'Maximum',
    },
    period: null,
    appliedAtLevel: 'ACCOUNT',
    context: null,
    errorReason: null,
  };
  const iamRoles: Quota = {
    serviceCode: 'iam',
    serviceName: 'AWS Identity and Access Management (IAM)',
    quotaCode: 'L-FE177D64',
    quotaName: 'Roles per account',
    // Global quotas carry no region in their ARN.
    quotaArn: `arn:aws:servicequotas::${target.accountId}:iam/L-FE177D64`,
    value: 1000,
    source: 'default',
    defaultValue: 1000,
    unit: 'None',
    adjustable: true,
    global: true,
    usageMetric: null,
    period: null,
    appliedAtLevel: null,
    context: null,
    errorReason: null,
  };
  const ebsGp2: Quota = {
    serviceCode: 'ebs',
    serviceName: 'Amazon Elastic Block Store (Amazon EBS)',
    quotaCode: 'L-D18FCD1D',
    quotaName: 'Storage for General Purpose SSD (gp2) volumes, in TiB',
    quotaArn: null,
    value: null,
    source: 'default',
    defaultValue: null,
    unit: 'None',
    adjustable: true,
    global: false,
    usageMetric: null,
    period: null,
    appliedAtLevel: null,
    context: null,
    errorReason: {
      code: 'DEPENDENCY_ACCESS_DENIED_ERROR',
      message: 'The calling identity does not have the required permissions.',
    },
  };
  const getMetricDataRate: Quota = {
    serviceCode: 'monitoring',
    serviceName: 'Amazon CloudWatch',
    quotaCode: 'L-5E141212',
    quotaName: 'Rate of GetMetricData requests',
    quotaArn: arn(target, 'monitoring', 'L-5E141212'),
    value: 62.5,
    source: 'applied',
    defaultValue: 50,
    unit: 'None',
    adjustable: true,
    global: false,
    usageMetric: {
      namespace: 'AWS/Usage',
      name: 'CallCount',
      dimensions: { Class: 'None', Resource: 'GetMetricData', Service: 'CloudWatch', Type: 'API' },
      statistic: 'Sum',
    },
    period: { value: 1, unit: 'SECOND' },
    appliedAtLevel: 'ACCOUNT',
    context: null,
    errorReason: null,
  };
  const lambdaConcurrency = {
    serviceCode: 'lambda',
    serviceName: 'AWS Lambda',
    quotaCode: 'L-B99A9384',
    quotaName: 'Concurrent executions',
    quotaArn: arn(target, 'lambda', 'L-B99A9384'),
    source: 'applied',
    defaultValue: 1000,
    unit: 'None',
    adjustable: true,
    global: false,
    usageMetric: null,
    period: null,
    errorReason: null,
  } as const;
  // The same quota at two levels: the account's value, then one function's (QuotaContext).
  const lambdaAccount: Quota = {
    ...lambdaConcurrency,
    value: 3000,
    appliedAtLevel: 'ACCOUNT',
    context: null,
  };
  const lambdaFunction: Quota = {
    ...lambdaConcurrency,
    value: 400,
    appliedAtLevel: 'RESOURCE',
    context: {
      scope: 'RESOURCE',
      scopeType: 'AWS::Lambda::Function',
      contextId: `arn:aws:lambda:${target.region}:${target.accountId}:function:checkout`,
    },
  };
  // Saved out of order on purpose.
  return [lambdaAccount, iamRoles, ec2OnDemand, lambdaFunction, getMetricDataRate, ebsGp2];
}

function byCodes(
  a: { serviceCode: string; quotaCode: string },
  b: { serviceCode: string; quotaCode: string },
) {
  const key = (q: typeof a) => `${q.serviceCode}\u0000${q.quotaCode}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

/** `count` plausible quotas over a dozen services, the same names and metrics in every target. */
function manyQuotas(target: Target, count: number): Quota[] {
  const services = ['apigateway', 'dynamodb', 'ebs', 'ec2', 'ecs', 'eks', 'elasticloadbalancing', 'iam'];
  return Array.from({ length: count }, (_, i): Quota => {
    const serviceCode = services[i % services.length] ?? 'ec2';
    const quotaCode = `L-${(0x10000000 + i * 7919).toString(16).toUpperCase()}`;
    return {
      serviceCode,
      serviceName: `Service ${serviceCode}`,
      quotaCode,
      quotaName: `Quota ${i} of ${serviceCode}`,
      quotaArn: arn(target, serviceCode, quotaCode),
      value: i % 10 === 0 ? null : i * 5,
      source: i % 3 === 0 ? 'default' : 'applied',
      defaultValue: i % 10 === 0 ? null : i * 4,
      unit: i % 5 === 0 ? 'Count' : 'None',
      adjustable: i % 2 === 0,
      global: serviceCode === 'iam',
      usageMetric:
        i % 4 === 0
          ? {
              namespace: 'AWS/Usage',
              name: 'ResourceCount',
              dimensions: { Class: 'None', Resource: `R${i}`, Service: serviceCode, Type: 'Resource' },
              statistic: 'Maximum',
            }
          : null,
      period: i % 9 === 0 ? { value: 1, unit: 'SECOND' } : null,
      appliedAtLevel: i % 2 === 0 ? 'ACCOUNT' : null,
      context: null,
      errorReason:
        i % 10 === 0 ? { code: 'SERVICE_QUOTA_NOT_AVAILABLE_ERROR', message: 'not available' } : null,
    };
  });
}

const SERVICE_ERROR: CollectError = {
  scope: 'service',
  serviceCode: 'sagemaker',
  code: 'AccessDeniedException',
  message: 'User is not authorized to perform: servicequotas:ListServiceQuotas',
};

function limitSnapshot(
  target: Target,
  collectedAt: Date,
  quotas: readonly Quota[] = quotasOf(target),
): LimitSnapshot {
  return { target, collectedAt, complete: false, quotas, errors: [SERVICE_ERROR] };
}

/** The snapshot as the store must give it back: quotas by service code, then quota code. */
function sorted(snapshot: LimitSnapshot): LimitSnapshot {
  return { ...snapshot, quotas: [...snapshot.quotas].sort(byCodes) };
}

function usageSnapshot(target: Target, collectedAt: Date, samples: readonly UsageSample[]): UsageSnapshot {
  return {
    target,
    collectedAt,
    source: 'cloudwatch',
    windowStart: new Date(collectedAt.getTime() - 3_600_000),
    windowEnd: collectedAt,
    complete: true,
    samples,
    errors: [],
  };
}

function ec2Usage(value: number, observedAt: Date | null): UsageSample {
  return { serviceCode: 'ec2', quotaCode: 'L-1216C47A', value, observedAt };
}

function defaultsSnapshot(region: string, collectedAt: Date): DefaultsSnapshot {
  const defaults = quotasOf({ accountId: '', region })
    .filter((quota) => quota.context === null)
    .map((quota): Quota => ({
      ...quota,
      source: 'default',
      value: quota.defaultValue,
      appliedAtLevel: null,
    }));
  return {
    region,
    collectedAt,
    services: [
      { serviceCode: 'ec2', serviceName: 'Amazon Elastic Compute Cloud (Amazon EC2)' },
      { serviceCode: 'iam', serviceName: 'AWS Identity and Access Management (IAM)' },
      { serviceCode: 'lambda', serviceName: 'AWS Lambda' },
      { serviceCode: 'sagemaker', serviceName: 'Amazon SageMaker' },
    ],
    unread: ['sagemaker'],
    quotas: defaults,
    complete: false,
    failedServices: [{ ...SERVICE_ERROR, serviceCode: 'lambda' }],
  };
}

function apiCall(overrides: Partial<ApiCallStat>): ApiCallStat {
  return {
    at: at(0),
    runId: 'run-1',
    accountId: ACCOUNT,
    region: 'us-east-1',
    service: 'service-quotas',
    operation: 'ListServiceQuotas',
    calls: 42,
    attempts: 45,
    throttled: 3,
    failed: 0,
    durationMs: 1234.5,
    ...overrides,
  };
}

/** AWS's id of the request `request()` gives (RequestedServiceQuotaChange.Id). */
const AWS_REQUEST_ID = 'd187537d15254312a9609aa51EXAMPLE';

/** A pending EC2 increase request filed by a person from a plan; overrides change any field. */
function request(overrides: Partial<QuotaRequestRecord> = {}): QuotaRequestRecord {
  return {
    id: 'hr-00000000000a',
    kind: 'increase',
    target: US_EAST_1,
    serviceCode: 'ec2',
    quotaCode: 'L-1216C47A',
    quotaName: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances',
    unit: 'None',
    global: false,
    fromValue: 1152,
    desiredValue: 1536,
    status: 'PENDING',
    awsRequestId: AWS_REQUEST_ID,
    caseId: null,
    requestedBy: 'ana@ops-laptop',
    callerArn: `arn:aws:sts::${ACCOUNT}:assumed-role/HeadroomOperator/ana`,
    planId: 'plan-20261120-0600',
    reason: 'forecast: 92% of the limit by 2026-12-04',
    message: null,
    createdAt: at(0),
    updatedAt: at(0),
    checkedAt: null,
    ...overrides,
  };
}

/**
 * Runs the store contract against fresh stores from `makeStore` (each test gets its own and
 * closes it).
 *
 * @example
 * runStoreContract('sqlite :memory:', () => openSqliteStore(':memory:'));
 */
export function runStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await makeStore();
    });

    afterEach(async () => {
      await store.close();
    });

    describe('targets', () => {
      it('lists recorded targets by account, then region, with their name and sightings', async () => {
        expect(await store.listTargets()).toEqual([]);
        await store.upsertTargets([
          { target: OTHER_US_EAST_1, accountName: 'payments-prod', seenAt: at(1) },
          { target: US_EAST_1, accountName: 'platform-prod', seenAt: at(2) },
          { target: EU_WEST_1, accountName: 'platform-prod', seenAt: at(3) },
        ]);
        expect(await store.listTargets()).toStrictEqual([
          { ...EU_WEST_1, accountName: 'platform-prod', firstSeen: at(3), lastSeen: at(3) },
          { ...US_EAST_1, accountName: 'platform-prod', firstSeen: at(2), lastSeen: at(2) },
          { ...OTHER_US_EAST_1, accountName: 'payments-prod', firstSeen: at(1), lastSeen: at(1) },
        ]);
      });

      it('refreshes the name and lastSeen of a known target and keeps its firstSeen', async () => {
        await store.upsertTargets([{ target: US_EAST_1, accountName: 'platform', seenAt: at(0) }]);
        await store.upsertTargets([{ target: US_EAST_1, accountName: 'platform-prod', seenAt: at(60) }]);
        expect(await store.listTargets()).toStrictEqual([
          { ...US_EAST_1, accountName: 'platform-prod', firstSeen: at(0), lastSeen: at(60) },
        ]);
      });

      it('keeps a known account name when a later sighting has none', async () => {
        await store.upsertTargets([{ target: US_EAST_1, accountName: 'platform-prod', seenAt: at(0) }]);
        await store.upsertTargets([{ target: US_EAST_1, accountName: null, seenAt: at(60) }]);
        const [listed] = await store.listTargets();
        expect(listed).toMatchObject({ accountName: 'platform-prod', lastSeen: at(60) });
      });

      it('takes a target listed twice in one call once, with its last sighting', async () => {
        await store.upsertTargets([
          { target: US_EAST_1, accountName: 'platform', seenAt: at(0) },
          { target: US_EAST_1, accountName: 'platform-prod', seenAt: at(5) },
        ]);
        expect(await store.listTargets()).toStrictEqual([
          { ...US_EAST_1, accountName: 'platform-prod', firstSeen: at(0), lastSeen: at(5) },
        ]);
      });

      it('does not list a target known only from its snapshots', async () => {
        await store.saveLimitSnapshot(limitSnapshot(US_EAST_1, at(0)));
        await store.saveUsageSnapshot(usageSnapshot(EU_WEST_1, at(0), [ec2Usage(1, null)]));
        expect(await store.listTargets()).toEqual([]);
        await store.upsertTargets([{ target: US_EAST_1, accountName: null, seenAt: at(9) }]);
        expect(await store.listTargets()).toStrictEqual([
          { ...US_EAST_1, accountName: null, firstSeen: at(9), lastSeen: at(9) },
        ]);
      });
    });

    describe('limit snapshots', () => {
      it('has none for a target never saved', async () => {
        await store.saveLimitSnapshot(limitSnapshot(US_EAST_1, at(0)));
        expect(await store.latestLimitSnapshot(EU_WEST_1)).toBeUndefined();
        expect(await store.latestLimitSnapshot(OTHER_US_EAST_1)).toBeUndefined();
      });

      it('gives back every field of every quota, and the errors', async () => {
        const snapshot = limitSnapshot(US_EAST_1, at(0));
        await store.saveLimitSnapshot(snapshot);
        const back = await store.latestLimitSnapshot(US_EAST_1);
        expect(back).toStrictEqual(sorted(snapshot));
        // Spot checks, so a failure names the field.
        const quota = (code: string, level: string | null = null) =>
          back?.quotas.find((q) => q.quotaCode === code && (level === null || q.appliedAtLevel === level));
        expect(quota('L-1216C47A')?.usageMetric?.dimensions).toStrictEqual({
          Class: 'Standard/OnDemand',
          Resource: 'vCPU',
          Service: 'EC2',
          Type: 'Resource',
        });
        expect(quota('L-1216C47A')?.quotaArn).toBe(
          'arn:aws:servicequotas:us-east-1:123456789012:ec2/L-1216C47A',
        );
        expect(quota('L-FE177D64')).toMatchObject({
          global: true,
          quotaArn: `arn:aws:servicequotas::${ACCOUNT}:iam/L-FE177D64`,
        });
        expect(quota('L-D18FCD1D')).toMatchObject({
          value: null,
          defaultValue: null,
          quotaArn: null,
          errorReason: { code: 'DEPENDENCY_ACCESS_DENIED_ERROR' },
        });
        expect(quota('L-5E141212')).toMatchObject({ value: 62.5, period: { value: 1, unit: 'SECOND' } });
        expect(quota('L-B99A9384', 'RESOURCE')?.context?.scopeType).toBe('AWS::Lambda::Function');
        expect(back?.errors).toStrictEqual([SERVICE_ERROR]);
        expect(back?.complete).toBe(false);
        expect(back?.collectedAt).toStrictEqual(at(0));
      });

      it('orders quotas by service code, then quota code; rows of one quota code keep their saved order', async () => {
        await store.saveLimitSnapshot(limitSnapshot(US_EAST_1, at(0)));
        const back = await store.latestLimitSnapshot(US_EAST_1);
        expect(back?.quotas.map((q) => `${q.serviceCode}/${q.quotaCode}/${q.appliedAtLevel ?? '-'}`)).toEqual(
          [
            'ebs/L-D18FCD1D/-',
            'ec2/L-1216C47A/ACCOUNT',
            'iam/L-FE177D64/-',
            'lambda/L-B99A9384/ACCOUNT',
            'lambda/L-B99A9384/RESOURCE',
            'monitoring/L-5E141212/ACCOUNT',
          ],
        );
      });

      it('gives the newest by collectedAt, not the last saved', async () => {
        const newer = limitSnapshot(US_EAST_1, at(120), quotasOf(US_EAST_1).slice(0, 2));
        const older = limitSnapshot(US_EAST_1, at(60), quotasOf(US_EAST_1).slice(2));
        await store.saveLimitSnapshot(newer);
        await store.saveLimitSnapshot(older);
        expect(await store.latestLimitSnapshot(US_EAST_1)).toStrictEqual(sorted(newer));
      });

      it('gives the last saved of two snapshots with the same collectedAt', async () => {
        const first = limitSnapshot(US_EAST_1, at(0), quotasOf(US_EAST_1).slice(0, 2));
        const second = limitSnapshot(US_EAST_1, at(0), quotasOf(US_EAST_1).slice(0, 3));
        await store.saveLimitSnapshot(first);
        await store.saveLimitSnapshot(second);
        expect(await store.latestLimitSnapshot(US_EAST_1)).toStrictEqual(sorted(second));
        expect(await store.cacheEntries()).toMatchObject([{ target: US_EAST_1, quotaCount: 3 }]);
      });

      it('keeps targets apart: same account in another region, another account in the same region', async () => {
        const snapshots = [US_EAST_1, EU_WEST_1, OTHER_US_EAST_1].map((target, i) =>
          limitSnapshot(target, at(i), quotasOf(target).slice(i)),
        );
        for (const snapshot of snapshots) await store.saveLimitSnapshot(snapshot);
        for (const snapshot of snapshots) {
          expect(await store.latestLimitSnapshot(snapshot.target)).toStrictEqual(sorted(snapshot));
        }
      });

      it('gives each target the metadata it was saved with when targets disagree', async () => {
        const renamed = quotasOf(EU_WEST_1).map((quota): Quota => {
          if (quota.quotaCode === 'L-1216C47A') {
            return {
              ...quota,
              quotaName: 'Running On-Demand Standard instances',
              adjustable: false,
              unit: 'Count',
            };
          }
          return quota.period === null ? quota : { ...quota, period: { value: 1, unit: 'MINUTE' } };
        });
        await store.saveLimitSnapshot(limitSnapshot(US_EAST_1, at(0)));
        await store.saveLimitSnapshot(limitSnapshot(EU_WEST_1, at(1), renamed));
        expect(await store.latestLimitSnapshot(US_EAST_1)).toStrictEqual(
          sorted(limitSnapshot(US_EAST_1, at(0))),
        );
        expect(await store.latestLimitSnapshot(EU_WEST_1)).toStrictEqual(
          sorted(limitSnapshot(EU_WEST_1, at(1), renamed)),
        );
      });

      it('keeps the 5 newest limit snapshots of a target', async () => {
        for (const minute of [30, 10, 70, 0, 50, 20, 60]) {
          await store.saveLimitSnapshot(limitSnapshot(US_EAST_1, at(minute)));
        }
        await store.saveLimitSnapshot(limitSnapshot(EU_WEST_1, at(0)));
        expect((await store.latestLimitSnapshot(US_EAST_1))?.collectedAt).toStrictEqual(at(70));
        expect(await store.clearCache({ target: US_EAST_1 })).toBe(5);
        expect(await store.clearCache({ target: EU_WEST_1 })).toBe(1);
      });

      it('saves and gives back a 4,000-quota snapshot (more rows than one statement binds)', async () => {
        const snapshot = { ...limitSnapshot(US_EAST_1, at(0), manyQuotas(US_EAST_1, 4000)), complete: true };
        await store.saveLimitSnapshot(snapshot);
        const back = await store.latestLimitSnapshot(US_EAST_1);
        expect(back?.quotas).toHaveLength(4000);
        expect(back).toStrictEqual(sorted(snapshot));
      });

      it.each<[string, (snapshot: LimitSnapshot) => LimitSnapshot]>([
        [
          'its last quota has an unknown source',
          (s) => ({
            ...s,
            quotas: [...s.quotas.slice(0, -1), { ...s.quotas[0], source: 'guessed' } as unknown as Quota],
          }),
        ],
        [
          'its last quota has an unknown appliedAtLevel',
          (s) => ({
            ...s,
            quotas: [...s.quotas.slice(0, -1), { ...s.quotas[0], appliedAtLevel: 'ORG' } as unknown as Quota],
          }),
        ],
        ['its collectedAt is not a date', (s) => ({ ...s, collectedAt: new Date(Number.NaN) })],
      ])('stores nothing of a snapshot when %s, and keeps the previous one', async (_, spoil) => {
        const previous = limitSnapshot(US_EAST_1, at(0));
        await store.saveLimitSnapshot(previous);
        const bad = spoil(limitSnapshot(US_EAST_1, at(60), manyQuotas(US_EAST_1, 4000)));
        const failure = store.saveLimitSnapshot(bad);
        await expect(failure).rejects.toBeInstanceOf(StorageError);
        await expect(failure).rejects.toMatchObject({ code: 'HR_STORE_WRITE' });
        expect(await store.latestLimitSnapshot(US_EAST_1)).toStrictEqual(sorted(previous));
        const [entry] = await store.cacheEntries();
        expect(entry).toMatchObject({ limitsAt: at(0), quotaCount: previous.quotas.length });
        // The store is still usable, and the failed snapshot's quotas save fine when valid.
        const good = limitSnapshot(US_EAST_1, at(90), manyQuotas(US_EAST_1, 4000));
        await store.saveLimitSnapshot(good);
        expect(await store.latestLimitSnapshot(US_EAST_1)).toStrictEqual(sorted(good));
      });
    });

    describe('usage snapshots and history', () => {
      const lambdaSample: UsageSample = {
        serviceCode: 'lambda',
        quotaCode: 'L-B99A9384',
        value: 1234,
        observedAt: at(-30),
      };
      const ebsSample: UsageSample = {
        serviceCode: 'ebs',
        quotaCode: 'L-D18FCD1D',
        value: 12.75,
        observedAt: null,
      };
      const samples = [lambdaSample, ec2Usage(872, at(-12)), ebsSample];

      it('has none for a target never saved', async () => {
        await store.saveUsageSnapshot(usageSnapshot(US_EAST_1, at(0), samples));
        expect(await store.latestUsageSnapshot(EU_WEST_1)).toBeUndefined();
      });

      it('gives back the header, every sample by service code then quota code, and the errors', async () => {
        const snapshot: UsageSnapshot = {
          ...usageSnapshot(US_EAST_1, at(0), samples),
          source: 'utilization-report',
          complete: false,
          errors: [
            { scope: 'usage', serviceCode: null, code: 'ThrottlingException', message: 'Rate exceeded' },
          ],
        };
        await store.saveUsageSnapshot(snapshot);
        expect(await store.latestUsageSnapshot(US_EAST_1)).toStrictEqual({
          ...snapshot,
          samples: [ebsSample, ec2Usage(872, at(-12)), lambdaSample],
        });
      });

      it('gives the newest by collectedAt', async () => {
        const newer = usageSnapshot(US_EAST_1, at(120), [ec2Usage(900, null)]);
        await store.saveUsageSnapshot(newer);
        await store.saveUsageSnapshot(usageSnapshot(US_EAST_1, at(60), [ec2Usage(800, null)]));
        expect(await store.latestUsageSnapshot(US_EAST_1)).toStrictEqual(newer);
      });

      it('gives one quota’s history oldest first, at observedAt or else collectedAt', async () => {
        await store.saveUsageSnapshot(usageSnapshot(US_EAST_1, at(120), [ec2Usage(830, null)]));
        await store.saveUsageSnapshot(usageSnapshot(US_EAST_1, at(0), samples));
        await store.saveUsageSnapshot(
          usageSnapshot(US_EAST_1, at(60), [ec2Usage(790, at(45)), lambdaSample]),
        );
        await store.saveUsageSnapshot(usageSnapshot(EU_WEST_1, at(30), [ec2Usage(5, null)]));
        const ec2 = { serviceCode: 'ec2', quotaCode: 'L-1216C47A' };
        expect(await store.usageHistory(US_EAST_1, ec2)).toStrictEqual([
          { at: at(-12), value: 872 },
          { at: at(45), value: 790 },
          { at: at(120), value: 830 },
        ]);
        expect(await store.usageHistory(US_EAST_1, ec2, at(45))).toStrictEqual([
          { at: at(45), value: 790 },
          { at: at(120), value: 830 },
        ]);
        expect(await store.usageHistory(EU_WEST_1, ec2)).toStrictEqual([{ at: at(30), value: 5 }]);
        expect(await store.usageHistory(US_EAST_1, { serviceCode: 'ec2', quotaCode: 'L-34B43A08' })).toEqual(
          [],
        );
        expect(await store.usageHistory(OTHER_US_EAST_1, ec2)).toEqual([]);
        // Every quota's history in one read agrees with the one-quota reads.
        const all = await store.usageHistories(US_EAST_1);
        expect(all.get('ec2/L-1216C47A')).toStrictEqual(await store.usageHistory(US_EAST_1, ec2));
        expect(all.get('lambda/L-B99A9384')).toStrictEqual(
          await store.usageHistory(US_EAST_1, { serviceCode: 'lambda', quotaCode: 'L-B99A9384' }),
        );
        expect((await store.usageHistories(US_EAST_1, at(45))).get('ec2/L-1216C47A')).toStrictEqual([
          { at: at(45), value: 790 },
          { at: at(120), value: 830 },
        ]);
        expect((await store.usageHistories(OTHER_US_EAST_1)).size).toBe(0);
      });

      it('keeps per-resource and counted samples apart from the quota as a whole', async () => {
        const listeners = (resource: string, value: number): UsageSample => ({
          serviceCode: 'elasticloadbalancing',
          quotaCode: 'L-B6DF7632',
          value,
          observedAt: null,
          resource,
          source: 'counter',
        });
        const eips: UsageSample = {
          serviceCode: 'ec2',
          quotaCode: 'L-0263D0A3',
          value: 3,
          observedAt: null,
          source: 'counter',
        };
        const snapshot = usageSnapshot(US_EAST_1, at(0), [
          ec2Usage(872, at(-12)),
          eips,
          listeners('app/web/1', 4),
          listeners('app/api/2', 9),
        ]);
        await store.saveUsageSnapshot(snapshot);
        expect((await store.latestUsageSnapshot(US_EAST_1))?.samples).toStrictEqual([
          eips,
          ec2Usage(872, at(-12)),
          listeners('app/web/1', 4),
          listeners('app/api/2', 9),
        ]);
        const quota = { serviceCode: 'elasticloadbalancing', quotaCode: 'L-B6DF7632' };
        expect(await store.usageHistory(US_EAST_1, { ...quota, resource: 'app/api/2' })).toStrictEqual([
          { at: at(0), value: 9 },
        ]);
        expect(await store.usageHistory(US_EAST_1, quota)).toEqual([]);
      });

      it('keeps history past the 5 newest usage snapshots it keeps whole', async () => {
        for (let hour = 0; hour < 7; hour++) {
          await store.saveUsageSnapshot(
            usageSnapshot(US_EAST_1, at(hour * 60), [ec2Usage(800 + hour, null)]),
          );
        }
        const history = await store.usageHistory(US_EAST_1, { serviceCode: 'ec2', quotaCode: 'L-1216C47A' });
        expect(history.map((point) => point.value)).toEqual([800, 801, 802, 803, 804, 805, 806]);
        expect((await store.latestUsageSnapshot(US_EAST_1))?.samples).toStrictEqual([ec2Usage(806, null)]);
        expect(await store.clearCache({ target: US_EAST_1 })).toBe(5);
      });

      it('keeps history through clearCache(), and forgets it with history: true', async () => {
        const ec2 = { serviceCode: 'ec2', quotaCode: 'L-1216C47A' };
        await store.saveUsageSnapshot(usageSnapshot(US_EAST_1, at(0), [ec2Usage(1, null)]));
        await store.saveUsageSnapshot(usageSnapshot(EU_WEST_1, at(0), [ec2Usage(2, null)]));
        expect(await store.clearCache()).toBe(2);
        expect(await store.latestUsageSnapshot(US_EAST_1)).toBeUndefined();
        expect(await store.usageHistory(US_EAST_1, ec2)).toStrictEqual([{ at: at(0), value: 1 }]);

        await store.clearCache({ target: US_EAST_1, history: true });
        expect(await store.usageHistory(US_EAST_1, ec2)).toEqual([]);
        expect(await store.usageHistory(EU_WEST_1, ec2)).toStrictEqual([{ at: at(0), value: 2 }]);
        await store.clearCache({ history: true });
        expect(await store.usageHistory(EU_WEST_1, ec2)).toEqual([]);
      });
    });

    describe('defaults', () => {
      it('gives back a region’s newest defaults whole, and none for another region', async () => {
        const older = defaultsSnapshot('us-east-1', at(0));
        const newer = {
          ...defaultsSnapshot('us-east-1', at(60)),
          complete: true,
          unread: [],
          failedServices: [],
        };
        await store.saveDefaults(newer);
        await store.saveDefaults(older);
        expect(await store.latestDefaults('us-east-1')).toStrictEqual({
          ...newer,
          quotas: [...newer.quotas].sort(byCodes),
        });
        expect(await store.latestDefaults('eu-west-1')).toBeUndefined();
        await store.saveDefaults(defaultsSnapshot('eu-west-1', at(5)));
        const euWest = await store.latestDefaults('eu-west-1');
        expect(euWest?.unread).toEqual(['sagemaker']);
        expect(euWest?.failedServices).toStrictEqual([{ ...SERVICE_ERROR, serviceCode: 'lambda' }]);
        expect(euWest?.quotas.find((q) => q.quotaCode === 'L-1216C47A')?.quotaArn).toBe(
          'arn:aws:servicequotas:eu-west-1::ec2/L-1216C47A',
        );
      });

      it('keeps the 2 newest defaults of each region; clearCache() removes them', async () => {
        for (const minute of [0, 60, 120])
          await store.saveDefaults(defaultsSnapshot('us-east-1', at(minute)));
        await store.saveDefaults(defaultsSnapshot('eu-west-1', at(0)));
        expect((await store.latestDefaults('us-east-1'))?.collectedAt).toStrictEqual(at(120));
        expect(await store.clearCache({ target: US_EAST_1 })).toBe(0);
        expect(await store.latestDefaults('us-east-1')).toBeDefined();
        expect(await store.clearCache()).toBe(3);
        expect(await store.latestDefaults('us-east-1')).toBeUndefined();
        expect(await store.latestDefaults('eu-west-1')).toBeUndefined();
      });
    });

    describe('API call statistics', () => {
      const calls = [
        apiCall({ at: at(2), operation: 'ListAWSDefaultServiceQuotas', calls: 7, attempts: 7, throttled: 0 }),
        apiCall({ at: at(1) }),
        apiCall({
          at: at(3),
          runId: 'run-2',
          region: 'eu-west-1',
          service: 'cloudwatch',
          operation: 'GetMetricData',
        }),
      ];

      it('appends rows and gives them back oldest first, every field', async () => {
        await store.recordApiCalls(calls.slice(0, 2));
        await store.recordApiCalls(calls.slice(2));
        expect(await store.apiCallStats()).toStrictEqual([calls[1], calls[0], calls[2]]);
        await store.recordApiCalls(calls.slice(1, 2));
        expect(await store.apiCallStats()).toHaveLength(4);
      });

      it('filters by run and by time (inclusive)', async () => {
        await store.recordApiCalls(calls);
        expect(await store.apiCallStats({ runId: 'run-1' })).toStrictEqual([calls[1], calls[0]]);
        expect(await store.apiCallStats({ since: at(2) })).toStrictEqual([calls[0], calls[2]]);
        expect(await store.apiCallStats({ runId: 'run-1', since: at(2) })).toStrictEqual([calls[0]]);
        expect(await store.apiCallStats({ runId: 'run-3' })).toEqual([]);
      });
    });

    describe('API call totals', () => {
      it('sums calls and throttled attempts per service and operation, by service then operation', async () => {
        expect(await store.apiCallTotals()).toEqual([]);
        await store.recordApiCalls([
          apiCall({ calls: 2, throttled: 1 }),
          apiCall({ runId: 'run-2', region: 'eu-west-1', calls: 3, throttled: 0 }),
          apiCall({ service: 'cloudwatch', operation: 'GetMetricData', calls: 5, throttled: 4 }),
          apiCall({ operation: 'ListAWSDefaultServiceQuotas', calls: 7, throttled: 0 }),
        ]);
        expect(await store.apiCallTotals()).toStrictEqual([
          { service: 'cloudwatch', operation: 'GetMetricData', calls: 5, throttled: 4 },
          { service: 'service-quotas', operation: 'ListAWSDefaultServiceQuotas', calls: 7, throttled: 0 },
          { service: 'service-quotas', operation: 'ListServiceQuotas', calls: 5, throttled: 1 },
        ]);
      });
    });

    describe('latest snapshots in bulk', () => {
      it('gives every target with a snapshot its newest limits and usage, as the single reads do', async () => {
        expect(await store.latestSnapshots()).toEqual([]);
        await store.upsertTargets([
          { target: US_EAST_1, accountName: 'platform-prod', seenAt: at(0) },
          { target: OTHER_US_EAST_1, accountName: null, seenAt: at(0) },
        ]);
        await store.saveLimitSnapshot(limitSnapshot(US_EAST_1, at(1)));
        await store.saveLimitSnapshot(limitSnapshot(US_EAST_1, at(3), manyQuotas(US_EAST_1, 600)));
        await store.saveLimitSnapshot(limitSnapshot(US_EAST_1, at(2)));
        await store.saveLimitSnapshot(limitSnapshot(EU_WEST_1, at(1)));
        await store.saveUsageSnapshot(usageSnapshot(US_EAST_1, at(1), [ec2Usage(1, at(0))]));
        await store.saveUsageSnapshot(
          usageSnapshot(US_EAST_1, at(2), [
            ec2Usage(7, at(1)),
            { ...ec2Usage(3, null), resource: 'i-0abc', source: 'counter' },
          ]),
        );
        await store.saveUsageSnapshot(usageSnapshot(OTHER_US_EAST_1, at(2), []));
        const all = await store.latestSnapshots();
        expect(all.map((t) => [t.target, t.accountName])).toStrictEqual([
          [EU_WEST_1, null],
          [US_EAST_1, 'platform-prod'],
          [OTHER_US_EAST_1, null],
        ]);
        for (const entry of all) {
          expect(entry.limits).toStrictEqual(await store.latestLimitSnapshot(entry.target));
          expect(entry.usage).toStrictEqual(await store.latestUsageSnapshot(entry.target));
        }
        expect(all[1]?.limits?.quotas).toHaveLength(600);
        expect(all[2]?.limits).toBeUndefined();
        expect(all[0]?.usage).toBeUndefined();
      });

      it(
        'reads a fleet with more quotas than a call takes arguments (160,000)',
        { timeout: 120_000 },
        async () => {
          const targets = [
            US_EAST_1,
            EU_WEST_1,
            OTHER_US_EAST_1,
            { accountId: OTHER_ACCOUNT, region: 'eu-west-1' },
          ];
          for (const target of targets) {
            const quotas = manyQuotas(target, 40_000);
            await store.saveLimitSnapshot(limitSnapshot(target, at(1), quotas));
            await store.saveUsageSnapshot(
              usageSnapshot(
                target,
                at(1),
                quotas.map((q, i) => ({
                  serviceCode: q.serviceCode,
                  quotaCode: q.quotaCode,
                  value: i,
                  observedAt: at(1),
                })),
              ),
            );
          }
          const all = await store.latestSnapshots();
          expect(all.map((t) => t.limits?.quotas.length)).toEqual([40_000, 40_000, 40_000, 40_000]);
          expect(all.map((t) => t.usage?.samples.length)).toEqual([40_000, 40_000, 40_000, 40_000]);
        },
      );
    });

    describe('collector health', () => {
      const run = (overrides: Partial<CollectorOutcome>): CollectorOutcome => ({
        collector: 'limits',
        success: true,
        durationMs: 812.5,
        at: at(0),
        ...overrides,
      });

      it('keeps the latest run per target and collector, and the last success through failures', async () => {
        expect(await store.collectorHealth()).toEqual([]);
        await store.saveCollectorOutcomes(US_EAST_1, [run({}), run({ collector: 'usage', at: at(1) })]);
        await store.saveCollectorOutcomes(US_EAST_1, [
          run({ success: false, at: at(5), durationMs: 3.25, error: SERVICE_ERROR }),
        ]);
        await store.saveCollectorOutcomes(null, [run({ collector: 'inventory', at: at(2) })]);
        await store.saveCollectorOutcomes(EU_WEST_1, [
          run({ success: false, at: at(4), error: SERVICE_ERROR }),
        ]);
        expect(await store.collectorHealth()).toStrictEqual([
          {
            accountId: '',
            region: '',
            collector: 'inventory',
            success: true,
            durationMs: 812.5,
            at: at(2),
            lastSuccessAt: at(2),
            error: null,
          },
          {
            accountId: ACCOUNT,
            region: 'eu-west-1',
            collector: 'limits',
            success: false,
            durationMs: 812.5,
            at: at(4),
            lastSuccessAt: null,
            error: SERVICE_ERROR,
          },
          {
            accountId: ACCOUNT,
            region: 'us-east-1',
            collector: 'limits',
            success: false,
            durationMs: 3.25,
            at: at(5),
            lastSuccessAt: at(0),
            error: SERVICE_ERROR,
          },
          {
            accountId: ACCOUNT,
            region: 'us-east-1',
            collector: 'usage',
            success: true,
            durationMs: 812.5,
            at: at(1),
            lastSuccessAt: at(1),
            error: null,
          },
        ]);
      });

      it('ignores a run older than the one stored, and a later success moves the last success', async () => {
        await store.saveCollectorOutcomes(US_EAST_1, [
          run({ at: at(5), success: false, error: SERVICE_ERROR }),
        ]);
        await store.saveCollectorOutcomes(US_EAST_1, [run({ at: at(3) })]);
        expect((await store.collectorHealth())[0]).toMatchObject({
          success: false,
          at: at(5),
          lastSuccessAt: null,
        });
        await store.saveCollectorOutcomes(US_EAST_1, [run({ at: at(6), durationMs: 1 })]);
        expect((await store.collectorHealth())[0]).toMatchObject({
          success: true,
          at: at(6),
          lastSuccessAt: at(6),
          error: null,
        });
      });
    });

    describe('cache entries and clearing', () => {
      it('lists every recorded target with nulls when nothing is cached', async () => {
        await store.upsertTargets([
          { target: US_EAST_1, accountName: null, seenAt: at(0) },
          { target: EU_WEST_1, accountName: null, seenAt: at(0) },
        ]);
        const empty = {
          limitsAt: null,
          limitsComplete: null,
          quotaCount: 0,
          usageAt: null,
          usageSource: null,
          sampleCount: 0,
        };
        expect(await store.cacheEntries()).toStrictEqual([
          { target: EU_WEST_1, ...empty },
          { target: US_EAST_1, ...empty },
        ]);
      });

      it('gives each target’s newest limit and usage snapshots, targets known from snapshots too', async () => {
        await store.upsertTargets([{ target: EU_WEST_1, accountName: null, seenAt: at(0) }]);
        await store.saveLimitSnapshot(limitSnapshot(US_EAST_1, at(60)));
        await store.saveLimitSnapshot({
          ...limitSnapshot(US_EAST_1, at(0), manyQuotas(US_EAST_1, 10)),
          complete: true,
        });
        await store.saveUsageSnapshot(
          usageSnapshot(US_EAST_1, at(90), [ec2Usage(1, null), ec2Usage(2, null)]),
        );
        await store.saveUsageSnapshot({
          ...usageSnapshot(OTHER_US_EAST_1, at(30), []),
          source: 'utilization-report',
        });
        expect(await store.cacheEntries()).toStrictEqual([
          {
            target: EU_WEST_1,
            limitsAt: null,
            limitsComplete: null,
            quotaCount: 0,
            usageAt: null,
            usageSource: null,
            sampleCount: 0,
          },
          {
            target: US_EAST_1,
            limitsAt: at(60),
            limitsComplete: false,
            quotaCount: 6,
            usageAt: at(90),
            usageSource: 'cloudwatch',
            sampleCount: 2,
          },
          {
            target: OTHER_US_EAST_1,
            limitsAt: null,
            limitsComplete: null,
            quotaCount: 0,
            usageAt: at(30),
            usageSource: 'utilization-report',
            sampleCount: 0,
          },
        ]);
      });

      it('clears one target’s snapshots, leaving other targets and the defaults', async () => {
        await store.upsertTargets([{ target: US_EAST_1, accountName: 'platform-prod', seenAt: at(0) }]);
        await store.saveLimitSnapshot(limitSnapshot(US_EAST_1, at(0)));
        await store.saveLimitSnapshot(limitSnapshot(US_EAST_1, at(60)));
        await store.saveUsageSnapshot(usageSnapshot(US_EAST_1, at(0), [ec2Usage(1, null)]));
        await store.saveLimitSnapshot(limitSnapshot(EU_WEST_1, at(0)));
        await store.saveDefaults(defaultsSnapshot('us-east-1', at(0)));

        expect(await store.clearCache({ target: US_EAST_1 })).toBe(3);
        expect(await store.latestLimitSnapshot(US_EAST_1)).toBeUndefined();
        expect(await store.latestUsageSnapshot(US_EAST_1)).toBeUndefined();
        expect(await store.latestLimitSnapshot(EU_WEST_1)).toBeDefined();
        expect(await store.latestDefaults('us-east-1')).toBeDefined();
        expect(await store.listTargets()).toHaveLength(1);
        expect(await store.cacheEntries()).toMatchObject([
          { target: EU_WEST_1, limitsAt: at(0) },
          { target: US_EAST_1, limitsAt: null, usageAt: null },
        ]);
        expect(await store.clearCache({ target: OTHER_US_EAST_1 })).toBe(0);
      });

      it('clears everything cached, keeping the targets', async () => {
        await store.upsertTargets([{ target: US_EAST_1, accountName: null, seenAt: at(0) }]);
        await store.saveLimitSnapshot(limitSnapshot(US_EAST_1, at(0)));
        await store.saveLimitSnapshot(limitSnapshot(EU_WEST_1, at(0)));
        await store.saveUsageSnapshot(usageSnapshot(OTHER_US_EAST_1, at(0), [ec2Usage(1, null)]));
        await store.saveDefaults(defaultsSnapshot('us-east-1', at(0)));
        expect(await store.clearCache()).toBe(4);
        expect(await store.clearCache()).toBe(0);
        expect(await store.cacheEntries()).toStrictEqual([
          {
            target: US_EAST_1,
            limitsAt: null,
            limitsComplete: null,
            quotaCount: 0,
            usageAt: null,
            usageSource: null,
            sampleCount: 0,
          },
        ]);
        expect(await store.listTargets()).toHaveLength(1);
      });
    });

    describe('increase requests', () => {
      /** A filed increase request, every field set. */
      const filed = request({
        status: 'CASE_OPENED',
        caseId: '172839405061',
        message: 'AWS opened a Support case',
        updatedAt: at(45),
        checkedAt: at(50),
      });
      /** A queued request: every field that can be null is. */
      const queued = request({
        id: 'hr-00000000000b',
        kind: 'support-case',
        target: { accountId: ACCOUNT, region: 'us-east-1' },
        serviceCode: 'iam',
        quotaCode: 'L-FE177D64',
        quotaName: 'Roles per account',
        unit: 'Count',
        global: true,
        fromValue: null,
        desiredValue: 1500.5,
        status: 'QUEUED',
        awsRequestId: null,
        caseId: null,
        callerArn: null,
        planId: null,
        message: null,
        checkedAt: null,
      });

      it('gives back every field of a request, nulls included', async () => {
        await store.saveRequest(filed);
        await store.saveRequest(queued);
        expect(await store.getRequest(filed.id)).toStrictEqual(filed);
        expect(await store.getRequest(queued.id)).toStrictEqual(queued);
      });

      it('stores every status and kind', async () => {
        const all = REQUEST_STATUSES.map((status, i) =>
          request({
            id: `hr-${i.toString(16).padStart(12, '0')}`,
            kind: i % 2 === 0 ? 'increase' : 'support-case',
            status,
            awsRequestId: null,
            createdAt: at(i),
          }),
        );
        for (const record of all) await store.saveRequest(record);
        expect(await store.listRequests()).toStrictEqual([...all].reverse());
      });

      it('finds a request by headroom’s id or AWS’s request id, and nothing for an unknown id', async () => {
        await store.saveRequest(filed);
        await store.saveRequest(queued);
        expect(await store.getRequest(AWS_REQUEST_ID)).toStrictEqual(filed);
        expect(await store.getRequest(queued.id)).toStrictEqual(queued);
        expect(await store.getRequest('hr-ffffffffffff')).toBeUndefined();
        expect(await store.getRequest('')).toBeUndefined();
        expect(await store.requestEvents('hr-ffffffffffff')).toEqual([]);
      });

      it('replaces a request saved again with the same id, every field as given', async () => {
        await store.saveRequest(request({ status: 'QUEUED', awsRequestId: null, message: 'held back' }));
        const replaced = request({
          ...queued,
          id: filed.id,
          status: 'APPROVED',
          awsRequestId: 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5EXAMPLE',
          // createdAt is the caller's, not kept from the stored row.
          createdAt: at(-5),
          updatedAt: at(90),
          checkedAt: at(90),
        });
        await store.saveRequest(replaced);
        expect(await store.getRequest(filed.id)).toStrictEqual(replaced);
        expect(await store.listRequests()).toStrictEqual([replaced]);
        expect(await store.getRequest(AWS_REQUEST_ID)).toBeUndefined();
      });

      it('appends an event when a request is new or its status or message changed, and never twice', async () => {
        const first = request({
          status: 'QUEUED',
          awsRequestId: null,
          message: 'held back: 20 requests open',
        });
        await store.saveRequest(first);
        await store.saveRequest(first);
        // A check that found nothing new: only the times move.
        await store.saveRequest({ ...first, updatedAt: at(5), checkedAt: at(5) });
        const pending = {
          ...first,
          status: 'PENDING',
          awsRequestId: AWS_REQUEST_ID,
          updatedAt: at(10),
        } as const;
        await store.saveRequest(pending);
        await store.saveRequest({ ...pending, message: 'filed', updatedAt: at(20) });
        await store.saveRequest({ ...pending, message: null, updatedAt: at(30) });
        await store.saveRequest({ ...pending, message: null, updatedAt: at(35), checkedAt: at(35) });
        await store.saveRequest({ ...pending, status: 'CASE_OPENED', message: null, updatedAt: at(40) });
        await store.saveRequest(request({ ...queued, updatedAt: at(41) }));

        const events = [
          { requestId: first.id, at: at(0), status: 'QUEUED', message: 'held back: 20 requests open' },
          { requestId: first.id, at: at(10), status: 'PENDING', message: 'held back: 20 requests open' },
          { requestId: first.id, at: at(20), status: 'PENDING', message: 'filed' },
          { requestId: first.id, at: at(30), status: 'PENDING', message: null },
          { requestId: first.id, at: at(40), status: 'CASE_OPENED', message: null },
        ];
        expect(await store.requestEvents(first.id)).toStrictEqual(events);
        expect(await store.requestEvents(AWS_REQUEST_ID)).toStrictEqual(events);
        expect(await store.requestEvents(queued.id)).toStrictEqual([
          { requestId: queued.id, at: at(41), status: 'QUEUED', message: null },
        ]);
      });

      describe('listing', () => {
        const pendingHere = request({
          id: 'hr-000000000001',
          status: 'PENDING',
          awsRequestId: 'aws-1',
          planId: 'plan-a',
          createdAt: at(10),
        });
        const queuedThere = request({
          id: 'hr-000000000002',
          target: EU_WEST_1,
          status: 'QUEUED',
          awsRequestId: null,
          planId: 'plan-a',
          createdAt: at(20),
        });
        const caseElsewhere = request({
          id: 'hr-000000000003',
          kind: 'support-case',
          target: OTHER_US_EAST_1,
          status: 'OPENED',
          awsRequestId: null,
          caseId: '172839405061',
          planId: null,
          createdAt: at(20),
        });
        const approvedHere = request({
          id: 'hr-000000000004',
          status: 'APPROVED',
          awsRequestId: 'aws-4',
          planId: 'plan-b',
          createdAt: at(5),
          updatedAt: at(100),
        });

        beforeEach(async () => {
          // Ties saved in ascending id order, so only the id puts them newest first.
          for (const record of [approvedHere, queuedThere, pendingHere, caseElsewhere]) {
            await store.saveRequest(record);
          }
        });

        it('lists newest first by createdAt, then by id', async () => {
          const newestFirst = [caseElsewhere, queuedThere, pendingHere, approvedHere];
          expect(await store.listRequests()).toStrictEqual(newestFirst);
          expect(await store.listRequests({})).toStrictEqual(newestFirst);
          // Saving again (a later updatedAt) does not move a request.
          await store.saveRequest({ ...pendingHere, updatedAt: at(200) });
          expect((await store.listRequests()).map((r) => r.id)).toEqual(newestFirst.map((r) => r.id));
        });

        it('filters by statuses; an empty list filters nothing', async () => {
          expect(await store.listRequests({ statuses: ['PENDING', 'QUEUED'] })).toStrictEqual([
            queuedThere,
            pendingHere,
          ]);
          expect(await store.listRequests({ statuses: ['APPROVED'] })).toStrictEqual([approvedHere]);
          expect(await store.listRequests({ statuses: ['DENIED'] })).toEqual([]);
          expect(await store.listRequests({ statuses: [] })).toHaveLength(4);
        });

        it('filters by target: account and region both', async () => {
          expect(await store.listRequests({ target: US_EAST_1 })).toStrictEqual([pendingHere, approvedHere]);
          expect(await store.listRequests({ target: EU_WEST_1 })).toStrictEqual([queuedThere]);
          expect(await store.listRequests({ target: OTHER_US_EAST_1 })).toStrictEqual([caseElsewhere]);
          expect(
            await store.listRequests({ target: { accountId: OTHER_ACCOUNT, region: 'eu-west-1' } }),
          ).toEqual([]);
        });

        it('filters by plan and by kind', async () => {
          expect(await store.listRequests({ planId: 'plan-a' })).toStrictEqual([queuedThere, pendingHere]);
          expect(await store.listRequests({ planId: 'plan-c' })).toEqual([]);
          expect(await store.listRequests({ kind: 'support-case' })).toStrictEqual([caseElsewhere]);
          expect(await store.listRequests({ kind: 'increase' })).toStrictEqual([
            queuedThere,
            pendingHere,
            approvedHere,
          ]);
        });

        it('gives only requests matching every filter given', async () => {
          expect(
            await store.listRequests({
              statuses: ['PENDING', 'APPROVED', 'QUEUED'],
              target: US_EAST_1,
              planId: 'plan-a',
              kind: 'increase',
            }),
          ).toStrictEqual([pendingHere]);
          expect(await store.listRequests({ target: US_EAST_1, planId: 'plan-b' })).toStrictEqual([
            approvedHere,
          ]);
          expect(await store.listRequests({ statuses: ['QUEUED'], target: US_EAST_1 })).toEqual([]);
          expect(await store.listRequests({ statuses: ['OPENED'], kind: 'increase' })).toEqual([]);
        });
      });

      it('keeps requests and their events through clearCache(), whatever it clears', async () => {
        await store.saveRequest(filed);
        await store.saveRequest({ ...filed, status: 'APPROVED', updatedAt: at(60) });
        await store.saveRequest(queued);
        await store.saveRequest({ ...queued, target: EU_WEST_1, id: 'hr-00000000000c' });
        await store.saveLimitSnapshot(limitSnapshot(US_EAST_1, at(0)));
        await store.saveUsageSnapshot(usageSnapshot(US_EAST_1, at(0), [ec2Usage(1, null)]));
        await store.saveDefaults(defaultsSnapshot('us-east-1', at(0)));
        const requests = await store.listRequests();
        const events = await Promise.all(requests.map((r) => store.requestEvents(r.id)));
        expect(requests).toHaveLength(3);

        expect(await store.clearCache({ target: US_EAST_1, history: true })).toBe(2);
        expect(await store.clearCache({ target: EU_WEST_1 })).toBe(0);
        expect(await store.clearCache({ history: true })).toBe(1);
        expect(await store.clearCache()).toBe(0);
        expect(await store.listRequests()).toStrictEqual(requests);
        expect(await Promise.all(requests.map((r) => store.requestEvents(r.id)))).toStrictEqual(events);
      });

      it('refuses a second request with the same AWS request id, storing nothing of it', async () => {
        await store.saveRequest(filed);
        const twin = request({ id: 'hr-00000000000d', createdAt: at(1) });
        const failure = store.saveRequest(twin);
        await expect(failure).rejects.toBeInstanceOf(StorageError);
        await expect(failure).rejects.toMatchObject({ code: 'HR_STORE_WRITE' });
        expect(await store.getRequest(AWS_REQUEST_ID)).toStrictEqual(filed);
        expect(await store.getRequest(twin.id)).toBeUndefined();
        expect(await store.requestEvents(twin.id)).toEqual([]);
      });

      it.each<[string, (record: QuotaRequestRecord) => QuotaRequestRecord]>([
        ['its status is unknown', (r) => ({ ...r, status: 'LOST' as RequestStatus })],
        ['its kind is unknown', (r) => ({ ...r, kind: 'ticket' as RequestKind })],
        ['its updatedAt is not a date', (r) => ({ ...r, updatedAt: new Date(Number.NaN) })],
      ])('stores nothing of a save when %s, and keeps the request and its events', async (_, spoil) => {
        const previous = request({ status: 'QUEUED', awsRequestId: null, message: 'held back' });
        await store.saveRequest(previous);
        await store.saveRequest({ ...previous, status: 'PENDING', message: null, updatedAt: at(10) });
        const stored = await store.getRequest(previous.id);
        const events = await store.requestEvents(previous.id);
        expect(events).toHaveLength(2);

        const bad = spoil({ ...previous, message: 'changed', updatedAt: at(60) });
        const failure = store.saveRequest(bad);
        await expect(failure).rejects.toBeInstanceOf(StorageError);
        await expect(failure).rejects.toMatchObject({ code: 'HR_STORE_WRITE' });
        expect(await store.getRequest(previous.id)).toStrictEqual(stored);
        expect(await store.requestEvents(previous.id)).toStrictEqual(events);

        // A new request that fails leaves no row and no event.
        await expect(store.saveRequest(spoil(queued))).rejects.toMatchObject({ code: 'HR_STORE_WRITE' });
        expect(await store.getRequest(queued.id)).toBeUndefined();
        expect(await store.requestEvents(queued.id)).toEqual([]);
        expect(await store.listRequests()).toStrictEqual([stored]);
      });

      it('rejects every use after close', async () => {
        await store.close();
        const uses: [string, () => Promise<unknown>][] = [
          ['saveRequest', () => store.saveRequest(filed)],
          ['getRequest', () => store.getRequest(filed.id)],
          ['listRequests', () => store.listRequests()],
          ['requestEvents', () => store.requestEvents(filed.id)],
        ];
        for (const [method, use] of uses) {
          await expect(use(), method).rejects.toMatchObject({ code: 'HR_STORE_CLOSED' });
        }
      });
    });

    describe('inventory', () => {
      const discovered: DiscoveredAccount[] = [
        {
          id: ACCOUNT,
          name: 'payments-prod',
          roleArn: `arn:aws:iam::${ACCOUNT}:role/OrganizationAccountAccessRole`,
          profile: null,
          regions: ['us-east-1', 'eu-west-1'],
        },
        { id: OTHER_ACCOUNT, name: null, roleArn: null, profile: 'payments-dev', regions: 'in-use' },
        { id: '111122223333', name: 'sandbox', roleArn: null, profile: null, regions: null },
      ];

      it('keeps the newest list of each source, with its problems, apart from other sources', async () => {
        expect(await store.latestInventory('cmdb@1')).toBeUndefined();
        const problems: InventoryProblem[] = [
          {
            code: 'HR_INVENTORY_ROW',
            source: 'cmdb',
            message: "row 3 (id '12345'): column id must be a 12-digit account id",
          },
          { code: 'HR_INVENTORY_SOURCE', source: 'cmdb', message: 'unreachable', hint: 'start it' },
        ];
        await store.saveInventory({ source: 'cmdb@1', fetchedAt: at(0), accounts: discovered, problems });
        await store.saveInventory({
          source: 'organizations@2',
          fetchedAt: at(1),
          accounts: [],
          problems: [],
        });
        expect(await store.latestInventory('cmdb@1')).toEqual({
          source: 'cmdb@1',
          fetchedAt: at(0),
          accounts: discovered,
          problems,
        });
        await store.saveInventory({
          source: 'cmdb@1',
          fetchedAt: at(5),
          accounts: discovered.slice(0, 1),
          problems: [],
        });
        expect(await store.latestInventory('cmdb@1')).toEqual({
          source: 'cmdb@1',
          fetchedAt: at(5),
          accounts: discovered.slice(0, 1),
          problems: [],
        });
        expect(await store.latestInventory('organizations@2')).toMatchObject({
          fetchedAt: at(1),
          accounts: [],
        });
      });

      it('keeps how accounts are reached and nothing else, whatever an entry carries', async () => {
        const [first] = discovered;
        if (!first) throw new Error('no account');
        const withSecrets = {
          ...first,
          externalId: 'headroom-7f3a',
          secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
          password: 'hunter2',
        };
        await store.saveInventory({
          source: 'cmdb@1',
          fetchedAt: at(0),
          accounts: [withSecrets],
          problems: [],
        });
        const kept = await store.latestInventory('cmdb@1');
        expect(kept?.accounts).toEqual([first]);
        expect(JSON.stringify(kept)).not.toMatch(/hunter2|wJalr|headroom-7f3a/);
      });

      it('keeps the newest regions of each account, in-use unknown or known', async () => {
        expect(await store.accountRegions(ACCOUNT)).toBeUndefined();
        const regions = {
          accountId: ACCOUNT,
          fetchedAt: at(0),
          known: ['ap-east-1', 'eu-west-1', 'us-east-1'],
          enabled: ['eu-west-1', 'us-east-1'],
          inUse: null,
        };
        await store.saveAccountRegions(regions);
        expect(await store.accountRegions(ACCOUNT)).toEqual(regions);
        await store.saveAccountRegions({ ...regions, fetchedAt: at(2), inUse: ['eu-west-1'] });
        expect(await store.accountRegions(ACCOUNT)).toEqual({
          ...regions,
          fetchedAt: at(2),
          inUse: ['eu-west-1'],
        });
        expect(await store.accountRegions(OTHER_ACCOUNT)).toBeUndefined();
      });
    });

    describe('approvals', () => {
      function approval(id: string, minutes: number, overrides: Partial<Approval> = {}): Approval {
        return {
          id,
          status: 'PENDING',
          target: US_EAST_1,
          serviceCode: 'ec2',
          quotaCode: 'L-1216C47A',
          quotaName: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances',
          unit: 'None',
          global: false,
          action: 'increase',
          fromValue: 1152,
          desiredValue: 2400,
          estimatedCost: 45_264.5,
          rule: 'compute',
          proposedBy: 'engine (ops@host)',
          reason: 'utilization 91% of 1152 is at critical',
          createdAt: at(minutes),
          expiresAt: at(minutes + 72 * 60),
          decidedBy: null,
          decidedAt: null,
          decisionReason: null,
          requestId: null,
          outcome: null,
          ...overrides,
        };
      }

      it('saves, replaces and reads every field back', async () => {
        const first = approval('ap-000000000001', 0);
        await store.saveApproval(first);
        expect(await store.getApproval(first.id)).toEqual(first);
        const decided = {
          ...first,
          status: 'EXECUTED' as const,
          decidedBy: 'sre',
          decidedAt: at(5),
          decisionReason: 'ok',
          requestId: 'hr-0123456789ab',
          outcome: 'filed: asked for 2400',
        };
        await store.saveApproval(decided);
        expect(await store.getApproval(first.id)).toEqual(decided);
        expect(await store.getApproval('ap-ffffffffffff')).toBeUndefined();
      });

      it('lists by status, target and quota, newest first', async () => {
        await store.saveApproval(approval('ap-000000000001', 0));
        await store.saveApproval(approval('ap-000000000002', 10, { status: 'DENIED', estimatedCost: null }));
        await store.saveApproval(approval('ap-000000000003', 20, { target: EU_WEST_1 }));
        await store.saveApproval(
          approval('ap-000000000004', 30, { quotaCode: 'L-0263D0A3', action: 'support-case' }),
        );
        const ids = (list: Approval[]) => list.map((a) => a.id);
        expect(ids(await store.listApprovals())).toEqual([
          'ap-000000000004',
          'ap-000000000003',
          'ap-000000000002',
          'ap-000000000001',
        ]);
        expect(ids(await store.listApprovals({ statuses: ['DENIED'] }))).toEqual(['ap-000000000002']);
        expect(ids(await store.listApprovals({ target: EU_WEST_1 }))).toEqual(['ap-000000000003']);
        expect(
          ids(
            await store.listApprovals({
              statuses: ['PENDING'],
              target: US_EAST_1,
              quota: { serviceCode: 'ec2', quotaCode: 'L-1216C47A' },
            }),
          ),
        ).toEqual(['ap-000000000001']);
      });
    });

    describe('engine state', () => {
      it('inserts and replaces per target and quota', async () => {
        const state: QuotaState = {
          target: US_EAST_1,
          serviceCode: 'ec2',
          quotaCode: 'L-1216C47A',
          band: 'critical',
          lastAlertBand: 'critical',
          lastAlertAt: at(1),
          lastActionAt: null,
          updatedAt: at(1),
        };
        const other: QuotaState = {
          ...state,
          target: EU_WEST_1,
          band: 'ok',
          lastAlertBand: null,
          lastAlertAt: null,
        };
        await store.saveQuotaStates([state, other]);
        await store.saveQuotaStates([{ ...state, band: 'emergency', lastActionAt: at(2), updatedAt: at(2) }]);
        const found = (await store.quotaStates()).sort((a, b) =>
          a.target.region.localeCompare(b.target.region),
        );
        expect(found).toEqual([
          other,
          { ...state, band: 'emergency', lastActionAt: at(2), updatedAt: at(2) },
        ]);
      });
    });

    describe('notifications', () => {
      const message: AlertMessage = {
        kind: 'alert',
        band: 'critical',
        accountId: ACCOUNT,
        accountName: 'prod',
        region: 'us-east-1',
        serviceCode: 'ec2',
        quotaCode: 'L-1216C47A',
        quotaName: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances',
        limit: 1152,
        usage: 1050,
        utilization: 91.15,
        rule: 'compute',
        decision: 'alert at critical',
        reason: 'utilization 91.1% of 1152 is at critical',
        at: at(0).toISOString(),
      };
      function notification(
        id: string,
        minutes: number,
        overrides: Partial<Notification> = {},
      ): Notification {
        return {
          id,
          channel: 'ops',
          message,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: at(minutes),
          lastError: null,
          createdAt: at(minutes),
          deliveredAt: null,
          ...overrides,
        };
      }

      it('gives the pending ones that are due, oldest first, and lists all newest first', async () => {
        await store.enqueueNotifications([
          notification('nt-000000000001', 0),
          notification('nt-000000000002', 1, { nextAttemptAt: at(30) }),
          notification('nt-000000000003', 2),
        ]);
        await store.saveNotification(
          notification('nt-000000000003', 2, { status: 'delivered', attempts: 1, deliveredAt: at(3) }),
        );
        expect((await store.dueNotifications(at(10))).map((n) => n.id)).toEqual(['nt-000000000001']);
        expect((await store.dueNotifications(at(30))).map((n) => n.id)).toEqual([
          'nt-000000000001',
          'nt-000000000002',
        ]);
        expect(await store.dueNotifications(at(30), 1)).toEqual([notification('nt-000000000001', 0)]);
        const all = await store.listNotifications();
        expect(all.map((n) => n.id)).toEqual(['nt-000000000003', 'nt-000000000002', 'nt-000000000001']);
        expect(all[0]).toEqual(
          notification('nt-000000000003', 2, { status: 'delivered', attempts: 1, deliveredAt: at(3) }),
        );
        expect((await store.listNotifications({ statuses: ['delivered'] })).map((n) => n.id)).toEqual([
          'nt-000000000003',
        ]);
      });
    });

    describe('audit trail', () => {
      it('chains appends from the genesis hash and reads back by time, kind and subject', async () => {
        expect(await store.auditHead()).toBeNull();
        const input = (n: number, kind: AuditKind, subject: string) => ({
          at: at(n),
          kind,
          actor: 'engine',
          subject,
          summary: `entry ${n}`,
          data: { n },
        });
        const written = await store.appendAudit([
          input(0, 'evaluation', 'a ec2/L-1'),
          input(1, 'decision', 'b ec2/L-2'),
        ]);
        await store.appendAudit([input(2, 'approval', 'ap-1')]);
        expect(written.map((e) => e.seq)).toEqual([1, 2]);
        expect(written[0]?.prevHash).toBe(GENESIS_HASH);
        const all = await store.auditEntries();
        expect(all.map((e) => e.seq)).toEqual([1, 2, 3]);
        expect(all[2]?.prevHash).toBe(all[1]?.hash);
        expect(await store.auditHead()).toEqual({ seq: 3, hash: all[2]?.hash });
        expect((await store.auditEntries({ since: at(1) })).map((e) => e.seq)).toEqual([2, 3]);
        expect((await store.auditEntries({ kinds: ['approval', 'evaluation'] })).map((e) => e.seq)).toEqual([
          1, 3,
        ]);
        expect((await store.auditEntries({ subject: 'b ' })).map((e) => e.seq)).toEqual([2]);
        expect((await store.auditEntries({ limit: 2 })).map((e) => e.seq)).toEqual([2, 3]);
        expect(verifyChain(all, await store.auditHead())).toBeNull();
      });
    });

    describe('close', () => {
      it('rejects every use after close, and closing twice is harmless', async () => {
        await store.close();
        await store.close();
        const uses: [string, () => Promise<unknown>][] = [
          ['upsertTargets', () => store.upsertTargets([])],
          ['listTargets', () => store.listTargets()],
          ['saveLimitSnapshot', () => store.saveLimitSnapshot(limitSnapshot(US_EAST_1, at(0)))],
          ['latestLimitSnapshot', () => store.latestLimitSnapshot(US_EAST_1)],
          ['saveUsageSnapshot', () => store.saveUsageSnapshot(usageSnapshot(US_EAST_1, at(0), []))],
          ['latestUsageSnapshot', () => store.latestUsageSnapshot(US_EAST_1)],
          [
            'usageHistory',
            () => store.usageHistory(US_EAST_1, { serviceCode: 'ec2', quotaCode: 'L-1216C47A' }),
          ],
          ['saveDefaults', () => store.saveDefaults(defaultsSnapshot('us-east-1', at(0)))],
          ['latestDefaults', () => store.latestDefaults('us-east-1')],
          ['recordApiCalls', () => store.recordApiCalls([apiCall({})])],
          ['apiCallStats', () => store.apiCallStats()],
          ['apiCallTotals', () => store.apiCallTotals()],
          ['latestSnapshots', () => store.latestSnapshots()],
          ['saveCollectorOutcomes', () => store.saveCollectorOutcomes(null, [])],
          ['collectorHealth', () => store.collectorHealth()],
          ['cacheEntries', () => store.cacheEntries()],
          ['clearCache', () => store.clearCache()],
          [
            'saveInventory',
            () => store.saveInventory({ source: 's', fetchedAt: at(0), accounts: [], problems: [] }),
          ],
          ['latestInventory', () => store.latestInventory('s')],
          [
            'saveAccountRegions',
            () =>
              store.saveAccountRegions({
                accountId: ACCOUNT,
                fetchedAt: at(0),
                known: [],
                enabled: [],
                inUse: null,
              }),
          ],
          ['accountRegions', () => store.accountRegions(ACCOUNT)],
        ];
        for (const [method, use] of uses) {
          await expect(use(), method).rejects.toMatchObject({ code: 'HR_STORE_CLOSED' });
        }
      });

      it('lets work already started finish before closing', async () => {
        const saving = store.saveLimitSnapshot(limitSnapshot(US_EAST_1, at(0), manyQuotas(US_EAST_1, 2000)));
        const closing = store.close();
        await expect(saving).resolves.toBeUndefined();
        await closing;
      });
    });
  });
}
