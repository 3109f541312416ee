/**
 * Carrying out a plan: `headroom apply` (and later the engine and the HTTP API).
 *
 * Before acting it re-reads the destination: every planned quota's current value (a service
 * listed once) and the requests AWS has open there. Then, item by item, in the plan's order:
 * - a quota that does not exist stops the whole apply before anything is filed;
 * - a destination that already reached the desired value is satisfied; one whose value moved
 *   since the plan was made is refused as stale (a new plan is needed);
 * - a request already open for the quota (this plan's, or anyone's) is never filed again;
 * - AWS's caps on open requests (1 per quota, 2 per region, 20 per account; Service Quotas user
 *   guide, "Service Quotas values") are respected: the rest are recorded QUEUED and a later apply
 *   files them as room opens;
 * - non-adjustable quotas get an AWS Support case when asked for (`supportCases`).
 * Without `confirm` nothing is filed or recorded: the result says what would happen.
 * Every request filed, queued or opened as a case is recorded in the store with who asked, the
 * plan and the reason; its status changes form the audit trail.
 */
import { randomBytes } from 'node:crypto';
import type { RequestedServiceQuotaChange } from '@aws-sdk/client-service-quotas';
import type { Logger } from 'pino';
import { groupBy } from '../domain/collections.js';
import { errorMessage, errorName, isAccessDenied, problemLine, toAwsError } from '../aws/errors.js';
import type { AwsSession } from '../aws/session.js';
import { InputError } from '../domain/errors.js';
import type { Plan, PlanItem } from '../domain/plan.js';
import { quotaKey } from '../domain/quota.js';
import type { QuotaRequestRecord, RequestKind, RequestStatus } from '../domain/request.js';
import { GLOBAL_QUOTA_HOME_REGION, type Target, targetKey } from '../domain/target.js';
import type { Store } from '../storage/port.js';
import {
  awsStatusOf,
  type CurrentValue,
  fileIncrease,
  listOpenRequests,
  openQuotaCase,
  readCurrentValues,
} from './aws.js';

/** AWS's caps on active increase requests (Service Quotas user guide, "Service Quotas values"). */
export const AWS_REQUEST_CAPS: RequestCaps = { perRegion: 2, perAccount: 20 };

/** Open increase requests allowed at once; AWS also allows one per quota, always. */
export interface RequestCaps {
  readonly perRegion: number;
  readonly perAccount: number;
}

export interface RequestDeps {
  readonly session: AwsSession;
  readonly store: Store;
  readonly logger: Logger;
}

export type ItemOutcome =
  | 'filed'
  | 'would-file'
  | 'case-opened'
  | 'would-open-case'
  | 'needs-case'
  | 'already-filed'
  | 'already-open'
  | 'satisfied'
  | 'queued'
  | 'would-queue'
  | 'stale'
  | 'denied'
  | 'refused'
  | 'failed';

/** Outcomes that mean something went wrong with the item (the apply exits 1). */
export const PROBLEM_OUTCOMES: readonly ItemOutcome[] = ['stale', 'denied', 'refused', 'failed'];

export interface ItemResult {
  readonly item: PlanItem;
  readonly outcome: ItemOutcome;
  /** One line: what happened and, for problems, the fix. */
  readonly message: string;
  /** The destination's value as re-read now. */
  readonly currentValue: number | null;
  /** headroom's id of the recorded request, when one is recorded. */
  readonly requestId: string | null;
  readonly awsRequestId: string | null;
  readonly caseId: string | null;
}

export interface ApplyOptions {
  /** File for real; otherwise a dry run that records nothing. */
  readonly confirm: boolean;
  /** Open AWS Support cases for the quotas the API cannot raise. */
  readonly supportCases: boolean;
  /** Who is applying (see app/operator.ts). */
  readonly requestedBy: string;
  /** Why; the plan's reason when not given. */
  readonly reason?: string | undefined;
  /** AWS's caps by default. */
  readonly caps?: RequestCaps;
  readonly now?: () => Date;
  readonly onItem?: (result: ItemResult) => void;
}

export interface ApplyResult {
  readonly planId: string;
  readonly destination: Target;
  readonly dryRun: boolean;
  readonly items: readonly ItemResult[];
  /** The AWS identity that filed the requests, when any were filed. */
  readonly callerArn: string | null;
}

