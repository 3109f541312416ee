/**
 * Following recorded requests to a final status: `headroom requests` (and later the dashboard).
 * A refresh reads each target's request history once (newest first, stopping when every
 * tracked request is found) instead of one GetRequestedServiceQuotaChange per request, and
 * each account's Support cases with one DescribeCases; a change of status is saved with its
 * event (the audit trail). `watch` refreshes on an interval until every request it follows is
 * final, or the timeout passes.
 */
import type { RequestedServiceQuotaChange } from '@aws-sdk/client-service-quotas';
import { groupBy } from '../domain/collections.js';
import { problemLine } from '../aws/errors.js';
import { isFinal, OPEN_STATUSES, type QuotaRequestRecord, type RequestStatus } from '../domain/request.js';
import { targetKey } from '../domain/target.js';
import type { RequestDeps } from './apply.js';
import { awsStatusOf, readRequests, resolvedCases } from './aws.js';

export interface StatusChange {
  readonly record: QuotaRequestRecord;
  readonly from: RequestStatus;
  readonly to: RequestStatus;
}

export interface RefreshResult {
  /** Every request read, as saved. */
  readonly checked: readonly QuotaRequestRecord[];
  readonly changes: readonly StatusChange[];
  /** Targets or accounts whose statuses could not be read, one line each. */
  readonly warnings: readonly string[];
}

/** Whether an open request is known to AWS by an id, so it can be refreshed. */
function tracked(record: QuotaRequestRecord): boolean {
  return record.kind === 'support-case' ? record.caseId !== null : record.awsRequestId !== null;
}

function describe(request: RequestedServiceQuotaChange, status: RequestStatus): string {
  switch (status) {
    case 'APPROVED':
      return `approved: the quota is now ${request.DesiredValue ?? '?'}`;
    case 'CASE_OPENED':
      return `AWS opened Support case ${request.CaseId ?? '?'} for it`;
    case 'DENIED':
      return 'denied by AWS';
    case 'NOT_APPROVED':
      return 'not approved (AWS would need a Support case)';
    case 'CASE_CLOSED':
      return `Support case ${request.CaseId ?? '?'} closed without approval`;
    case 'INVALID_REQUEST':
      return 'AWS found the request invalid';
    default:
      return `status ${status}`;
  }
}

/**
 * Reads the status of recorded open requests from AWS and saves what changed. `ids` limits it to
 * those requests (headroom's or AWS's ids); otherwise every open request is refreshed.
 */
