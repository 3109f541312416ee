/**
 * A sandbox's run-time state saved as plain JSON (SandboxState, in options.ts) and taken up again
 * by a new sandbox: headroom's embedded AWS is a fresh sandbox in every CLI run, and an increase
 * request one run files must still exist, and go on moving on the sandbox clock, in the next.
 *
 * Restoring is two steps so a bad state changes nothing: checkState() reads every record against
 * the new world's accounts and catalog into a RestorePlan, and only then World.restore() applies it.
 */
import {
  REGION_NAME,
  SANDBOX_STATE_VERSION,
  SandboxOptionError,
  type SandboxState,
  type SavedAppliedChange,
  type SavedCase,
  type SavedRequest,
  checkStateHeader,
  shown,
} from '../options.js';
import {
  type AppliedChangeRecord,
  REQUEST_STATUSES,
  type RequestRecord,
  type RequestStatus,
} from '../services/service-quotas/state.js';
import { CASE_STATUSES, type CaseStatus, type SupportCase } from '../services/support/state.js';
import type { Account } from './accounts.js';
import type { CatalogQuota } from './catalog.js';
import type { World } from './world.js';

/** A checked state, with its accounts and quotas found: what World.restore() applies. */
export interface RestorePlan {
  readonly offsetMs: number;
  readonly requests: readonly RequestRecord[];
  readonly requestCount: number;
  readonly appliedChanges: readonly AppliedChangeRecord[];
  readonly cases: readonly SupportCase[];
  readonly caseCount: number;
}

/** The world's run-time state, after settling it to the sandbox clock's now. */
export function exportState(world: World): SandboxState {
  world.settle();
  const { options, quotas, support, clock } = world;
  const requests = [...quotas.requests.values()].map((r): SavedRequest => ({
    id: r.id,
    accountId: r.account.id,
    region: r.region,
    serviceCode: r.quota.serviceCode,
    quotaCode: r.quota.quotaCode,
    desiredValue: r.desiredValue,
    fromValue: r.fromValue,
    created: r.created,
    requester: r.requester,
    supportCaseAllowed: r.supportCaseAllowed,
    status: r.status,
    lastUpdated: r.lastUpdated,
    caseId: r.caseId ?? null,
    caseOpenedAt: r.caseOpenedAt ?? null,
  }));
  const appliedChanges = quotas.appliedChanges().map((c): SavedAppliedChange => ({
    accountId: c.account.id,
    scope: c.scope,
    serviceCode: c.quota.serviceCode,
    quotaCode: c.quota.quotaCode,
    at: c.at,
    value: c.value,
  }));
  const cases = [...support.cases.values()].map((c): SavedCase => ({
    caseId: c.caseId,
    displayId: c.displayId,
    accountId: c.account.id,
    subject: c.subject,
    serviceCode: c.serviceCode,
    categoryCode: c.categoryCode,
    severityCode: c.severityCode,
    submittedBy: c.submittedBy,
    created: c.created,
    ccEmailAddresses: [...c.ccEmailAddresses],
    language: c.language,
    fromServiceQuotas: c.fromServiceQuotas,
    status: c.status,
    communications: c.communications.map((m) => ({ body: m.body, submittedBy: m.submittedBy, time: m.time })),
  }));
  return {
    version: SANDBOX_STATE_VERSION,
    seed: options.seed,
    accounts: options.accounts,
    regions: [...options.regions],
    startTime: options.startTime,
    clock: { now: clock.now(), offsetMs: clock.offsetMs() },
    requests,
    requestCount: quotas.requestCount,
    appliedChanges,
    cases,
    caseCount: support.caseCount,
  };
}

type Path = SandboxOptionError['option'];

/** Reads the fields of one JSON object of a state, each failure naming its option path. */
class Fields {
  readonly path: Path;
  readonly #value: Record<string, unknown>;

