/**
 * A sandbox's state saved in one process and taken up in the next, as headroom's embedded sandbox
 * does between CLI runs: requests filed in one sandbox, read and moved on in another through the
 * real SDK v3 clients over HTTP, with pages of 2.
 */
import { CloudWatchClient, GetMetricDataCommand, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import {
  RequestServiceQuotaIncreaseCommand,
  type RequestedServiceQuotaChange,
  ServiceQuotasClient,
  paginateListRequestedServiceQuotaChangeHistory,
} from '@aws-sdk/client-service-quotas';
import {
  type CaseDetails,
  CreateCaseCommand,
  DescribeCasesCommand,
  SupportClient,
  paginateDescribeCases,
} from '@aws-sdk/client-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Sandbox,
  type SandboxOptions,
  SandboxOptionError,
  type SandboxState,
  startSandbox,
} from '../../src/sandbox/index.js';
import { expectAwsError } from '../helpers/expect-aws-error.js';
import { clientSettings, currentValue, requestedQuota, EC2_VCPU_METRIC } from '../helpers/sandbox.js';

const EC2_VCPU = { ServiceCode: 'ec2', QuotaCode: 'L-1216C47A' };
const IAM_ROLES = { ServiceCode: 'iam', QuotaCode: 'L-FE177D64' };
const INTERNET_GATEWAYS = { ServiceCode: 'vpc', QuotaCode: 'L-A4707A72' };
const VPCS_PER_REGION = { ServiceCode: 'vpc', QuotaCode: 'L-F678F1CE' };
const MINUTES = 60;
const MINUTE_MS = 60_000;
const OPTIONS: SandboxOptions = { pageSize: 2, throttle: 'off' };

function serviceQuotas(sandbox: Sandbox, region = 'us-east-1'): ServiceQuotasClient {
  return new ServiceQuotasClient(clientSettings(sandbox, { region, maxAttempts: 1 }));
}

function support(sandbox: Sandbox): SupportClient {
  return new SupportClient(clientSettings(sandbox, { maxAttempts: 1 }));
}

async function history(sq: ServiceQuotasClient): Promise<RequestedServiceQuotaChange[]> {
  const out: RequestedServiceQuotaChange[] = [];
  for await (const page of paginateListRequestedServiceQuotaChangeHistory({ client: sq }, {})) {
    out.push(...(page.RequestedQuotas ?? []));
  }
  return out;
}

async function allCases(sandbox: Sandbox): Promise<CaseDetails[]> {
  const out: CaseDetails[] = [];
  for await (const page of paginateDescribeCases(
    { client: support(sandbox) },
    { includeResolvedCases: true },
  )) {
    out.push(...(page.cases ?? []));
  }
  return out;
}

/** EC2 vCPU usage and SERVICE_QUOTA() of it, per minute over a window: the applied value's history. */
async function quotaSeries(sandbox: Sandbox, from: number, to: number): Promise<MetricDataResult[]> {
  const cloudWatch = new CloudWatchClient(clientSettings(sandbox, { maxAttempts: 1 }));
  const { MetricDataResults } = await cloudWatch.send(
    new GetMetricDataCommand({
      MetricDataQueries: [
        {
          Id: 'm1',
          MetricStat: {
            Metric: EC2_VCPU_METRIC,
            Period: 60,
            Stat: 'Maximum',
          },
        },
        { Id: 'q1', Expression: 'SERVICE_QUOTA(m1)' },
      ],
      StartTime: new Date(from),
      EndTime: new Date(to),
    }),
  );
  return MetricDataResults ?? [];
}

/** The state without the moment it was saved, which differs between two exports of the same state. */
function timeless(state: SandboxState): Omit<SandboxState, 'clock'> & { clock: { offsetMs: number } } {
  return { ...state, clock: { offsetMs: state.clock.offsetMs } };
}

/** What a first sandbox did and saw before it saved its state and closed. */
interface FirstRun {
  state: SandboxState;
  ids: { approved: string; global: string; pending: string };
  values: { ec2Before: number; ec2Desired: number; rolesDesired: number; igwBefore: number };
  statuses: RequestedServiceQuotaChange[];
  history: RequestedServiceQuotaChange[];
  cases: CaseDetails[];
  createdCaseId: string;
  series: MetricDataResult[];
  window: { from: number; to: number };
}

