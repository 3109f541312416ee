import { describe, expect, it } from 'vitest';
import { SandboxClock } from '../core/clock.js';
import {
  type SandboxOptions,
  SandboxOptionError,
  type SandboxState,
  resolveSandboxOptions,
} from '../options.js';
import { checkState, exportState } from './saved-state.js';
import { World } from './world.js';

const NOW = Date.UTC(2026, 0, 15, 9, 30);
const MINUTE = 60_000;

/** A world whose wall clock stands still, so two exports of one state agree to the millisecond. */
function world(options: SandboxOptions = {}): World {
  return new World(resolveSandboxOptions(options, NOW), new SandboxClock(() => NOW));
}

function quota(w: World, serviceCode: string, quotaCode: string) {
  const found = w.catalog.quota(serviceCode, quotaCode);
  if (!found) throw new Error(`no quota ${serviceCode}/${quotaCode}`);
  return found;
}

/**
 * A state with one request of each kind: requests[0] approved in us-east-1 (its case resolved),
 * requests[1] for a global quota approved, requests[2] still PENDING; cases[2] opened by a caller.
 */
function savedState(): SandboxState {
  const w = world();
  const [first, second] = w.accounts;
  if (!first || !second) throw new Error('the world has fewer than two accounts');
  const file = (account: typeof first, region: string, q: ReturnType<typeof quota>, raise: number) =>
    w.quotas.addRequest({
      account,
      region,
      quota: q,
      desiredValue: w.quotas.currentValue(account, region, q) + raise,
      requester: 'test',
      supportCaseAllowed: true,
      now: w.clock.now(),
    });
  file(first, 'us-east-1', quota(w, 'vpc', 'L-F678F1CE'), 5);
  file(second, 'eu-west-1', quota(w, 'iam', 'L-FE177D64'), 100);
  w.clock.advance(61 * MINUTE);
  w.settle();
  file(first, 'us-east-1', quota(w, 'vpc', 'L-A4707A72'), 1);
  w.support.open({
    account: first,
    subject: 'Hello',
    serviceCode: 'general-info',
    categoryCode: 'other',
    severityCode: 'low',
    body: 'Hello.',
    submittedBy: first.email,
    ccEmailAddresses: ['ops@example.com'],
    language: 'en',
    at: w.clock.now(),
    fromServiceQuotas: false,
  });
  return exportState(w);
}

/** The SandboxOptionError checkState throws for a state, failing otherwise. */
function rejectionOf(state: unknown): SandboxOptionError {
  try {
    checkState(state, world());
  } catch (error) {
    expect(error).toBeInstanceOf(SandboxOptionError);
    return error as SandboxOptionError;
  }
  throw new Error('expected the state to be rejected');
}

/** A copy of a state with one value replaced, found by its option path (`state.requests[0].region`). */
function withValue(state: SandboxState, path: string, value: unknown): unknown {
  const copy = structuredClone(state) as unknown as Record<string, unknown>;
  const keys = path.replace(/^state\.?/, '').match(/[^.[\]]+/g) ?? [];
  let node = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys.at(-1) ?? ''] = value;
  return copy;
}