  constructor(value: unknown, path: Path, what: string) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new SandboxOptionError(path, `must be ${what}, got ${shown(value)}`);
    }
    this.path = path;
    this.#value = value as Record<string, unknown>;
  }

  at(field: string): Path {
    return `${this.path}.${field}` as Path;
  }

  raw(field: string): unknown {
    return this.#value[field];
  }

  text(field: string, options: { nonEmpty?: boolean } = {}): string {
    const value = this.#value[field];
    if (typeof value !== 'string' || (options.nonEmpty === true && value === '')) {
      throw new SandboxOptionError(
        this.at(field),
        `must be ${options.nonEmpty === true ? 'a non-empty' : 'a'} string, got ${shown(value)}`,
      );
    }
    return value;
  }

  number(field: string): number {
    const value = this.#value[field];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new SandboxOptionError(this.at(field), `must be a finite number, got ${shown(value)}`);
    }
    return value;
  }

  /** A time in epoch milliseconds. */
  time(field: string): number {
    const value = this.#value[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 8.64e15) {
      throw new SandboxOptionError(
        this.at(field),
        `must be a time in epoch milliseconds, got ${shown(value)}`,
      );
    }
    return value;
  }

  count(field: string): number {
    const value = this.#value[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new SandboxOptionError(
        this.at(field),
        `must be a whole number of at least 0, got ${shown(value)}`,
      );
    }
    return value;
  }

  flag(field: string): boolean {
    const value = this.#value[field];
    if (typeof value !== 'boolean') {
      throw new SandboxOptionError(this.at(field), `must be true or false, got ${shown(value)}`);
    }
    return value;
  }

  oneOf<T extends string>(field: string, values: readonly T[]): T {
    const value = this.#value[field];
    if (!(values as readonly unknown[]).includes(value)) {
      throw new SandboxOptionError(
        this.at(field),
        `must be one of ${values.join(', ')}, got ${shown(value)}`,
      );
    }
    return value as T;
  }

  list(field: string): unknown[] {
    const value = this.#value[field];
    if (!Array.isArray(value))
      throw new SandboxOptionError(this.at(field), `must be a list, got ${shown(value)}`);
    return value;
  }

  account(world: World, field = 'accountId'): Account {
    const id = this.text(field);
    const account = world.account(id);
    if (!account) {
      throw new SandboxOptionError(this.at(field), `names no account of this sandbox: ${shown(id)}`);
    }
    return account;
  }

  quota(world: World): CatalogQuota {
    const serviceCode = this.text('serviceCode');
    if (!world.catalog.service(serviceCode)) {
      throw new SandboxOptionError(
        this.at('serviceCode'),
        `names no service of the sandbox's catalog: ${shown(serviceCode)}`,
      );
    }
    const quotaCode = this.text('quotaCode');
    const quota = world.catalog.quota(serviceCode, quotaCode);
    if (!quota) {
      throw new SandboxOptionError(
        this.at('quotaCode'),
        `names no quota of service ${shown(serviceCode)} in the sandbox's catalog: ${shown(quotaCode)}`,
      );
    }
    return quota;
  }
}

/**
 * Checks every record of a saved state against a new world (its accounts, its catalog, the cases
 * requests refer to) without changing the world, and returns what World.restore() applies. A bad
 * value is a SandboxOptionError naming it: `state.requests[3].quotaCode`.
 */
