/**
 * Service Quotas state per account and region: applied values seeded from the catalog (a share
 * raised above default, a few services without applied values, a few with an ErrorReason), usage
 * profiles for the quotas with a usage metric, and the increase requests with their lifecycle.
 *
 * Seeded facts are recomputed from the seed, so a target's state is built only when first touched
 * and a sandbox of thousands of accounts costs only what is used. Requests move on the sandbox
 * clock: `settle(now)` applies every transition that is due, in time order, before each call.
 */
import { hash32, identifier, unit } from '../../core/random.js';
import type { RequestTimings } from '../../options.js';
import type { Account } from '../../world/accounts.js';
import { type Catalog, type CatalogQuota, GLOBAL_HOME } from '../../world/catalog.js';
import {
  type Band,
  makeProfile,
  type SeriesKind,
  type SeriesProfile,
  type Surge,
} from '../../world/usage.js';

export const REQUEST_STATUSES = [
  'PENDING',
  'CASE_OPENED',
  'APPROVED',
  'DENIED',
  'CASE_CLOSED',
  'NOT_APPROVED',
  'INVALID_REQUEST',
] as const;

export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const OPEN_STATUSES: readonly RequestStatus[] = ['PENDING', 'CASE_OPENED'];

export type ErrorReasonCode =
  | 'DEPENDENCY_ACCESS_DENIED_ERROR'
  | 'DEPENDENCY_THROTTLING_ERROR'
  | 'DEPENDENCY_SERVICE_ERROR'
  | 'SERVICE_QUOTA_NOT_AVAILABLE_ERROR';

/** Messages of the ErrorCode values, from the Service Quotas API reference. */
export const ERROR_REASON_MESSAGES: Record<ErrorReasonCode, string> = {
  DEPENDENCY_ACCESS_DENIED_ERROR:
    'The caller does not have the required permissions to complete the action. To resolve the error, you must have permission to access the AWS service or quota.',
  DEPENDENCY_THROTTLING_ERROR: 'The AWS service or quota is throttling Service Quotas.',
  DEPENDENCY_SERVICE_ERROR: 'The AWS service or quota is not available.',
  SERVICE_QUOTA_NOT_AVAILABLE_ERROR: 'There was an error in Service Quotas.',
};

export interface IncreaseRequest {
  readonly id: string;
  readonly account: Account;
  readonly region: string;
  readonly quota: CatalogQuota;
  readonly desiredValue: number;
  /** The value the request raises from (applied, or the default when there is none). */
  readonly fromValue: number;
  readonly created: number;
  readonly requester: string;
  readonly supportCaseAllowed: boolean;
  readonly quotaArn: string;
  status: RequestStatus;
  lastUpdated: number;
  caseId: string | undefined;
  caseOpenedAt: number | undefined;
}

/** The applied value of one quota in one scope, with the times it changed (for SERVICE_QUOTA()). */
interface AppliedChange {
  readonly at: number;
  readonly value: number;
}

/** An approval's change of an applied value, where it happened: what a saved state keeps of approvals. */
export interface AppliedChangeRecord extends AppliedChange {
  readonly account: Account;
  /** A region, or 'global' for the account's global quotas. */
  readonly scope: string;
  readonly quota: CatalogQuota;
}

/** An increase request as a saved state restores it: everything but what is derived from it. */
export type RequestRecord = Readonly<Omit<IncreaseRequest, 'quotaArn'>>;

export interface TargetState {
  readonly account: Account;
  /** A region, or 'global' for the account's global quotas. */
  readonly scope: string;
  /** Applied value per catalog index; NaN where AWS has no applied value. */
  readonly applied: Float64Array;
  /** The applied values as seeded, before any approval. */
  readonly seeded: Float64Array;
  readonly errorReasons: Map<number, ErrorReasonCode>;
  readonly changes: Map<number, AppliedChange[]>;
  readonly profiles: Map<number, SeriesProfile | null>;
}

