/**
 * Options of the sandbox, shared by `headroom sandbox` and `startSandbox()`. Every option is
 * checked here once; a bad value is a SandboxOptionError naming the option and what it accepts.
 */

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
}

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
  /** The option's name in startSandbox(); the CLI flag is its kebab-case form. */
  readonly option: keyof SandboxOptions | `${keyof SandboxOptions}.${string}`;

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
function shown(value: unknown): string {
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

/** The switches that can also change while the sandbox runs (admin API). */
export interface RuntimeSwitches {
  throttle: ThrottleMode;
  faultRate: number;
  latencyMs: number;
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
  };
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
  const switches = checkSwitches(options, { throttle: 'aws', faultRate: 0, latencyMs: 0 });
  const verifySignatures: unknown = options.verifySignatures ?? true;
  if (typeof verifySignatures !== 'boolean') {
    throw new SandboxOptionError('verifySignatures', `must be true or false, got ${shown(verifySignatures)}`);
  }
  const timings = options.requestTimings ?? {};
  const caps = options.requestCaps ?? {};
  return {
    port: integerIn('port', options.port ?? 0, 0, 65535),
    accounts: integerIn('accounts', options.accounts ?? 3, 1, MAX_ACCOUNTS),
    regions,
    seed: integerIn('seed', options.seed ?? 1, 0, 2 ** 31 - 1),
    pageSize: options.pageSize === undefined ? undefined : integerIn('pageSize', options.pageSize, 1, 1000),
    ...switches,
    startTime: numberIn('startTime', options.startTime ?? now, 0, 8.64e15),
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