export function checkState(value: unknown, world: World): RestorePlan {
  const { options } = world;
  checkStateHeader(value, options);
  const state = new Fields(value, 'state', 'a saved state');
  const clock = new Fields(state.raw('clock'), 'state.clock', 'an object with now and offsetMs');
  clock.time('now');
  const offsetMs = clock.number('offsetMs');
  if (offsetMs < 0) {
    throw new SandboxOptionError(
      clock.at('offsetMs'),
      `must be at least 0 (the clock only moves forward), got ${offsetMs}`,
    );
  }

  const cases = new Map<string, SupportCase>();
  state.list('cases').forEach((item, index) => {
    const c = new Fields(item, `state.cases[${index}]`, 'a Support case');
    const caseId = c.text('caseId', { nonEmpty: true });
    if (cases.has(caseId))
      throw new SandboxOptionError(c.at('caseId'), `repeats the id of an earlier case: ${shown(caseId)}`);
    const communications = c.list('communications').map((m, at) => {
      const message = new Fields(m, `${c.at('communications')}[${at}]` as Path, 'a communication');
      return {
        body: message.text('body'),
        submittedBy: message.text('submittedBy'),
        time: message.time('time'),
      };
    });
    const cc = c.list('ccEmailAddresses').map((address, at) => {
      if (typeof address !== 'string') {
        throw new SandboxOptionError(
          `${c.at('ccEmailAddresses')}[${at}]` as Path,
          `must be a string, got ${shown(address)}`,
        );
      }
      return address;
    });
    cases.set(caseId, {
      caseId,
      displayId: c.text('displayId'),
      account: c.account(world),
      subject: c.text('subject'),
      serviceCode: c.text('serviceCode'),
      categoryCode: c.text('categoryCode'),
      severityCode: c.text('severityCode'),
      submittedBy: c.text('submittedBy'),
      created: c.time('created'),
      ccEmailAddresses: cc,
      language: c.text('language'),
      fromServiceQuotas: c.flag('fromServiceQuotas'),
      status: c.oneOf<CaseStatus>('status', CASE_STATUSES),
      communications,
    });
  });

  const requests = new Map<string, RequestRecord>();
  state.list('requests').forEach((item, index) => {
    const r = new Fields(item, `state.requests[${index}]`, 'an increase request');
    const id = r.text('id', { nonEmpty: true });
    if (requests.has(id))
      throw new SandboxOptionError(r.at('id'), `repeats the id of an earlier request: ${shown(id)}`);
    const account = r.account(world);
    const quota = r.quota(world);
    const region = r.text('region');
    if (!REGION_NAME.test(region)) {
      throw new SandboxOptionError(
        r.at('region'),
        `must be a region name such as us-east-1, got ${shown(region)}`,
      );
    }
    const home = world.catalog.homeRegion(quota, region);
    if (region !== home) {
      throw new SandboxOptionError(
        r.at('region'),
        `must be ${home} for the global quota ${quota.serviceCode}/${quota.quotaCode}, got ${shown(region)}`,
      );
    }
    const status = r.oneOf<RequestStatus>('status', REQUEST_STATUSES);
    const caseId = r.raw('caseId') === null ? undefined : r.text('caseId');
    const supportCase = caseId === undefined ? undefined : cases.get(caseId);
    if (caseId !== undefined && supportCase?.account !== account) {
      throw new SandboxOptionError(
        r.at('caseId'),
        `names no case of this account in state.cases: ${shown(caseId)}`,
      );
    }
    if (status === 'CASE_OPENED' && caseId === undefined) {
      throw new SandboxOptionError(
        r.at('caseId'),
        'must name the Support case of a CASE_OPENED request, got null',
      );
    }
    requests.set(id, {
      id,
      account,
      region,
      quota,
      desiredValue: r.number('desiredValue'),
      fromValue: r.number('fromValue'),
      created: r.time('created'),
      requester: r.text('requester'),
      supportCaseAllowed: r.flag('supportCaseAllowed'),
      status,
      lastUpdated: r.time('lastUpdated'),
      caseId,
      caseOpenedAt: r.raw('caseOpenedAt') === null ? undefined : r.time('caseOpenedAt'),
    });
  });

  const appliedChanges = state.list('appliedChanges').map((item, index): AppliedChangeRecord => {
    const c = new Fields(item, `state.appliedChanges[${index}]`, 'a change of an applied value');
    const account = c.account(world);
    const quota = c.quota(world);
    const scope = c.text('scope');
    if (quota.global ? scope !== 'global' : !REGION_NAME.test(scope)) {
      throw new SandboxOptionError(
        c.at('scope'),
        quota.global
          ? `must be 'global' for the global quota ${quota.serviceCode}/${quota.quotaCode}, got ${shown(scope)}`
          : `must be a region name such as us-east-1 for the regional quota ${quota.serviceCode}/${quota.quotaCode}, got ${shown(scope)}`,
      );
    }
    return { account, scope, quota, at: c.time('at'), value: c.number('value') };
  });

  return {
    offsetMs,
    requests: [...requests.values()],
    requestCount: state.count('requestCount'),
    appliedChanges,
    cases: [...cases.values()],
    caseCount: state.count('caseCount'),
  };
}