export interface CaseDesk {
  /** Opens a Support case on behalf of an increase request and returns its id. */
  openQuotaCase(request: IncreaseRequest, at: number): string;
  resolveCase(caseId: string, at: number, resolution: string): void;
}

export interface TemplateEntry {
  readonly quota: CatalogQuota;
  readonly awsRegion: string;
  readonly desiredValue: number;
}

export interface UtilizationReport {
  readonly id: string;
  readonly account: Account;
  readonly region: string;
  readonly startedAt: number;
  readonly readyAt: number;
  /** The report's rows, computed on first read once it is ready. */
  rows: Record<string, unknown>[] | undefined;
}

export interface AutoManagement {
  optInType: 'NotifyOnly' | 'NotifyAndAdjust';
  notificationArn: string | undefined;
  exclusionList: Record<string, string[]>;
}

/** Nice round numbers, as people ask for: 2 significant digits. */
function roundNicely(value: number): number {
  if (value <= 0) return 0;
  const magnitude = 10 ** (Math.floor(Math.log10(value)) - 1);
  return Math.ceil(value / magnitude) * magnitude;
}

const RAISE_FACTORS = [1.5, 2, 2.5, 3, 4, 5, 10] as const;
const FROM_ZERO = [8, 16, 32, 64, 128] as const;

/** The quotas every active target uses, so demos and tests always find them. */
const ALWAYS_IN_USE = new Set(['ec2/L-1216C47A', 'lambda/L-B99A9384']);
const EC2_STANDARD_VCPU = 'ec2/L-1216C47A';

/** A series that holds `count` at every minute: the usage of seeded resources that do not change. */
function flatProfile(count: number, limit: number, anchor: number): SeriesProfile {
  return {
    kind: 'count',
    limit,
    base: count / limit,
    growthPerDay: 0,
    dailyAmplitude: 0,
    dailyPhaseHours: 0,
    weekendDip: 0,
    noise: 0,
    spikeChancePerHour: 0,
    spikeMagnitude: 0,
    cap: Number.POSITIVE_INFINITY,
    periodSeconds: 1,
    anchor,
    hash: 0,
  };
}

export class ServiceQuotasState {
  readonly #targets = new Map<string, TargetState>();
  readonly requests = new Map<string, IncreaseRequest>();
  readonly #open: IncreaseRequest[] = [];
  #requestCount = 0;
  readonly templates = new Map<string, TemplateEntry>();
  templateAssociated = false;
  readonly reports = new Map<string, UtilizationReport>();
  readonly autoManagement = new Map<string, AutoManagement>();
  readonly tags = new Map<string, Map<string, string>>();
  readonly #overLimit: { accountId: string; region: string };
  readonly #resourceUsage: (account: Account, region: string, key: string) => number | undefined;

  readonly catalog: Catalog;
  readonly activeRegions: readonly string[];
  readonly seed: number;
  /** When the seeded usage levels hold; series grow and shrink around it. */
  readonly anchor: number;
  readonly timings: RequestTimings;
  readonly #desk: CaseDesk;

  constructor(options: {
    catalog: Catalog;
    accounts: readonly Account[];
    activeRegions: readonly string[];
    seed: number;
    anchor: number;
    timings: RequestTimings;
    desk: CaseDesk;
    /** What seeded resources use of a quota (`serviceCode/quotaCode`), when a resource model counts it. */
    resourceUsage?: (account: Account, region: string, key: string) => number | undefined;
  }) {
    const { accounts, activeRegions } = options;
    this.catalog = options.catalog;
    this.activeRegions = activeRegions;
    this.seed = options.seed;
    this.anchor = options.anchor;
    this.timings = options.timings;
    this.#desk = options.desk;
    this.#resourceUsage = options.resourceUsage ?? (() => undefined);
    const overAccount = accounts[accounts.length > 1 ? 1 : 0] ?? accounts[0];
    this.#overLimit = { accountId: overAccount?.id ?? '', region: activeRegions[0] ?? 'us-east-1' };
  }

