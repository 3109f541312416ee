/**
 * Options of the sandbox, shared by `headroom sandbox` and `startSandbox()`. Every option is
 * checked here once; a bad value is a SandboxOptionError naming the option and what it accepts.
 * A saved `state` is checked here against the other options; its records are checked against the
 * accounts and catalog in world/saved-state.ts.
 */
import type { RequestStatus } from './services/service-quotas/state.js';
import type { Communication, SupportCase } from './services/support/state.js';

export type ThrottleMode = 'aws' | 'off';

export interface SandboxOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. Default 0 (the CLI defaults to 4566). */
  port?: number;
  /** Number of accounts in the organisation; the first is its management account. Default 3. */
  accounts?: number;
  /** Regions the accounts use: seeded with raised quotas and usage. Default us-east-1, us-west-2, eu-west-1. */
  regions?: readonly string[];
  /** Seed of every generated fact. Default 1. */
  seed?: number;
  /** Largest page any list operation returns, whatever MaxResults asks (tests use 2). */
  pageSize?: number;
  /** `aws` throttles per (account, region, operation) at AWS's documented rates; `off` never throttles. */
  throttle?: ThrottleMode;
  /** Share of requests answered with an injected 5xx fault, 0 to 1. Default 0. */
  faultRate?: number;
  /** Added latency per request in milliseconds. Default 0. */
  latencyMs?: number;
  /** Calls answered with the service's access-denied error, as an IAM policy would. Default none. */
  denials?: readonly Denial[];
  /** Accounts and regions where every call answers the service's 503 ServiceUnavailable. Default none. */
  outages?: readonly Outage[];
  /** Anchor of the usage series (epoch ms): series are shaped so their designed levels hold then. Default: start time. */
  startTime?: number;
  /** Check SigV4 signatures against the caller's secret. Default true. */
  verifySignatures?: boolean;
  /** How long an increase request waits in each state on the sandbox clock. */
  requestTimings?: Partial<RequestTimings>;
  /** AWS's caps on open increase requests. */
  requestCaps?: Partial<RequestCaps>;
  /**
   * Where wall-clock time comes from, for signature and credential expiry checks and for the
   * token buckets. Tests move it to expire temporary credentials, or hold it still so a bucket
   * never refills and throttling is exact; everything else should leave it alone.
   */
  wallClock?: () => number;
  /**
   * Run-time state saved by another sandbox (`admin.exportState()`, `GET /_sandbox/state`), taken
   * up before the sandbox serves: its increase requests, approvals, Support cases and clock. It
   * must come from a sandbox of the same seed, account count and regions; its startTime is the
   * default of `startTime`. Default none.
   */
  state?: SandboxState;
}

/** The version of SandboxState this sandbox writes and reads. */
export const SANDBOX_STATE_VERSION = 1;

/**
 * What a sandbox changed at run time, as plain JSON: enough for a new sandbox of the same seed,
 * account count and regions to go on where it stopped. Seeded facts (accounts, applied values,
 * usage series) are not in it: they are recomputed from the seed. Times are epoch milliseconds on
 * the sandbox clock. Not kept: the quota request template, tags, utilization reports, automatic
 * management, SNS topics and messages, STS sessions, call counts and the run-time switches; a
 * sandbox started from a state has none of them.
 */
export interface SandboxState {
  readonly version: typeof SANDBOX_STATE_VERSION;
  readonly seed: number;
  readonly accounts: number;
  readonly regions: readonly string[];
  /** The usage anchor, so usage series go on as they were. */
  readonly startTime: number;
  readonly clock: {
    /** The sandbox clock when the state was saved; for reading only, restoring does not use it. */
    readonly now: number;
    /** How far the sandbox clock ran ahead of the wall clock: restored exactly. */
    readonly offsetMs: number;
  };
  /** Every increase request, in the order they were filed. */
  readonly requests: readonly SavedRequest[];
  /** How many request ids were drawn, so new ones differ. */
  readonly requestCount: number;
  /** Every applied value an approval changed, in the order they changed per quota. */
  readonly appliedChanges: readonly SavedAppliedChange[];
  /** Every Support case, opened with CreateCase or by Service Quotas for a request. */
  readonly cases: readonly SavedCase[];
  /** How many case ids were drawn, so new ones differ. */
  readonly caseCount: number;
}