/** The fields of a request record an apply sets; the rest come from the plan and the run. */
type RecordFields = Pick<
  QuotaRequestRecord,
  'kind' | 'status' | 'awsRequestId' | 'caseId' | 'message' | 'fromValue'
>;

/** AWS's answers that refuse a request outright: AWS's message says why. */
const REFUSALS = ['IllegalArgumentException', 'InvalidResourceStateException', 'NoSuchResourceException'];

function newRequestId(): string {
  return `hr-${randomBytes(6).toString('hex')}`;
}

function itemKey(item: { serviceCode: string; quotaCode: string }, region: string): string {
  return `${quotaKey(item)}@${region}`;
}

/** What AWS has open in one region of the destination, kept current as the apply files. */
interface RegionState {
  readonly target: Target;
  readonly values: Map<string, CurrentValue | undefined>;
  /** Open AWS requests per quota key. */
  readonly openByQuota: Map<string, RequestedServiceQuotaChange>;
  open: number;
  /** AWS answered QuotaExceededException for the region: queue the rest without asking. */
  full: boolean;
}

async function readRegion(
  deps: RequestDeps,
  target: Target,
  items: readonly PlanItem[],
): Promise<RegionState> {
  const sq = deps.session.serviceQuotas(target);
  const where = targetKey(target);
  const endpoint = deps.session.endpoint;
  const values = new Map<string, CurrentValue | undefined>();
  for (const [serviceCode, serviceItems] of groupBy(items, (i) => i.serviceCode)) {
    const codes = serviceItems.map((i) => i.quotaCode);
    let read: Map<string, CurrentValue | undefined>;
    try {
      read = await readCurrentValues(sq, serviceCode, codes);
    } catch (error) {
      if (errorName(error) === 'NoSuchResourceException') {
        throw new InputError('HR_QUOTA_UNKNOWN', `service ${serviceCode} does not exist in ${where}`, {
          hint: 'remove its items from the plan, or make the plan again with `headroom replicate`',
        });
      }
      throw toAwsError(error, { action: 'servicequotas:ListServiceQuotas', where, endpoint });
    }
    for (const [code, value] of read) values.set(`${serviceCode}/${code}`, value);
  }
  let open: RequestedServiceQuotaChange[];
  try {
    open = await listOpenRequests(sq);
  } catch (error) {
    throw toAwsError(error, {
      action: 'servicequotas:ListRequestedServiceQuotaChangeHistory',
      where,
      endpoint,
    });
  }
  const openByQuota = new Map<string, RequestedServiceQuotaChange>();
  for (const r of open) {
    if (r.ServiceCode && r.QuotaCode) openByQuota.set(`${r.ServiceCode}/${r.QuotaCode}`, r);
  }
  // A global quota's request shows in every region's history but counts in its home region only.
  const counted = open.filter((r) => !r.GlobalQuota || target.region === GLOBAL_QUOTA_HOME_REGION).length;
  return { target, values, openByQuota, open: counted, full: false };
}