  /** Where one quota of one account lives: its region, or the account's global scope. */
  target(account: Account, region: string, quota: CatalogQuota): TargetState {
    return this.#targetFor(account, quota.global ? 'global' : region);
  }

  #targetFor(account: Account, scope: string): TargetState {
    const key = `${account.id}|${scope}`;
    let state = this.#targets.get(key);
    if (!state) {
      state = this.#seed(account, scope);
      this.#targets.set(key, state);
    }
    return state;
  }

  #isActive(scope: string): boolean {
    return scope === 'global' || this.activeRegions.includes(scope);
  }

  #seed(account: Account, scope: string): TargetState {
    const { catalog, seed } = this;
    const applied = new Float64Array(catalog.quotas.length);
    const errorReasons = new Map<number, ErrorReasonCode>();
    const active = this.#isActive(scope);
    for (const quota of catalog.quotas) {
      const key = `${quota.serviceCode}/${quota.quotaCode}`;
      // In the 'global' scope only global quotas are read, and defaultIn takes them from us-east-1.
      const def = catalog.defaultIn(quota, scope);
      // Some services report no applied values at all, and a few quotas lack one: ListServiceQuotas
      // leaves them out and a collector must fall back to the default. Metric quotas keep theirs,
      // because SERVICE_QUOTA() reads the applied value.
      const serviceWithoutApplied = unit(seed, 'no-applied-service', quota.serviceCode) < 0.07;
      const quotaWithoutApplied = unit(seed, 'no-applied-quota', account.id, key) < 0.03;
      if (!quota.usageMetric && (serviceWithoutApplied || quotaWithoutApplied)) {
        applied[quota.index] = Number.NaN;
        continue;
      }
      let value = def;
      if (active && quota.adjustable) {
        const chance = quota.usageMetric ? 0.25 : 0.03;
        if (key === EC2_STANDARD_VCPU || unit(seed, 'raise', account.id, scope, key) < chance) {
          const pick = hash32(seed, 'raise-factor', account.id, scope, key);
          value =
            def > 0
              ? roundNicely(def * (RAISE_FACTORS[pick % RAISE_FACTORS.length] ?? 2))
              : (FROM_ZERO[pick % FROM_ZERO.length] ?? 8);
          if (key === EC2_STANDARD_VCPU) value = Math.max(value, 64 * 2 ** (pick % 5));
        }
      }
      applied[quota.index] = value;
      if (!quota.usageMetric && unit(seed, 'error-reason', account.id, quota.serviceCode) < 0.01) {
        const codes = Object.keys(ERROR_REASON_MESSAGES) as ErrorReasonCode[];
        errorReasons.set(
          quota.index,
          codes[hash32(seed, 'error-code', account.id, quota.serviceCode) % codes.length] ??
            'DEPENDENCY_SERVICE_ERROR',
        );
        applied[quota.index] = Number.NaN;
      }
    }
    return {
      account,
      scope,
      applied,
      seeded: applied.slice(),
      errorReasons,
      changes: new Map(),
      profiles: new Map(),
    };
  }

  /** The applied value now, or undefined where AWS has none. */
  applied(account: Account, region: string, quota: CatalogQuota): number | undefined {
    const value = this.target(account, region, quota).applied[quota.index];
    return value === undefined || Number.isNaN(value) ? undefined : value;
  }

  /** The applied value as seeded, before any approval; undefined where AWS has none. */
  seededValue(account: Account, region: string, quota: CatalogQuota): number | undefined {
    const value = this.target(account, region, quota).seeded[quota.index];
    return value === undefined || Number.isNaN(value) ? undefined : value;
  }

  /** The applied value at a time, following approvals; undefined where AWS has none. */
  appliedAt(account: Account, region: string, quota: CatalogQuota, time: number): number | undefined {
    const state = this.target(account, region, quota);
    let value = state.seeded[quota.index];
    for (const change of state.changes.get(quota.index) ?? []) {
      if (change.at <= time) value = change.value;
    }
    return value === undefined || Number.isNaN(value) ? undefined : value;
  }

  errorReason(account: Account, region: string, quota: CatalogQuota): ErrorReasonCode | undefined {
    return this.target(account, region, quota).errorReasons.get(quota.index);
  }

  /**
   * What ListServiceQuotas shows of a quota: its applied value, or no value and an ErrorReason;
   * undefined when it leaves the quota out (AWS has no applied value to show).
   */
  listed(
    account: Account,
    region: string,
    quota: CatalogQuota,
  ): { value: number | undefined; errorReason: ErrorReasonCode | undefined } | undefined {
    const errorReason = this.errorReason(account, region, quota);
    if (errorReason !== undefined) return { value: undefined, errorReason };
    const value = this.applied(account, region, quota);
    return value === undefined ? undefined : { value, errorReason: undefined };
  }

  /** The value a request raises from: the applied value, else the default. */
  currentValue(account: Account, region: string, quota: CatalogQuota): number {
    return this.applied(account, region, quota) ?? this.catalog.defaultIn(quota, region);
  }

  #setApplied(account: Account, region: string, quota: CatalogQuota, value: number, at: number): void {
    this.#change(this.target(account, region, quota), quota, value, at);
  }

  #change(state: TargetState, quota: CatalogQuota, value: number, at: number): void {
    const changes = state.changes.get(quota.index) ?? [];
    changes.push({ at, value });
    state.changes.set(quota.index, changes);
    state.applied[quota.index] = value;
    state.errorReasons.delete(quota.index);
  }

  /**
   * The usage series of a quota in a target, or null when the target does not use it (no
   * datapoints, as CloudWatch has none for unused resources). Global quotas report in us-east-1.
   */
  profile(account: Account, region: string, quota: CatalogQuota): SeriesProfile | null {
    if (!quota.usageMetric) return null;
    if (quota.global && region !== GLOBAL_HOME) return null;
    if (!quota.global && !this.activeRegions.includes(region)) return null;
    const state = this.target(account, region, quota);
    const cached = state.profiles.get(quota.index);
    if (cached !== undefined) return cached;
    const profile = this.#makeProfile(account, region, quota, state);
    state.profiles.set(quota.index, profile);
    return profile;
  }

  /**
   * Puts a spike into a quota's usage series: times `factor` over the surge's span. The series
   * stays a function of time, so every later query agrees. False when the target does not use
   * the quota (it has no series).
   */
  surge(account: Account, region: string, quota: CatalogQuota, surge: Surge): boolean {
    const profile = this.profile(account, region, quota);
    if (profile === null) return false;
    const state = this.target(account, region, quota);
    state.profiles.set(quota.index, { ...profile, surges: [...(profile.surges ?? []), surge] });
    return true;
  }

  #makeProfile(
    account: Account,
    region: string,
    quota: CatalogQuota,
    state: TargetState,
  ): SeriesProfile | null {
    const key = `${quota.serviceCode}/${quota.quotaCode}`;
    const seededLimit = state.seeded[quota.index] ?? 0;
    if (!(seededLimit > 0)) return null;
    const counted = this.#resourceUsage(account, region, key);
    if (counted !== undefined) return counted > 0 ? flatProfile(counted, seededLimit, this.anchor) : null;
    const seriesKey = `${this.seed}|${account.id}|${region}|${key}`;
    const over =
      key === EC2_STANDARD_VCPU &&
      account.id === this.#overLimit.accountId &&
      region === this.#overLimit.region;
    const forced = ALWAYS_IN_USE.has(key);
    if (!over && !forced && unit(seriesKey, 'in-use') >= 0.5) return null;
    const r = unit(seriesKey, 'band');
    const band: Band = over
      ? 'over'
      : r < 0.01
        ? 'hot'
        : r < 0.07
          ? 'high'
          : r < 0.3 || forced
            ? 'medium'
            : 'low';
    const metric = quota.usageMetric;
    const kind: SeriesKind = metric?.MetricName === 'CallCount' ? 'calls' : 'count';
    const period = quota.period;
    const periodSeconds =
      period === undefined
        ? 1
        : period.PeriodValue *
          (
            {
              MICROSECOND: 1e-6,
              MILLISECOND: 1e-3,
              SECOND: 1,
              MINUTE: 60,
              HOUR: 3600,
              DAY: 86400,
              WEEK: 604800,
            } as const
          )[period.PeriodUnit];
    return makeProfile({
      key: seriesKey,
      kind,
      limit: seededLimit,
      band,
      periodSeconds,
      anchor: this.anchor,
    });
  }

  /** Applies every request transition due by `now`, in time order. */
  settle(now: number): void {
    for (;;) {
      let next: { request: IncreaseRequest; at: number } | undefined;
      for (const request of this.#open) {
        const at = this.#nextTransitionAt(request);
        if (at !== undefined && at <= now && (next === undefined || at < next.at)) next = { request, at };
      }
      if (!next) return;
      this.#transition(next.request, next.at);
    }
  }

  #nextTransitionAt(request: IncreaseRequest): number | undefined {
    if (request.status === 'PENDING') return request.created + this.timings.caseOpenedAfterMs;
    if (request.status === 'CASE_OPENED')
      return (request.caseOpenedAt ?? request.created) + this.timings.decisionAfterMs;
    return undefined;
  }

  /**
   * The deterministic rule that decides a request: more than ten times the value it raises from is
   * denied; without a Support case, more than double is not approved (it would need a case).
   */
  outcome(request: IncreaseRequest, withCase: boolean): RequestStatus {
    const reference = Math.max(request.fromValue, 1);
    if (request.desiredValue > 10 * reference) return withCase ? 'DENIED' : 'NOT_APPROVED';
    if (!withCase && request.desiredValue > 2 * reference) return 'NOT_APPROVED';
    return 'APPROVED';
  }

  #transition(request: IncreaseRequest, at: number): void {
    if (request.status === 'PENDING' && request.supportCaseAllowed) {
      this.openCase(request, at);
      return;
    }
    const final = this.outcome(request, request.status === 'CASE_OPENED');
    this.#finish(request, final, at);
  }

  /** PENDING → CASE_OPENED with a new Support case. */
  openCase(request: IncreaseRequest, at: number): void {
    request.caseId = this.#desk.openQuotaCase(request, at);
    request.caseOpenedAt = at;
    request.status = 'CASE_OPENED';
    request.lastUpdated = at;
  }

  #finish(request: IncreaseRequest, status: RequestStatus, at: number): void {
    request.status = status;
    request.lastUpdated = at;
    const index = this.#open.indexOf(request);
    if (index >= 0) this.#open.splice(index, 1);
    if (status === 'APPROVED') {
      this.#setApplied(request.account, request.region, request.quota, request.desiredValue, at);
    }
    if (request.caseId !== undefined) {
      this.#desk.resolveCase(
        request.caseId,
        at,
        status === 'APPROVED'
          ? `Your quota increase to ${request.desiredValue} has been approved.`
          : `We are unable to approve an increase to ${request.desiredValue} at this time.`,
      );
    }
  }

  openRequests(): readonly IncreaseRequest[] {
    return this.#open;
  }

  addRequest(input: {
    account: Account;
    region: string;
    quota: CatalogQuota;
    desiredValue: number;
    requester: string;
    supportCaseAllowed: boolean;
    now: number;
  }): IncreaseRequest {
    let id: string;
    // A restored state may hold ids of any count; a new request never takes one of them.
    do {
      id = identifier(32, 'hex', this.seed, 'request', ++this.#requestCount);
    } while (this.requests.has(id));
    const region = this.catalog.homeRegion(input.quota, input.region);
    const request: IncreaseRequest = {
      id,
      account: input.account,
      region,
      quota: input.quota,
      desiredValue: input.desiredValue,
      fromValue: this.currentValue(input.account, region, input.quota),
      created: input.now,
      requester: input.requester,
      supportCaseAllowed: input.supportCaseAllowed,
      quotaArn: appliedQuotaArn(region, input.account.id, input.quota),
      status: 'PENDING',
      lastUpdated: input.now,
      caseId: undefined,
      caseOpenedAt: undefined,
    };
    this.requests.set(request.id, request);
    this.#open.push(request);
    return request;
  }

  /** Open requests that would collide with a new one, per AWS's caps. */
  openCounts(
    account: Account,
    region: string,
    quota: CatalogQuota,
  ): { quota: number; region: number; account: number } {
    let perQuota = 0;
    let perRegion = 0;
    let perAccount = 0;
    const scopeRegion = this.catalog.homeRegion(quota, region);
    for (const request of this.#open) {
      if (request.account.id !== account.id) continue;
      perAccount++;
      if (request.region === scopeRegion) perRegion++;
      if (request.quota.index === quota.index && request.region === scopeRegion) perQuota++;
    }
    return { quota: perQuota, region: perRegion, account: perAccount };
  }

  /** Requests visible from a region of an account, newest first; global quotas show everywhere. */
  history(account: Account, region: string): IncreaseRequest[] {
    return [...this.requests.values()]
      .filter((r) => r.account.id === account.id && (r.region === region || r.quota.global))
      .sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
  }

  /** How many request ids have been drawn: new ids continue from it. */
  get requestCount(): number {
    return this.#requestCount;
  }

  /** Every applied value an approval changed, per target and quota in the order they changed. */
  appliedChanges(): AppliedChangeRecord[] {
    return [...this.#targets.values()].flatMap((state) =>
      [...state.changes.entries()].flatMap(([index, changes]) => {
        const quota = this.catalog.quotas[index];
        return quota === undefined
          ? []
          : changes.map((c) => ({
              account: state.account,
              scope: state.scope,
              quota,
              at: c.at,
              value: c.value,
            }));
      }),
    );
  }

  /**
   * Takes up requests and approvals saved by another sandbox of the same seed: the requests in
   * their order (open ones go back on the clock), the approvals replayed onto the seeded values so
   * applied values and their history read as before, and the request count so new ids differ.
   * For a state with none of its own yet (at start or after reset); the records are checked.
   */
  restore(saved: {
    requests: readonly RequestRecord[];
    requestCount: number;
    appliedChanges: readonly AppliedChangeRecord[];
  }): void {
    for (const record of saved.requests) {
      const request: IncreaseRequest = {
        ...record,
        quotaArn: appliedQuotaArn(record.region, record.account.id, record.quota),
      };
      this.requests.set(request.id, request);
      if (OPEN_STATUSES.includes(request.status)) this.#open.push(request);
    }
    this.#requestCount = saved.requestCount;
    for (const change of saved.appliedChanges) {
      this.#change(this.#targetFor(change.account, change.scope), change.quota, change.value, change.at);
    }
  }

  /** Forgets every change: requests, approvals, templates, reports, tags (sandbox reset). */
  reset(): void {
    this.#targets.clear();
    this.requests.clear();
    this.#open.length = 0;
    this.#requestCount = 0;
    this.templates.clear();
    this.templateAssociated = false;
    this.reports.clear();
    this.autoManagement.clear();
    this.tags.clear();
  }
}

export function appliedQuotaArn(region: string, accountId: string, quota: CatalogQuota): string {
  return `arn:aws:servicequotas:${region}:${accountId}:${quota.serviceCode}/${quota.quotaCode}`;
}

export function defaultQuotaArn(region: string, quota: CatalogQuota): string {
  return `arn:aws:servicequotas:${region}::${quota.serviceCode}/${quota.quotaCode}`;
}