export interface SavedRequest {
  readonly id: string;
  readonly accountId: string;
  /** The region the request is kept in: us-east-1 for a global quota. */
  readonly region: string;
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly desiredValue: number;
  readonly fromValue: number;
  readonly created: number;
  readonly requester: string;
  readonly supportCaseAllowed: boolean;
  readonly status: RequestStatus;
  readonly lastUpdated: number;
  /** The Support case opened for the request, one of the state's cases. */
  readonly caseId: string | null;
  readonly caseOpenedAt: number | null;
}

export interface SavedAppliedChange {
  readonly accountId: string;
  /** A region, or 'global' for a global quota. */
  readonly scope: string;
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly at: number;
  readonly value: number;
}

/** A Support case as saved: the case itself, with its account by id. */
export type SavedCase = Readonly<Omit<SupportCase, 'account' | 'communications'>> & {
  readonly accountId: string;
  readonly communications: readonly Communication[];
};

export interface RequestTimings {
  /** PENDING → CASE_OPENED (or the outcome, without a case). Default 10 minutes. */
  caseOpenedAfterMs: number;
  /** CASE_OPENED → APPROVED or DENIED. Default 50 minutes. */
  decisionAfterMs: number;
}

/** Active (PENDING or CASE_OPENED) requests allowed at once (Service Quotas user guide, "Service Quotas values"). */
export interface RequestCaps {
  perAccount: number;
  perRegion: number;
  perQuota: number;
}

export interface ResolvedSandboxOptions extends RuntimeSwitches {
  port: number;
  accounts: number;
  regions: readonly string[];
  seed: number;
  pageSize: number | undefined;
  startTime: number;
  verifySignatures: boolean;
  requestTimings: RequestTimings;
  requestCaps: RequestCaps;
}

export const DEFAULT_REGIONS: readonly string[] = ['us-east-1', 'us-west-2', 'eu-west-1'];
export const MAX_ACCOUNTS = 10_000;

export class SandboxOptionError extends Error {
  /**
   * The option's name in startSandbox(), with the member or rule at fault (`requestCaps.perRegion`,
   * `denials[0].operation`); the CLI flag is its kebab-case form (`--deny`, `--outage` for the rules).
   */
  readonly option:
    | keyof SandboxOptions
    | `${keyof SandboxOptions}.${string}`
    | `${keyof SandboxOptions}[${number}]`
    | `${keyof SandboxOptions}[${number}].${string}`;

  constructor(option: SandboxOptionError['option'], message: string) {
    super(message);
    this.option = option;
    this.name = 'SandboxOptionError';
  }
}

/** The shape of an AWS region name: us-east-1, eu-central-2, us-gov-west-1. */
export const REGION_NAME = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d{1,2}$/;

// Every value is checked at run time: JavaScript callers and JSON bypass the types.

/** A value as a message shows it: numbers as written (NaN, Infinity), text in quotes. */
export function shown(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value}'`;
  // JSON.stringify returns undefined for undefined, functions and symbols.
  const json = JSON.stringify(value) as string | undefined;
  return json ?? String(value);
}

function integerIn(option: SandboxOptionError['option'], value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SandboxOptionError(option, `must be a whole number from ${min} to ${max}, got ${shown(value)}`);
  }
  return value;
}

function numberIn(option: SandboxOptionError['option'], value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new SandboxOptionError(option, `must be a number from ${min} to ${max}, got ${shown(value)}`);
  }
  return value;
}

/**
 * A rule of `denials`: a call is denied when it matches every field the rule gives (a rule with
 * none denies every call).
 */
export interface Denial {
  /** The calling account (after AssumeRole, the role's account), e.g. 123456789012. */
  account?: string;
  /** The region the call is signed for. */
  region?: string;
  /** The API operation, e.g. ListServiceQuotas, GetMetricData, AssumeRole. */
  operation?: string;
  /** The request's `ServiceCode` member (Service Quotas), e.g. ec2. */
  serviceCode?: string;
  /**
   * The resource the call names (the operation's resource member), e.g. AssumeRole's RoleArn
   * `arn:aws:iam::123456789012:role/OrganizationAccountAccessRole`: a role that cannot be assumed.
   */
  resource?: string;
}

/** A rule of `outages`: every call from a matching account and region is answered 503. */
export interface Outage {
  account?: string;
  region?: string;
}