export async function applyPlan(deps: RequestDeps, plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
  const now = options.now ?? (() => new Date());
  const accountId = plan.destination.accountId;
  const reason = options.reason ?? plan.reason;
  const caps = options.caps ?? AWS_REQUEST_CAPS;

  // Re-read every region the plan files in, before acting on any item.
  const regions = [...new Set(plan.items.map((i) => i.region))];
  const states = new Map<string, RegionState>();
  for (const region of regions) {
    const target = { accountId, region };
    states.set(
      region,
      await readRegion(
        deps,
        target,
        plan.items.filter((i) => i.region === region),
      ),
    );
  }
  const unknown = plan.items.findIndex((i) => states.get(i.region)?.values.get(quotaKey(i)) === undefined);
  if (unknown >= 0) {
    const item = plan.items[unknown] as PlanItem;
    throw new InputError(
      'HR_QUOTA_UNKNOWN',
      `plan item ${unknown + 1}: quota ${item.quotaCode} of service ${item.serviceCode} does not exist in ${accountId}:${item.region}`,
      {
        hint: 'remove the item from the plan, or make the plan again with `headroom replicate`; nothing was filed',
      },
    );
  }

  // What this plan has recorded already, and what is open for the account in regions not re-read.
  const recorded = new Map<string, QuotaRequestRecord>();
  for (const r of await deps.store.listRequests({ planId: plan.id })) {
    const key = itemKey(r, r.target.region);
    if (!recorded.has(key)) recorded.set(key, r); // newest first
  }
  const openElsewhere = (await deps.store.listRequests({ statuses: ['PENDING', 'CASE_OPENED'] })).filter(
    (r) => r.target.accountId === accountId && r.kind === 'increase' && !regions.includes(r.target.region),
  ).length;
  let accountOpen = openElsewhere + [...states.values()].reduce((n, s) => n + s.open, 0);
  let accountFull = false;

  let callerArn: string | null = null;
  let identityRead = false;
  const caller = async (): Promise<string | null> => {
    if (!identityRead) {
      identityRead = true;
      callerArn = await deps.session
        .callerIdentityOf(accountId)
        .then((id) => id.arn)
        .catch(() => null);
    }
    return callerArn;
  };

  /** Records an item's request: a new record, or the item's earlier one moved on. */
  const save = async (
    item: PlanItem,
    previous: QuotaRequestRecord | undefined,
    fields: RecordFields,
  ): Promise<QuotaRequestRecord> => {
    const at = now();
    const record: QuotaRequestRecord = {
      id: previous?.id ?? newRequestId(),
      target: { accountId, region: item.region },
      serviceCode: item.serviceCode,
      quotaCode: item.quotaCode,
      quotaName: item.quotaName,
      unit: item.unit,
      global: item.global,
      desiredValue: item.desiredValue,
      requestedBy: options.requestedBy,
      callerArn: fields.status === 'QUEUED' ? null : await caller(),
      planId: plan.id,
      reason,
      createdAt: previous?.createdAt ?? at,
      updatedAt: at,
      checkedAt: fields.status === 'QUEUED' ? null : at,
      ...fields,
    };
    await deps.store.saveRequest(record);
    return record;
  };

  const results: ItemResult[] = [];
  for (const item of plan.items) {
    const state = states.get(item.region) as RegionState;
    const current = (state.values.get(quotaKey(item)) as CurrentValue).value;
    const previous = recorded.get(itemKey(item, item.region));
    const where = `${accountId}:${item.region}`;
    const result = (
      outcome: ItemOutcome,
      message: string,
      ids: { record?: QuotaRequestRecord | undefined; awsRequestId?: string | null } = {},
    ): ItemResult => ({
      item,
      outcome,
      message,
      currentValue: current,
      requestId: ids.record?.id ?? null,
      awsRequestId: ids.awsRequestId ?? ids.record?.awsRequestId ?? null,
      caseId: ids.record?.caseId ?? null,
    });
    const record = (fields: RecordFields) => save(item, previous, fields);
    /** Held back for a later run: recorded QUEUED (the item's earlier record, when it has one). */
    const queue = async (kind: RequestKind, message: string): Promise<ItemResult> =>
      result('queued', message, {
        record: await record({
          kind,
          status: 'QUEUED',
          awsRequestId: null,
          caseId: null,
          message,
          fromValue: current,
        }),
      });
    /** An item that no longer needs its queued request: the record is closed as CANCELLED. */
    const cancelQueued = async (message: string) => {
      if (!options.confirm || previous?.status !== 'QUEUED') return previous;
      const { kind, awsRequestId, caseId, fromValue } = previous;
      return record({ kind, awsRequestId, caseId, fromValue, status: 'CANCELLED', message });
    };

    const supportCase = async (): Promise<ItemResult> => {
      if (!options.supportCases) {
        return result(
          'needs-case',
          'not adjustable through the API: run apply with --support-cases to open an AWS Support case',
        );
      }
      if (!options.confirm)
        return result('would-open-case', `would open a Support case for ${item.desiredValue}`);
      try {
        const caseId = await openQuotaCase(deps.session.support(accountId), {
          ...item,
          accountId,
          fromValue: current,
          reason,
        });
        const opened = await record({
          kind: 'support-case',
          status: 'OPENED',
          awsRequestId: null,
          caseId,
          message: `Support case ${caseId} opened for ${item.desiredValue}`,
          fromValue: current,
        });
        return result('case-opened', `Support case ${caseId} opened`, { record: opened });
      } catch (error) {
        if (errorName(error) === 'CaseCreationLimitExceeded') {
          return queue(
            'support-case',
            `queued: AWS Support's case creation limit was reached; run apply again later`,
          );
        }
        const denied = isAccessDenied(error) || errorName(error) === 'SubscriptionRequiredException';
        return result(
          denied ? 'denied' : 'failed',
          problemLine(error, { action: 'support:CreateCase', where, endpoint: deps.session.endpoint }),
        );
      }
    };

    const refusal = async (error: unknown): Promise<ItemResult> => {
      const name = errorName(error);
      if (name === 'ResourceAlreadyExistsException') {
        return result('already-open', `AWS already has a request open for it: ${errorMessage(error)}`);
      }
      if (name === 'QuotaExceededException') {
        if (/account/i.test(errorMessage(error))) accountFull = true;
        else state.full = true;
        return queue('increase', `queued: ${errorMessage(error)}; run apply again when open requests close`);
      }
      if (REFUSALS.includes(name))
        return result('refused', `AWS refused it: ${name}: ${errorMessage(error)}`);
      const problem = problemLine(error, {
        action: 'servicequotas:RequestServiceQuotaIncrease',
        where,
        endpoint: deps.session.endpoint,
      });
      return result(isAccessDenied(error) ? 'denied' : 'failed', problem);
    };

    const one = async (): Promise<ItemResult> => {
      if (current !== null && current >= item.desiredValue) {
        const message = `already ${current} in ${where} (wanted ${item.desiredValue})`;
        return result('satisfied', message, { record: await cancelQueued(message) });
      }
      if (current !== item.destinationValue) {
        const message = `stale: ${quotaKey(item)} in ${where} is now ${current ?? 'unknown'}, the plan was made at ${item.destinationValue}; make a new plan with \`headroom replicate\``;
        return result('stale', message, { record: await cancelQueued(message) });
      }
      if (previous && previous.status !== 'QUEUED' && previous.status !== 'CANCELLED') {
        return result('already-filed', `filed by this plan earlier (${previous.id}, ${previous.status})`, {
          record: previous,
        });
      }
      if (item.action === 'support-case') return supportCase();

      const open = state.openByQuota.get(quotaKey(item));
      if (open) {
        const mine = open.Id !== undefined ? await deps.store.getRequest(open.Id) : undefined;
        return result(
          'already-open',
          `AWS already has request ${open.Id ?? '?'} open for it (${awsStatusOf(open)}, desired ${open.DesiredValue ?? '?'}${mine ? `, recorded as ${mine.id}` : ', not filed by headroom'})`,
          { awsRequestId: open.Id ?? null, record: mine },
        );
      }
      if (accountFull || state.full || accountOpen >= caps.perAccount || state.open >= caps.perRegion) {
        const message =
          accountFull || accountOpen >= caps.perAccount
            ? `queued: ${caps.perAccount} requests open in account ${accountId}, AWS's cap; apply again when some close`
            : `queued: ${caps.perRegion} requests open in ${where}, AWS's cap per region; apply again when one closes`;
        if (!options.confirm) return result('would-queue', message, { record: previous });
        return queue('increase', message);
      }
      if (!options.confirm) {
        state.open++;
        accountOpen++;
        return result('would-file', `would ask for ${item.desiredValue} (now ${current})`);
      }
      try {
        const filed = await fileIncrease(deps.session.serviceQuotas(state.target), item);
        state.open++;
        accountOpen++;
        const status: RequestStatus = awsStatusOf(filed);
        const saved = await record({
          kind: 'increase',
          status,
          awsRequestId: filed.Id ?? null,
          caseId: filed.CaseId ?? null,
          message: `filed: ${current} → ${item.desiredValue}`,
          fromValue: current,
        });
        return result(
          'filed',
          `asked for ${item.desiredValue} (now ${current}); AWS request ${saved.awsRequestId ?? '?'}`,
          { record: saved },
        );
      } catch (error) {
        return refusal(error);
      }
    };

    const outcome = await one();
    deps.logger.info(
      {
        plan: plan.id,
        quota: quotaKey(item),
        target: `${accountId}:${item.region}`,
        outcome: outcome.outcome,
        request: outcome.requestId ?? undefined,
      },
      `apply: ${outcome.outcome}: ${outcome.message}`,
    );
    options.onItem?.(outcome);
    results.push(outcome);
  }
  return {
    planId: plan.id,
    destination: { accountId, region: plan.destination.region },
    dryRun: !options.confirm,
    items: results,
    callerArn,
  };
}
