import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REGIONS,
  MAX_ACCOUNTS,
  type ResolvedSandboxOptions,
  SANDBOX_STATE_VERSION,
  type SandboxOptions,
  SandboxOptionError,
  type SandboxState,
  resolveSandboxOptions,
} from './options.js';

const NOW = Date.UTC(2026, 0, 15, 9, 30);

/** Resolves `options` and returns the SandboxOptionError it throws, failing otherwise. */
function rejectionOf(options: SandboxOptions): SandboxOptionError {
  try {
    resolveSandboxOptions(options, NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(SandboxOptionError);
    return error as SandboxOptionError;
  }
  throw new Error(`expected ${JSON.stringify(options)} to be rejected`);
}

/** A value of the wrong type, as a JavaScript caller or a JSON file could pass it. */
const untyped = (value: unknown): never => value as never;

describe('resolveSandboxOptions', () => {
  it('fills every default', () => {
    expect(resolveSandboxOptions({}, NOW)).toEqual<ResolvedSandboxOptions>({
      port: 0,
      accounts: 3,
      regions: ['us-east-1', 'us-west-2', 'eu-west-1'],
      seed: 1,
      pageSize: undefined,
      throttle: 'aws',
      faultRate: 0,
      latencyMs: 0,
      denials: [],
      outages: [],
      startTime: NOW,
      verifySignatures: true,
      requestTimings: { caseOpenedAfterMs: 10 * 60_000, decisionAfterMs: 50 * 60_000 },
      requestCaps: { perAccount: 20, perRegion: 2, perQuota: 1 },
    });
  });

  it('needs no arguments at all', () => {
    const resolved = resolveSandboxOptions();
    expect(resolved.regions).toEqual(DEFAULT_REGIONS);
    expect(Number.isFinite(resolved.startTime)).toBe(true);
  });

  it('keeps every valid value given', () => {
    const options: Required<Omit<SandboxOptions, 'wallClock' | 'state'>> = {
      port: 4566,
      accounts: 12,
      regions: ['eu-central-1', 'ap-southeast-2'],
      seed: 42,
      pageSize: 2,
      throttle: 'off',
      faultRate: 0.25,
      latencyMs: 15,
      denials: [{ operation: 'ListServiceQuotas', serviceCode: 'ec2', account: '123456789012' }, {}],
      outages: [{ account: '123456789012', region: 'eu-west-1' }, { region: 'us-west-2' }],
      startTime: Date.UTC(2025, 5, 1),
      verifySignatures: false,
      requestTimings: { caseOpenedAfterMs: 0, decisionAfterMs: 1000 },
      requestCaps: { perAccount: 5, perRegion: 3, perQuota: 2 },
    };
    expect(resolveSandboxOptions(options, NOW)).toEqual(options);
  });

  it('fills the parts of requestTimings and requestCaps left out', () => {
    const resolved = resolveSandboxOptions(
      { requestTimings: { decisionAfterMs: 5 }, requestCaps: { perRegion: 7 } },
      NOW,
    );
    expect(resolved.requestTimings).toEqual({ caseOpenedAfterMs: 10 * 60_000, decisionAfterMs: 5 });
    expect(resolved.requestCaps).toEqual({ perAccount: 20, perRegion: 7, perQuota: 1 });
  });

  it('drops repeated regions, keeping the first order', () => {
    const resolved = resolveSandboxOptions({ regions: ['us-west-2', 'us-east-1', 'us-west-2'] }, NOW);
    expect(resolved.regions).toEqual(['us-west-2', 'us-east-1']);
  });

  it.each<[string, SandboxOptions]>([
    ['the lowest port', { port: 0 }],
    ['the highest port', { port: 65535 }],
    ['one account', { accounts: 1 }],
    ['the most accounts', { accounts: MAX_ACCOUNTS }],
    ['seed 0', { seed: 0 }],
    ['the largest seed', { seed: 2 ** 31 - 1 }],
    ['pages of 1', { pageSize: 1 }],
    ['pages of 1000', { pageSize: 1000 }],
    ['a fault rate of 1', { faultRate: 1 }],
    ['a minute of latency', { latencyMs: 60_000 }],
    ['the epoch as start time', { startTime: 0 }],
    ['a GovCloud region', { regions: ['us-gov-west-1'] }],
    ['an ISO region', { regions: ['us-isob-east-1'] }],
    ['a China region', { regions: ['cn-northwest-1'] }],
    ['a two-digit region number', { regions: ['ap-southeast-10'] }],
  ])('accepts %s', (_label, options) => {
    expect(() => resolveSandboxOptions(options, NOW)).not.toThrow();
  });

  it.each<[string, SandboxOptions, SandboxOptionError['option'], string]>([
    ['a negative port', { port: -1 }, 'port', 'must be a whole number from 0 to 65535, got -1'],
    ['a port above 65535', { port: 65536 }, 'port', 'must be a whole number from 0 to 65535, got 65536'],
    ['a fractional port', { port: 80.5 }, 'port', 'must be a whole number from 0 to 65535, got 80.5'],
    [
      'a port given as text',
      { port: untyped('8080') },
      'port',
      "must be a whole number from 0 to 65535, got '8080'",
    ],
    ['no accounts', { accounts: 0 }, 'accounts', `must be a whole number from 1 to ${MAX_ACCOUNTS}, got 0`],
    [
      'too many accounts',
      { accounts: MAX_ACCOUNTS + 1 },
      'accounts',
      `must be a whole number from 1 to ${MAX_ACCOUNTS}, got ${MAX_ACCOUNTS + 1}`,
    ],
    [
      'NaN accounts',
      { accounts: Number.NaN },
      'accounts',
      `must be a whole number from 1 to ${MAX_ACCOUNTS}, got NaN`,
    ],
    ['an empty region list', { regions: [] }, 'regions', 'must name at least one region'],
    [
      'a region without a number',
      { regions: ['us-east'] },
      'regions',
      "'us-east' is not a region name such as us-east-1",
    ],
    [
      'an upper-case region',
      { regions: ['US-EAST-1'] },
      'regions',
      "'US-EAST-1' is not a region name such as us-east-1",
    ],
    [
      'an availability zone',
      { regions: ['us-east-1', 'us-east-1a'] },
      'regions',
      "'us-east-1a' is not a region name such as us-east-1",
    ],
    [
      'a region with spaces',
      { regions: [' eu-west-1'] },
      'regions',
      "' eu-west-1' is not a region name such as us-east-1",
    ],
    ['a negative seed', { seed: -1 }, 'seed', 'must be a whole number from 0 to 2147483647, got -1'],
    [
      'a seed of 2^31',
      { seed: 2 ** 31 },
      'seed',
      'must be a whole number from 0 to 2147483647, got 2147483648',
    ],
    ['pages of 0', { pageSize: 0 }, 'pageSize', 'must be a whole number from 1 to 1000, got 0'],
    ['pages of 1001', { pageSize: 1001 }, 'pageSize', 'must be a whole number from 1 to 1000, got 1001'],
    [
      'a fractional page size',
      { pageSize: 2.5 },
      'pageSize',
      'must be a whole number from 1 to 1000, got 2.5',
    ],
    ['an unknown throttle mode', { throttle: untyped('on') }, 'throttle', "must be 'aws' or 'off', got 'on'"],
    [
      'a capitalized throttle mode',
      { throttle: untyped('AWS') },
      'throttle',
      "must be 'aws' or 'off', got 'AWS'",
    ],
    ['a negative fault rate', { faultRate: -0.1 }, 'faultRate', 'must be a number from 0 to 1, got -0.1'],
    ['a fault rate above 1', { faultRate: 1.5 }, 'faultRate', 'must be a number from 0 to 1, got 1.5'],
    ['a NaN fault rate', { faultRate: Number.NaN }, 'faultRate', 'must be a number from 0 to 1, got NaN'],
    ['a negative latency', { latencyMs: -1 }, 'latencyMs', 'must be a number from 0 to 60000, got -1'],
    [
      'over a minute of latency',
      { latencyMs: 60_001 },
      'latencyMs',
      'must be a number from 0 to 60000, got 60001',
    ],
    [
      'an infinite latency',
      { latencyMs: Number.POSITIVE_INFINITY },
      'latencyMs',
      'must be a number from 0 to 60000, got Infinity',
    ],
    [
      'a start time before the epoch',
      { startTime: -1 },
      'startTime',
      'must be a number from 0 to 8640000000000000, got -1',
    ],
    [
      'a start time past the last Date',
      { startTime: 8.64e15 + 1 },
      'startTime',
      'must be a number from 0 to 8640000000000000, got 8640000000000001',
    ],
    [
      'a negative case-opening delay',
      { requestTimings: { caseOpenedAfterMs: -5 } },
      'requestTimings.caseOpenedAfterMs',
      'must be a number from 0 to 1000000000000, got -5',
    ],
    [
      'a NaN decision delay',
      { requestTimings: { decisionAfterMs: Number.NaN } },
      'requestTimings.decisionAfterMs',
      'must be a number from 0 to 1000000000000, got NaN',
    ],
    [
      'no open requests per account',
      { requestCaps: { perAccount: 0 } },
      'requestCaps.perAccount',
      'must be a whole number from 1 to 1000000, got 0',
    ],
    [
      'a fractional per-region cap',
      { requestCaps: { perRegion: 1.5 } },
      'requestCaps.perRegion',
      'must be a whole number from 1 to 1000000, got 1.5',
    ],
    [
      'denials that are not a list',
      { denials: untyped({ operation: 'ListServiceQuotas' }) },
      'denials',
      'must be a list of rules, got {"operation":"ListServiceQuotas"}',
    ],
    [
      'a denial that is not an object',
      { denials: untyped(['ListServiceQuotas']) },
      'denials[0]',
      "must be an object with any of account, region, operation, serviceCode or resource, got 'ListServiceQuotas'",
    ],
    [
      'a denial with an unknown field',
      { denials: untyped([{}, { action: 'ListServiceQuotas' }]) },
      'denials[1].action',
      'is not a field of a rule: use account, region, operation, serviceCode or resource',
    ],
    [
      'a denial with a number for an operation',
      { denials: untyped([{ operation: 7 }]) },
      'denials[0].operation',
      'must be a non-empty string, got 7',
    ],
    [
      'a denial with an empty service code',
      { denials: [{ serviceCode: '' }] },
      'denials[0].serviceCode',
      "must be a non-empty string, got ''",
    ],
    [
      'a denial with a short account id',
      { denials: [{ account: '1234' }] },
      'denials[0].account',
      "must be a 12-digit account id, got '1234'",
    ],
    [
      'an outage in no region',
      { outages: [{ region: 'moon-1' }] },
      'outages[0].region',
      "must be a region name such as us-east-1, got 'moon-1'",
    ],
    [
      'an outage of one operation',
      { outages: untyped([{ operation: 'GetMetricData' }]) },
      'outages[0].operation',
      'is not a field of a rule: use account or region',
    ],
    [
      'a per-quota cap above a million',
      { requestCaps: { perQuota: 1_000_001 } },
      'requestCaps.perQuota',
      'must be a whole number from 1 to 1000000, got 1000001',
    ],
  ])('rejects %s', (_label, options, option, message) => {
    const error = rejectionOf(options);
    expect(error.option).toBe(option);
    expect(error.message).toBe(message);
    expect(error.name).toBe('SandboxOptionError');
  });

  it('names the first bad option when several are bad', () => {
    expect(rejectionOf({ regions: ['nowhere'], port: -1 }).option).toBe('regions');
  });

  it.each<[string, unknown]>([
    ['the text "false"', 'false'],
    ['the number 0', 0],
  ])('rejects verifySignatures given as %s rather than a boolean', (_label, value) => {
    const error = rejectionOf({ verifySignatures: untyped(value) });
    expect(error.option).toBe('verifySignatures');
  });
});

describe('resolveSandboxOptions with a saved state', () => {
  const SAVED_AT = Date.UTC(2026, 0, 10);
  /** The part of a state checked against the options; its records are checked with the world. */
  const header = (change: Record<string, unknown> = {}): SandboxState =>
    untyped({
      version: SANDBOX_STATE_VERSION,
      seed: 1,
      accounts: 3,
      regions: [...DEFAULT_REGIONS],
      startTime: SAVED_AT,
      ...change,
    });

  it("takes the state's startTime when startTime is not given, so usage series go on", () => {
    expect(resolveSandboxOptions({ state: header() }, NOW).startTime).toBe(SAVED_AT);
    expect(resolveSandboxOptions({ state: header(), startTime: 5 }, NOW).startTime).toBe(5);
  });

  it('accepts a state of the seed, account count and regions given', () => {
    const state = header({ seed: 9, accounts: 12, regions: ['eu-central-1'] });
    expect(() =>
      resolveSandboxOptions({ seed: 9, accounts: 12, regions: ['eu-central-1'], state }, NOW),
    ).not.toThrow();
  });

  it.each<[string, SandboxOptions, SandboxOptionError['option'], string]>([
    [
      'a state that is not an object',
      { state: untyped([]) },
      'state',
      'must be a state saved by admin.exportState() or GET /_sandbox/state, got []',
    ],
    [
      'a state of another version',
      { state: header({ version: 2 }) },
      'state',
      'has version 2, but this sandbox reads version 1: save it again with this sandbox, or start without the state',
    ],
    [
      'a state without a version',
      { state: header({ version: undefined }) },
      'state',
      'has version undefined, but this sandbox reads version 1: save it again with this sandbox, or start without the state',
    ],
    [
      'a state of another seed',
      { seed: 2, state: header() },
      'state',
      'was saved by a sandbox with seed 1, but this one has seed 2: start with seed 1, or start without the state',
    ],
    [
      'a state of another account count',
      { state: header({ accounts: 5 }) },
      'state',
      'was saved by a sandbox of 5 accounts, but this one has 3: start with accounts 5, or start without the state',
    ],
    [
      'a state of other regions',
      { regions: ['us-east-1'], state: header() },
      'state',
      'was saved by a sandbox with regions ["us-east-1","us-west-2","eu-west-1"], but this one has ["us-east-1"]: start with regions ["us-east-1","us-west-2","eu-west-1"] in that order, or start without the state',
    ],
    [
      'a state of the same regions in another order',
      { regions: ['us-west-2', 'us-east-1', 'eu-west-1'], state: header() },
      'state',
      'was saved by a sandbox with regions ["us-east-1","us-west-2","eu-west-1"], but this one has ["us-west-2","us-east-1","eu-west-1"]: start with regions ["us-east-1","us-west-2","eu-west-1"] in that order, or start without the state',
    ],
    [
      'a state without a startTime',
      { state: header({ startTime: 'yesterday' }) },
      'state.startTime',
      "must be a number from 0 to 8640000000000000, got 'yesterday'",
    ],
  ])('rejects %s', (_label, options, option, message) => {
    const error = rejectionOf(options);
    expect(error.option).toBe(option);
    expect(error.message).toBe(message);
  });
});