async function firstRun(): Promise<FirstRun> {
  const sandbox = await startSandbox(OPTIONS);
  try {
    const east = serviceQuotas(sandbox);
    const west = serviceQuotas(sandbox, 'us-west-2');
    const filedAt = sandbox.admin.now().getTime();
    const ec2Before = await currentValue(east, EC2_VCPU);
    const ec2Desired = ec2Before * 2;
    const approved = await east.send(
      new RequestServiceQuotaIncreaseCommand({ ...EC2_VCPU, DesiredValue: ec2Desired }),
    );
    const rolesDesired = (await currentValue(east, IAM_ROLES)) + 100;
    const global = await west.send(
      new RequestServiceQuotaIncreaseCommand({ ...IAM_ROLES, DesiredValue: rolesDesired }),
    );
    sandbox.admin.advanceClock(65 * MINUTES);
    const igwBefore = await currentValue(east, INTERNET_GATEWAYS);
    const pending = await east.send(
      new RequestServiceQuotaIncreaseCommand({ ...INTERNET_GATEWAYS, DesiredValue: igwBefore + 1 }),
    );
    const { caseId } = await support(sandbox).send(
      new CreateCaseCommand({
        subject: 'Raise our VPC quota',
        communicationBody: 'We need more VPCs in us-east-1.',
        serviceCode: 'amazon-virtual-private-cloud',
        categoryCode: 'other',
        severityCode: 'low',
      }),
    );
    const ids = {
      approved: approved.RequestedQuota?.Id ?? '',
      global: global.RequestedQuota?.Id ?? '',
      pending: pending.RequestedQuota?.Id ?? '',
    };
    const statuses = await Promise.all(Object.values(ids).map((id) => requestedQuota(east, id)));
    // Whole minutes from before the requests to after the approvals, all in the past of both sandboxes.
    const window = {
      from: Math.floor(filedAt / MINUTE_MS) * MINUTE_MS - 30 * MINUTE_MS,
      to: Math.floor(sandbox.admin.now().getTime() / MINUTE_MS) * MINUTE_MS,
    };
    return {
      state: sandbox.admin.exportState(),
      ids,
      values: { ec2Before, ec2Desired, rolesDesired, igwBefore },
      statuses,
      history: await history(east),
      cases: await allCases(sandbox),
      createdCaseId: caseId ?? '',
      series: await quotaSeries(sandbox, window.from, window.to),
      window,
    };
  } finally {
    await sandbox.close();
  }
}