/** The switches that can also change while the sandbox runs (admin API). */
export interface RuntimeSwitches {
  throttle: ThrottleMode;
  faultRate: number;
  latencyMs: number;
  denials: readonly Denial[];
  outages: readonly Outage[];
}

const DENIAL_FIELDS = ['account', 'region', 'operation', 'serviceCode', 'resource'] as const;
const OUTAGE_FIELDS = ['account', 'region'] as const;

/** The fields of a rule, as a message lists them: `account, region or operation`. */
function either(fields: readonly string[]): string {
  return fields.length < 2 ? fields.join('') : `${fields.slice(0, -1).join(', ')} or ${fields.at(-1) ?? ''}`;
}

/** Checks a list of rules (`denials`, `outages`): objects of non-empty strings, with known fields only. */
function rules<F extends string>(
  option: 'denials' | 'outages',
  value: unknown,
  fields: readonly F[],
): readonly Readonly<Partial<Record<F, string>>>[] {
  if (!Array.isArray(value)) {
    throw new SandboxOptionError(option, `must be a list of rules, got ${shown(value)}`);
  }
  // Frozen, so a rule list handed out by the admin API cannot change the sandbox's behind its back.
  const checked = value.map((rule: unknown, index) => {
    const at = `${option}[${index}]` as const;
    if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
      throw new SandboxOptionError(at, `must be an object with any of ${either(fields)}, got ${shown(rule)}`);
    }
    const fieldsGiven: Partial<Record<F, string>> = {};
    for (const [field, given] of Object.entries(rule as Record<string, unknown>)) {
      if (!(fields as readonly string[]).includes(field)) {
        throw new SandboxOptionError(`${at}.${field}`, `is not a field of a rule: use ${either(fields)}`);
      }
      if (given === undefined) continue;
      if (typeof given !== 'string' || given === '') {
        throw new SandboxOptionError(`${at}.${field}`, `must be a non-empty string, got ${shown(given)}`);
      }
      if (field === 'account' && !/^\d{12}$/.test(given)) {
        throw new SandboxOptionError(`${at}.${field}`, `must be a 12-digit account id, got ${shown(given)}`);
      }
      if (field === 'region' && !REGION_NAME.test(given)) {
        throw new SandboxOptionError(
          `${at}.${field}`,
          `must be a region name such as us-east-1, got ${shown(given)}`,
        );
      }
      fieldsGiven[field as F] = given;
    }
    return Object.freeze(fieldsGiven);
  });
  return Object.freeze(checked);
}

/** Names an operation no service of the sandbox has, which a denial could never match. */
export function checkDenialOperations(denials: readonly Denial[], operations: ReadonlySet<string>): void {
  denials.forEach((rule, index) => {
    if (rule.operation !== undefined && !operations.has(rule.operation)) {
      throw new SandboxOptionError(
        `denials[${index}].operation`,
        `must be an operation the sandbox serves, such as ListServiceQuotas, got ${shown(rule.operation)}`,
      );
    }
  });
}

/** Checks a change of the run-time switches against the current ones; the values may come from JSON. */
export function checkSwitches(
  change: { readonly [K in keyof RuntimeSwitches]?: unknown },
  current: RuntimeSwitches,
): RuntimeSwitches {
  const throttle = change.throttle ?? current.throttle;
  if (throttle !== 'aws' && throttle !== 'off') {
    throw new SandboxOptionError('throttle', `must be 'aws' or 'off', got ${shown(throttle)}`);
  }
  return {
    throttle,
    faultRate: numberIn('faultRate', change.faultRate ?? current.faultRate, 0, 1),
    latencyMs: numberIn('latencyMs', change.latencyMs ?? current.latencyMs, 0, 60_000),
    denials: rules('denials', change.denials ?? current.denials, DENIAL_FIELDS),
    outages: rules('outages', change.outages ?? current.outages, OUTAGE_FIELDS),
  };
}

/**
 * Checks that a saved state is one and fits the sandbox these options describe (the same seed,
 * account count and regions, in order: the seeded facts its records refer to), and returns its
 * startTime. Its records are checked when the world is built (world/saved-state.ts).
 */