export async function refreshRequests(
  deps: RequestDeps,
  options: { ids?: readonly string[]; now?: () => Date } = {},
): Promise<RefreshResult> {
  const now = options.now ?? (() => new Date());
  const open = (await deps.store.listRequests({ statuses: OPEN_STATUSES })).filter(
    (r) =>
      tracked(r) &&
      (options.ids === undefined ||
        options.ids.includes(r.id) ||
        (r.awsRequestId !== null && options.ids.includes(r.awsRequestId))),
  );
  const checked: QuotaRequestRecord[] = [];
  const changes: StatusChange[] = [];
  const warnings: string[] = [];
  const endpoint = deps.session.endpoint;

  const update = async (
    record: QuotaRequestRecord,
    status: RequestStatus,
    fields: Partial<QuotaRequestRecord>,
  ) => {
    const at = now();
    const changed = status !== record.status;
    const next: QuotaRequestRecord = {
      ...record,
      ...fields,
      status,
      checkedAt: at,
      updatedAt: changed ? at : record.updatedAt,
    };
    await deps.store.saveRequest(next);
    checked.push(next);
    if (changed) changes.push({ record: next, from: record.status, to: status });
  };

  // Increase requests: one history read per target.
  const increases = open.filter((r) => r.kind === 'increase');
  for (const records of groupBy(increases, (r) => targetKey(r.target)).values()) {
    const target = (records[0] as QuotaRequestRecord).target;
    let found: Map<string, RequestedServiceQuotaChange>;
    try {
      found = await readRequests(
        deps.session.serviceQuotas(target),
        records.map((r) => r.awsRequestId ?? ''),
      );
    } catch (error) {
      warnings.push(
        problemLine(error, {
          action: 'servicequotas:ListRequestedServiceQuotaChangeHistory',
          where: targetKey(target),
          endpoint,
        }),
      );
      continue;
    }
    for (const record of records) {
      const request = found.get(record.awsRequestId ?? '');
      if (!request) {
        await update(record, record.status, {
          message: `AWS does not know request ${record.awsRequestId ?? '?'} in ${targetKey(target)} any more`,
        });
        continue;
      }
      const status = awsStatusOf(request);
      await update(record, status, {
        caseId: request.CaseId ?? record.caseId,
        message: status === record.status ? record.message : describe(request, status),
      });
    }
  }

  // Support cases: one DescribeCases per account.
  const cases = open.filter((r) => r.kind === 'support-case');
  for (const [accountId, records] of groupBy(cases, (r) => r.target.accountId)) {
    let resolved: Set<string>;
    try {
      resolved = await resolvedCases(
        deps.session.support(accountId),
        records.map((r) => r.caseId ?? ''),
      );
    } catch (error) {
      warnings.push(
        problemLine(error, { action: 'support:DescribeCases', where: `account ${accountId}`, endpoint }),
      );
      continue;
    }
    for (const record of records) {
      const done = resolved.has(record.caseId ?? '');
      await update(record, done ? 'RESOLVED' : record.status, {
        message: done ? `Support case ${record.caseId ?? '?'} resolved` : record.message,
      });
    }
  }
  return { checked, changes, warnings };
}

export interface WatchOptions {
  /** Follow these requests (headroom's or AWS's ids); otherwise every open request at the start. */
  readonly ids?: readonly string[];
  readonly intervalMs: number;
  /** Give up after this long; undefined waits for ever. */
  readonly timeoutMs?: number | undefined;
  readonly onChange?: (change: StatusChange) => void;
  readonly onWarning?: (warning: string) => void;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface WatchResult {
  /** The followed requests as last read. */
  readonly requests: readonly QuotaRequestRecord[];
  /** Every followed request reached a final status. */
  readonly settled: boolean;
  readonly timedOut: boolean;
}

/** Refreshes until every followed request is final, or the timeout passes. */
export async function watchRequests(deps: RequestDeps, options: WatchOptions): Promise<WatchResult> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const started = Date.now();
  const matches = (r: QuotaRequestRecord, ids: readonly string[]) =>
    ids.includes(r.id) || (r.awsRequestId !== null && ids.includes(r.awsRequestId));
  const followedIds =
    options.ids ?? (await deps.store.listRequests({ statuses: OPEN_STATUSES })).map((r) => r.id);
  const current = async () => (await deps.store.listRequests()).filter((r) => matches(r, followedIds));
  for (;;) {
    const result = await refreshRequests(deps, {
      ids: followedIds,
      ...(options.now ? { now: options.now } : {}),
    });
    for (const change of result.changes) options.onChange?.(change);
    for (const warning of result.warnings) options.onWarning?.(warning);
    const requests = await current();
    // QUEUED requests are not at AWS yet: only `apply` moves them on, so they do not hold a watch.
    const settled = requests.every((r) => isFinal(r.status) || r.status === 'QUEUED');
    if (settled) return { requests, settled: true, timedOut: false };
    const elapsed = Date.now() - started;
    if (options.timeoutMs !== undefined && elapsed >= options.timeoutMs) {
      return { requests, settled: false, timedOut: true };
    }
    const wait =
      options.timeoutMs === undefined
        ? options.intervalMs
        : Math.min(options.intervalMs, options.timeoutMs - elapsed);
    await sleep(Math.max(0, wait));
  }
}