describe('a sandbox started from the state another one saved', () => {
  let first: FirstRun;
  let sandbox: Sandbox;
  let east: ServiceQuotasClient;
  beforeAll(async () => {
    first = await firstRun();
    // Through JSON, as a state saved to a file between two CLI runs.
    sandbox = await startSandbox({
      ...OPTIONS,
      state: JSON.parse(JSON.stringify(first.state)) as SandboxState,
    });
    east = serviceQuotas(sandbox);
  });
  afterAll(() => sandbox.close());

  it('saved every request, approval and case, as plain JSON', () => {
    const { state, ids } = first;
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(state).toMatchObject({ version: 1, seed: 1, accounts: 3, requestCount: 3, caseCount: 3 });
    expect(state.clock.offsetMs).toBe(65 * MINUTES * 1000);
    expect(state.requests.map((r) => [r.id, r.status])).toEqual([
      [ids.approved, 'APPROVED'],
      [ids.global, 'APPROVED'],
      [ids.pending, 'PENDING'],
    ]);
    expect(state.appliedChanges.map((c) => [c.scope, c.serviceCode, c.value])).toEqual([
      ['us-east-1', 'ec2', first.values.ec2Desired],
      ['global', 'iam', first.values.rolesDesired],
    ]);
    expect(state.cases.map((c) => [c.fromServiceQuotas, c.status])).toEqual([
      [true, 'resolved'],
      [true, 'resolved'],
      [false, 'opened'],
    ]);
  });

  it('saves the same state again, over HTTP too', async () => {
    expect(timeless(sandbox.admin.exportState())).toEqual(timeless(first.state));
    const response = await fetch(`${sandbox.url}/_sandbox/state`);
    expect(response.status).toBe(200);
    expect(timeless((await response.json()) as SandboxState)).toEqual(timeless(first.state));
    expect(sandbox.admin.now().getTime()).toBeGreaterThanOrEqual(first.state.clock.now);
  });

  it('shows the same requests, with their statuses, one by one and in the history', async () => {
    const statuses = await Promise.all(Object.values(first.ids).map((id) => requestedQuota(east, id)));
    expect(statuses).toEqual(first.statuses);
    expect(statuses.map((r) => r.Status)).toEqual(['APPROVED', 'APPROVED', 'PENDING']);
    expect(await history(east)).toEqual(first.history);
    expect((await requestedQuota(serviceQuotas(sandbox, 'eu-west-1'), first.ids.global)).Status).toBe(
      'APPROVED',
    );
  });

  it('applies the approved values, regional and global, with their history for SERVICE_QUOTA()', async () => {
    const { values, window } = first;
    expect(await currentValue(east, EC2_VCPU)).toBe(values.ec2Desired);
    expect(await currentValue(serviceQuotas(sandbox, 'us-west-2'), EC2_VCPU)).not.toBe(values.ec2Desired);
    expect(await currentValue(serviceQuotas(sandbox, 'eu-west-1'), IAM_ROLES)).toBe(values.rolesDesired);
    expect(await currentValue(east, INTERNET_GATEWAYS)).toBe(values.igwBefore);

    const series = await quotaSeries(sandbox, window.from, window.to);
    expect(series).toEqual(first.series);
    const limits = series.find((r) => r.Id === 'q1')?.Values ?? [];
    expect(new Set(limits)).toEqual(new Set([values.ec2Before, values.ec2Desired]));
  });

  it('shows the Support cases, the one CreateCase opened and the ones Service Quotas opened', async () => {
    expect(first.cases).toHaveLength(3);
    expect(await allCases(sandbox)).toEqual(first.cases);
    const { cases } = await support(sandbox).send(
      new DescribeCasesCommand({ caseIdList: [first.createdCaseId] }),
    );
    expect(cases?.[0]).toMatchObject({ subject: 'Raise our VPC quota', status: 'opened' });
    expect(cases?.[0]?.recentCommunications?.communications?.[0]?.body).toBe(
      'We need more VPCs in us-east-1.',
    );
    const [approved] = first.statuses;
    expect(first.cases.find((c) => c.caseId === approved?.CaseId)?.status).toBe('resolved');
  });

  it('keeps the per-quota cap on the restored open request', async () => {
    const again = await expectAwsError(
      east.send(
        new RequestServiceQuotaIncreaseCommand({
          ...INTERNET_GATEWAYS,
          DesiredValue: first.values.igwBefore + 2,
        }),
      ),
      'ResourceAlreadyExistsException',
      400,
    );
    expect(again.message).toContain('Only one open service quota increase request is allowed per quota');
  });

  it('gives new requests and cases ids of their own', async () => {
    const west = serviceQuotas(sandbox, 'us-west-2');
    const vpcs = await currentValue(west, VPCS_PER_REGION);
    const { RequestedQuota } = await west.send(
      new RequestServiceQuotaIncreaseCommand({ ...VPCS_PER_REGION, DesiredValue: vpcs + 1 }),
    );
    expect(RequestedQuota?.Status).toBe('PENDING');
    expect(first.state.requests.map((r) => r.id)).not.toContain(RequestedQuota?.Id);
    const { caseId } = await support(sandbox).send(
      new CreateCaseCommand({ subject: 'Another one', communicationBody: 'Hello again.' }),
    );
    expect(caseId).toMatch(/^case-/);
    expect(first.state.cases.map((c) => c.caseId)).not.toContain(caseId);
  });

  it('moves the PENDING request on with the clock, then applies its value', async () => {
    const { ids, values } = first;
    sandbox.admin.advanceClock(11 * MINUTES);
    const opened = await requestedQuota(east, ids.pending);
    expect(opened.Status).toBe('CASE_OPENED');
    expect(opened.CaseId).toMatch(/^case-/);
    expect(first.state.cases.map((c) => c.caseId)).not.toContain(opened.CaseId);
    expect(await currentValue(east, INTERNET_GATEWAYS)).toBe(values.igwBefore);

    sandbox.admin.advanceClock(50 * MINUTES);
    const approved = await requestedQuota(east, ids.pending);
    expect(approved.Status).toBe('APPROVED');
    expect(await currentValue(east, INTERNET_GATEWAYS)).toBe(values.igwBefore + 1);
    // The requests approved in the first sandbox are as they were.
    expect(await requestedQuota(east, ids.approved)).toEqual(first.statuses[0]);
  });

  it('goes back to the saved state on reset', async () => {
    sandbox.admin.reset();
    expect(timeless(sandbox.admin.exportState())).toEqual(timeless(first.state));
    expect((await requestedQuota(east, first.ids.pending)).Status).toBe('PENDING');
    expect(await currentValue(east, INTERNET_GATEWAYS)).toBe(first.values.igwBefore);
  });
});