export function checkStateHeader(
  value: unknown,
  sandbox: { readonly seed: number; readonly accounts: number; readonly regions: readonly string[] },
): number {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SandboxOptionError(
      'state',
      `must be a state saved by admin.exportState() or GET /_sandbox/state, got ${shown(value)}`,
    );
  }
  const state = value as Record<string, unknown>;
  const fix = 'or start without the state';
  if (state.version !== SANDBOX_STATE_VERSION) {
    throw new SandboxOptionError(
      'state',
      `has version ${shown(state.version)}, but this sandbox reads version ${SANDBOX_STATE_VERSION}: save it again with this sandbox, ${fix}`,
    );
  }
  if (state.seed !== sandbox.seed) {
    throw new SandboxOptionError(
      'state',
      `was saved by a sandbox with seed ${shown(state.seed)}, but this one has seed ${sandbox.seed}: start with seed ${shown(state.seed)}, ${fix}`,
    );
  }
  if (state.accounts !== sandbox.accounts) {
    throw new SandboxOptionError(
      'state',
      `was saved by a sandbox of ${shown(state.accounts)} accounts, but this one has ${sandbox.accounts}: start with accounts ${shown(state.accounts)}, ${fix}`,
    );
  }
  const regions = state.regions;
  if (
    !Array.isArray(regions) ||
    regions.length !== sandbox.regions.length ||
    regions.some((region, index) => region !== sandbox.regions[index])
  ) {
    throw new SandboxOptionError(
      'state',
      `was saved by a sandbox with regions ${shown(regions)}, but this one has ${shown(sandbox.regions)}: start with regions ${shown(regions)} in that order, ${fix}`,
    );
  }
  return numberIn('state.startTime', state.startTime, 0, 8.64e15);
}

export function resolveSandboxOptions(
  options: SandboxOptions = {},
  now: number = Date.now(),
): ResolvedSandboxOptions {
  const given: unknown = options.regions ?? DEFAULT_REGIONS;
  if (!Array.isArray(given) || !given.every((r): r is string => typeof r === 'string')) {
    throw new SandboxOptionError('regions', `must be a list of region names, got ${shown(given)}`);
  }
  const regions = [...new Set(given)];
  if (regions.length === 0) throw new SandboxOptionError('regions', 'must name at least one region');
  for (const region of regions) {
    if (!REGION_NAME.test(region)) {
      throw new SandboxOptionError('regions', `'${region}' is not a region name such as us-east-1`);
    }
  }
  const switches = checkSwitches(options, {
    throttle: 'aws',
    faultRate: 0,
    latencyMs: 0,
    denials: [],
    outages: [],
  });
  const verifySignatures: unknown = options.verifySignatures ?? true;
  if (typeof verifySignatures !== 'boolean') {
    throw new SandboxOptionError('verifySignatures', `must be true or false, got ${shown(verifySignatures)}`);
  }
  const timings = options.requestTimings ?? {};
  const caps = options.requestCaps ?? {};
  const port = integerIn('port', options.port ?? 0, 0, 65535);
  const accounts = integerIn('accounts', options.accounts ?? 3, 1, MAX_ACCOUNTS);
  const seed = integerIn('seed', options.seed ?? 1, 0, 2 ** 31 - 1);
  const savedStartTime =
    options.state === undefined ? undefined : checkStateHeader(options.state, { seed, accounts, regions });
  return {
    port,
    accounts,
    regions,
    seed,
    pageSize: options.pageSize === undefined ? undefined : integerIn('pageSize', options.pageSize, 1, 1000),
    ...switches,
    startTime: numberIn('startTime', options.startTime ?? savedStartTime ?? now, 0, 8.64e15),
    verifySignatures,
    requestTimings: {
      caseOpenedAfterMs: numberIn(
        'requestTimings.caseOpenedAfterMs',
        timings.caseOpenedAfterMs ?? 10 * 60_000,
        0,
        1e12,
      ),
      decisionAfterMs: numberIn(
        'requestTimings.decisionAfterMs',
        timings.decisionAfterMs ?? 50 * 60_000,
        0,
        1e12,
      ),
    },
    requestCaps: {
      perAccount: integerIn('requestCaps.perAccount', caps.perAccount ?? 20, 1, 1_000_000),
      perRegion: integerIn('requestCaps.perRegion', caps.perRegion ?? 2, 1, 1_000_000),
      perQuota: integerIn('requestCaps.perQuota', caps.perQuota ?? 1, 1, 1_000_000),
    },
  };
}
