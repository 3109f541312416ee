/**
 * AWS Support cases per account: the ones a caller opens with CreateCase and the ones Service
 * Quotas opens for an increase request, so both show in DescribeCases.
 */
import { identifier } from '../../core/random.js';
import type { Account } from '../../world/accounts.js';
import type { CaseDesk, IncreaseRequest } from '../service-quotas/state.js';

export const CASE_STATUSES = [
  'opened',
  'pending-customer-action',
  'reopened',
  'resolved',
  'unassigned',
  'work-in-progress',
] as const;

export type CaseStatus = (typeof CASE_STATUSES)[number];

export interface Communication {
  readonly body: string;
  readonly submittedBy: string;
  readonly time: number;
}

export interface SupportCase {
  readonly caseId: string;
  readonly displayId: string;
  readonly account: Account;
  readonly subject: string;
  readonly serviceCode: string;
  readonly categoryCode: string;
  readonly severityCode: string;
  readonly submittedBy: string;
  readonly created: number;
  readonly ccEmailAddresses: readonly string[];
  readonly language: string;
  /** True for cases Service Quotas opened; they do not count against CreateCase's hourly cap. */
  readonly fromServiceQuotas: boolean;
  status: CaseStatus;
  readonly communications: Communication[];
}

export class SupportState implements CaseDesk {
  readonly cases = new Map<string, SupportCase>();
  #count = 0;

  readonly #seed: number;

  constructor(seed: number) {
    this.#seed = seed;
  }

  open(input: {
    account: Account;
    subject: string;
    serviceCode: string;
    categoryCode: string;
    severityCode: string;
    body: string;
    submittedBy: string;
    ccEmailAddresses: readonly string[];
    language: string;
    at: number;
    fromServiceQuotas: boolean;
  }): SupportCase {
    const year = new Date(input.at).getUTCFullYear();
    let n: number;
    let caseId: string;
    // A restored state may hold ids of any count; a new case never takes one of them.
    do {
      n = ++this.#count;
      caseId = `case-${input.account.id}-${identifier(4, 'lower', this.#seed, 'case-tag', n)}-${year}-${identifier(16, 'hex', this.#seed, 'case', n)}`;
    } while (this.cases.has(caseId));
    const supportCase: SupportCase = {
      caseId,
      displayId: String(170_000_000_00 + n * 7 + (this.#seed % 7)),
      account: input.account,
      subject: input.subject,
      serviceCode: input.serviceCode,
      categoryCode: input.categoryCode,
      severityCode: input.severityCode,
      submittedBy: input.submittedBy,
      created: input.at,
      ccEmailAddresses: input.ccEmailAddresses,
      language: input.language,
      fromServiceQuotas: input.fromServiceQuotas,
      status: 'opened',
      communications: [{ body: input.body, submittedBy: input.submittedBy, time: input.at }],
    };
    this.cases.set(supportCase.caseId, supportCase);
    return supportCase;
  }

  openQuotaCase(request: IncreaseRequest, at: number): string {
    return this.open({
      account: request.account,
      subject: `Service Quotas: ${request.quota.serviceName} - ${request.quota.quotaName}`,
      serviceCode: 'service-limit-increase',
      categoryCode: request.quota.serviceCode,
      severityCode: 'normal',
      body: `Quota increase request ${request.id}: ${request.quota.quotaName} (${request.quota.quotaCode}) in ${request.region} to ${request.desiredValue}.`,
      submittedBy: request.account.email,
      ccEmailAddresses: [],
      language: 'en',
      at,
      fromServiceQuotas: true,
    }).caseId;
  }

  resolveCase(caseId: string, at: number, resolution: string): void {
    const supportCase = this.cases.get(caseId);
    if (!supportCase) return;
    supportCase.status = 'resolved';
    supportCase.communications.push({ body: resolution, submittedBy: 'Amazon Web Services', time: at });
  }

  /** Cases this account opened itself within the last hour (CreateCase's cap counts these). */
  openedWithin(account: Account, from: number): number {
    let count = 0;
    for (const c of this.cases.values()) {
      if (c.account.id === account.id && !c.fromServiceQuotas && c.created >= from) count++;
    }
    return count;
  }

  /** How many case ids have been drawn: new ids continue from it. */
  get caseCount(): number {
    return this.#count;
  }

  /**
   * Takes up cases saved by another sandbox of the same seed, in their order, and the case count
   * so new ids differ. For a desk with no cases of its own yet (at start or after reset).
   */
  restore(cases: readonly SupportCase[], caseCount: number): void {
    for (const saved of cases) {
      this.cases.set(saved.caseId, {
        ...saved,
        ccEmailAddresses: [...saved.ccEmailAddresses],
        communications: saved.communications.map((m) => ({ ...m })),
      });
    }
    this.#count = caseCount;
  }

  reset(): void {
    this.cases.clear();
    this.#count = 0;
  }
}