describe('a state that does not fit', () => {
  let state: SandboxState;
  beforeAll(async () => {
    const sandbox = await startSandbox(OPTIONS);
    const sq = serviceQuotas(sandbox);
    const vpcs = await currentValue(sq, VPCS_PER_REGION);
    await sq.send(new RequestServiceQuotaIncreaseCommand({ ...VPCS_PER_REGION, DesiredValue: vpcs + 1 }));
    await support(sandbox).send(new CreateCaseCommand({ subject: 'Hi', communicationBody: 'Hello.' }));
    state = sandbox.admin.exportState();
    await sandbox.close();
  });

  /** The SandboxOptionError a start fails with; nothing is served, so nothing is half-restored. */
  async function startFailure(options: SandboxOptions): Promise<SandboxOptionError> {
    let caught: unknown;
    try {
      const started = await startSandbox(options);
      await started.close();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SandboxOptionError);
    return caught as SandboxOptionError;
  }

  it('is refused when it is not a state', async () => {
    const error = await startFailure({ ...OPTIONS, state: 'state.json' as unknown as SandboxState });
    expect(error.option).toBe('state');
    expect(error.message).toBe(
      "must be a state saved by admin.exportState() or GET /_sandbox/state, got 'state.json'",
    );
  });

  it('is refused when it has another version', async () => {
    const error = await startFailure({ ...OPTIONS, state: { ...state, version: 2 as 1 } });
    expect(error.option).toBe('state');
    expect(error.message).toContain('has version 2, but this sandbox reads version 1');
  });

  it('is refused when it comes from a sandbox of another seed, naming the fix', async () => {
    const error = await startFailure({ ...OPTIONS, seed: 2, state });
    expect(error.option).toBe('state');
    expect(error.message).toBe(
      'was saved by a sandbox with seed 1, but this one has seed 2: start with seed 1, or start without the state',
    );
  });

  it('is refused when a request names a quota the catalog does not have', async () => {
    const [request] = state.requests;
    if (!request) throw new Error('the state has no request');
    const error = await startFailure({
      ...OPTIONS,
      state: { ...state, requests: [{ ...request, quotaCode: 'L-00000000' }] },
    });
    expect(error.option).toBe('state.requests[0].quotaCode');
    expect(error.message).toBe("names no quota of service 'vpc' in the sandbox's catalog: 'L-00000000'");
  });

  it('is refused when a case names an account the sandbox does not have', async () => {
    const [supportCase] = state.cases;
    if (!supportCase) throw new Error('the state has no case');
    const error = await startFailure({
      ...OPTIONS,
      state: { ...state, cases: [{ ...supportCase, accountId: '000000000000' }] },
    });
    expect(error.option).toBe('state.cases[0].accountId');
  });
});