describe('saved state', () => {
  // Built in-process in a few milliseconds; the tables below read it while tests are collected.
  const state = savedState();

  it('holds what changed, as plain JSON', () => {
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(state.requests.map((r) => r.status)).toEqual(['APPROVED', 'APPROVED', 'PENDING']);
    expect(state.requests[2]).toMatchObject({ caseId: null, caseOpenedAt: null });
    expect(state.appliedChanges.map((c) => c.scope)).toEqual(['us-east-1', 'global']);
    expect(state.cases).toHaveLength(3);
    expect(state).toMatchObject({
      requestCount: 3,
      caseCount: 3,
      clock: { now: NOW + 61 * MINUTE, offsetMs: 61 * MINUTE },
    });
  });

  it('is taken up whole: a restored world saves the same state', () => {
    const w = world();
    w.restore(checkState(state, w));
    expect(exportState(w)).toEqual(state);
  });

  it('replays approvals onto the seeded values, keeping when they happened', () => {
    const w = world();
    w.restore(checkState(state, w));
    const [first] = w.accounts;
    const [change] = state.appliedChanges;
    if (!first || !change) throw new Error('missing fixtures');
    const vpcs = quota(w, 'vpc', 'L-F678F1CE');
    expect(w.quotas.applied(first, 'us-east-1', vpcs)).toBe(change.value);
    expect(w.quotas.appliedAt(first, 'us-east-1', vpcs, change.at)).toBe(change.value);
    expect(w.quotas.appliedAt(first, 'us-east-1', vpcs, change.at - 1)).toBe(state.requests[0]?.fromValue);
  });

  it('puts open requests back on the clock', () => {
    const w = world();
    w.restore(checkState(state, w));
    expect(w.quotas.openRequests().map((r) => r.id)).toEqual([state.requests[2]?.id]);
    w.clock.advance(10 * MINUTE);
    w.settle();
    expect(w.quotas.requests.get(state.requests[2]?.id ?? '')?.status).toBe('CASE_OPENED');
  });

  it('never gives a new request or case the id of a restored one, whatever the counts say', () => {
    const w = world();
    w.restore(checkState({ ...state, requestCount: 0, caseCount: 0 }, w));
    const [first] = w.accounts;
    if (!first) throw new Error('no account');
    const created = w.quotas.addRequest({
      account: first,
      region: 'us-west-2',
      quota: quota(w, 'vpc', 'L-F678F1CE'),
      desiredValue: 100,
      requester: 'test',
      supportCaseAllowed: true,
      now: w.clock.now(),
    });
    expect(state.requests.map((r) => r.id)).not.toContain(created.id);
    expect(w.quotas.requests.size).toBe(4);
    const caseId = w.support.openQuotaCase(created, w.clock.now());
    expect(state.cases.map((c) => c.caseId)).not.toContain(caseId);
    expect(w.support.cases.size).toBe(4);
  });

  it('goes back to the saved state on reset', () => {
    const w = world();
    w.restore(checkState(state, w));
    w.clock.advance(60 * MINUTE);
    w.settle();
    w.reset();
    expect(exportState(w)).toEqual(state);
  });

  const [vpcCase] = state.cases;
  const [firstRequest] = state.requests;
  // [what is wrong, the value changed, its new value, the message; the option named if not the value's]
  it.each<[string, string, unknown, string, string?]>([
    [
      'an unknown service',
      'state.requests[0].serviceCode',
      'nope',
      "names no service of the sandbox's catalog: 'nope'",
    ],
    [
      'an unknown quota',
      'state.requests[2].quotaCode',
      'L-00000000',
      "names no quota of service 'vpc' in the sandbox's catalog: 'L-00000000'",
    ],
    [
      'a request of an unknown account',
      'state.requests[1].accountId',
      '000000000000',
      "names no account of this sandbox: '000000000000'",
    ],
    [
      'a global request kept outside us-east-1',
      'state.requests[1].region',
      'eu-west-1',
      "must be us-east-1 for the global quota iam/L-FE177D64, got 'eu-west-1'",
    ],
    [
      'a request in no region',
      'state.requests[0].region',
      'moon',
      "must be a region name such as us-east-1, got 'moon'",
    ],
    [
      'an unknown status',
      'state.requests[0].status',
      'DONE',
      "must be one of PENDING, CASE_OPENED, APPROVED, DENIED, CASE_CLOSED, NOT_APPROVED, INVALID_REQUEST, got 'DONE'",
    ],
    [
      'a request whose case is not in the state',
      'state.requests[0].caseId',
      'case-nope',
      "names no case of this account in state.cases: 'case-nope'",
    ],
    [
      "a request whose case is another account's",
      'state.requests[1].caseId',
      vpcCase?.caseId,
      `names no case of this account in state.cases: '${vpcCase?.caseId ?? ''}'`,
    ],
    [
      'a CASE_OPENED request without its case',
      'state.requests[2].status',
      'CASE_OPENED',
      'must name the Support case of a CASE_OPENED request, got null',
      'state.requests[2].caseId',
    ],
    [
      'a request filed at no time',
      'state.requests[2].created',
      'yesterday',
      "must be a time in epoch milliseconds, got 'yesterday'",
    ],
    [
      'a request id given twice',
      'state.requests[2].id',
      firstRequest?.id,
      `repeats the id of an earlier request: '${firstRequest?.id ?? ''}'`,
    ],
    [
      'a request that is not an object',
      'state.requests[1]',
      'request',
      "must be an increase request, got 'request'",
    ],
    ['requests that are not a list', 'state.requests', {}, 'must be a list, got {}'],
    [
      'a case of an unknown account',
      'state.cases[2].accountId',
      '000000000000',
      "names no account of this sandbox: '000000000000'",
    ],
    [
      'a case of an unknown status',
      'state.cases[0].status',
      'closed',
      "must be one of opened, pending-customer-action, reopened, resolved, unassigned, work-in-progress, got 'closed'",
    ],
    [
      'a communication sent at no time',
      'state.cases[0].communications[1].time',
      null,
      'must be a time in epoch milliseconds, got null',
    ],
    ['a cc address that is not text', 'state.cases[2].ccEmailAddresses[0]', 42, 'must be a string, got 42'],
    [
      'a regional change kept globally',
      'state.appliedChanges[0].scope',
      'global',
      "must be a region name such as us-east-1 for the regional quota vpc/L-F678F1CE, got 'global'",
    ],
    [
      'a global change kept in a region',
      'state.appliedChanges[1].scope',
      'us-east-1',
      "must be 'global' for the global quota iam/L-FE177D64, got 'us-east-1'",
    ],
    ['a change to no value', 'state.appliedChanges[0].value', 'ten', "must be a finite number, got 'ten'"],
    [
      'a clock behind the wall clock',
      'state.clock.offsetMs',
      -1,
      'must be at least 0 (the clock only moves forward), got -1',
    ],
    ['no clock', 'state.clock', undefined, 'must be an object with now and offsetMs, got undefined'],
    [
      'a fractional request count',
      'state.requestCount',
      1.5,
      'must be a whole number of at least 0, got 1.5',
    ],
  ])('refuses %s, naming it', (_label, path, value, message, option = path) => {
    const error = rejectionOf(withValue(state, path, value));
    expect(error.option).toBe(option);
    expect(error.message).toBe(message);
  });

  it('changes nothing when it refuses a state', () => {
    const w = world();
    const before = exportState(w);
    expect(() => checkState(withValue(state, 'state.cases[2].status', 'closed'), w)).toThrow(
      SandboxOptionError,
    );
    expect(exportState(w)).toEqual(before);
  });
});
