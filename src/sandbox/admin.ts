/**
 * The sandbox's admin API, in-process (`sandbox.admin.*`) and over HTTP under `/_sandbox/`:
 *
 *   GET  /_sandbox/health            liveness
 *   GET  /_sandbox/info              accounts with their keys, regions, organisation, clock, switches
 *   GET  /_sandbox/calls             call counts by service, operation and outcome
 *   POST /_sandbox/reset             zero the call counts; {"state": true} also forgets every change
 *                                    (back to the saved state the sandbox started from, if any)
 *   GET  /_sandbox/clock             the sandbox clock
 *   POST /_sandbox/clock             {"advanceSeconds": N} moves it forward (requests progress)
 *   GET  /_sandbox/config            throttling, fault rate, latency, denials, outages
 *   POST /_sandbox/config            {"throttle": "off", "faultRate": 0.1, "latencyMs": 20,
 *                                     "denials": [{"operation": "ListServiceQuotas", "serviceCode": "ec2"}],
 *                                     "outages": [{"account": "123456789012", "region": "eu-west-1"}]}
 *   GET  /_sandbox/quotas?account=…&region=…   every catalog quota as that target holds it
 *   GET  /_sandbox/requests          every increase request with its status
 *   GET  /_sandbox/support/cases     every Support case
 *   GET  /_sandbox/sns/messages      every message published to SNS
 *   GET  /_sandbox/state             the run-time state as JSON (SandboxState): requests, approvals,
 *                                    Support cases, clock; startSandbox({ state }) takes it up
 */
import type { CallCount, Metering } from './core/metering.js';
import type { HttpReply } from './core/protocols.js';
import type { Throttle } from './core/throttle.js';
import {
  REGION_NAME,
  SandboxOptionError,
  type SandboxState,
  checkDenialOperations,
  checkSwitches,
} from './options.js';
import type { RuntimeConfig } from './server.js';
import { OPERATIONS } from './services/index.js';
import type { Account } from './world/accounts.js';
import { exportState } from './world/saved-state.js';
import type { World } from './world/world.js';
import { RESOURCE_MODELS } from './services/resources.js';
import { instancesAtMinute } from './services/ec2/index.js';
import type { Instance } from './services/ec2/resources.js';

/** What the admin API tells about an account: who it is and its static keys. */
export type AccountInfo = Pick<
  Account,
  'id' | 'name' | 'email' | 'accessKeyId' | 'secretAccessKey' | 'management'
>;

export interface SandboxInfo {
  readonly url: string;
  readonly seed: number;
  readonly organizationId: string;
  readonly regions: readonly string[];
  readonly accounts: readonly AccountInfo[];
  readonly clock: { readonly now: string; readonly offsetSeconds: number };
  readonly config: RuntimeConfig & { readonly pageSize: number | null };
  readonly catalog: { readonly services: number; readonly quotas: number; readonly withUsageMetric: number };
}

export interface RequestInfo {
  readonly id: string;
  readonly accountId: string;
  readonly region: string;
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly desiredValue: number;
  readonly status: string;
  readonly caseId: string | null;
  readonly created: string;
  readonly lastUpdated: string;
}

/**
 * One quota of the catalog as a target (account, region) holds it, read from the sandbox's state
 * rather than the wire: what ListAWSDefaultServiceQuotas and ListServiceQuotas would answer there.
 */
export interface QuotaTableRow {
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly quotaName: string;
  readonly global: boolean;
  readonly adjustable: boolean;
  readonly unit: string;
  /** The AWS default in this region, as ListAWSDefaultServiceQuotas gives it. */
  readonly defaultValue: number;
  /** ListServiceQuotas' `Value`; null when it lists no value (an ErrorReason) or leaves the quota out. */
  readonly appliedValue: number | null;
  /** Whether ListServiceQuotas lists the quota in this region at all. */
  readonly listed: boolean;
  /** ListServiceQuotas' `ErrorReason.ErrorCode`, e.g. DEPENDENCY_ACCESS_DENIED_ERROR. */
  readonly errorReason: string | null;
  readonly hasUsageMetric: boolean;
}

class AdminInputError extends Error {}

/** An admin request for something the sandbox does not have (HTTP 404). */
class AdminNotFoundError extends Error {}

export class SandboxAdmin {
  private readonly world: World;
  private readonly metering: Metering;
  private readonly throttle: Throttle;
  private readonly config: RuntimeConfig;
  private readonly url: () => string;

  constructor(
    world: World,
    metering: Metering,
    throttle: Throttle,
    config: RuntimeConfig,
    url: () => string,
  ) {
    this.world = world;
    this.metering = metering;
    this.throttle = throttle;
    this.config = config;
    this.url = url;
  }

  accounts(): AccountInfo[] {
    return this.world.accounts.map((a) => ({
      id: a.id,
      name: a.name,
      email: a.email,
      accessKeyId: a.accessKeyId,
      secretAccessKey: a.secretAccessKey,
      management: a.management,
    }));
  }

  /**
   * The seeded resources of one model (`ec2`, `elb`…) in an account and region, as the describe
   * calls serve them: what tests check usage counters against.
   */
  resources(model: string, accountId: string, region: string): unknown {
    const found = RESOURCE_MODELS.find((m) => m.name === model);
    if (!found) throw new Error(`the sandbox has no resource model ${model}`);
    const account = this.world.account(accountId);
    if (!account) throw new Error(`the sandbox has no account ${accountId}`);
    return this.world.resources.of(found, account, region);
  }

  /**
   * The EC2 instances of an account and region at the sandbox's current minute, as
   * DescribeInstances serves them (the Standard family follows its vCPU usage series).
   */
  instancesNow(accountId: string, region: string): Instance[] {
    const account = this.world.account(accountId);
    if (!account) throw new Error(`the sandbox has no account ${accountId}`);
    return instancesAtMinute(this.world, account, region, Math.floor(this.world.clock.now() / 60_000));
  }

  /** What seeded resources use of a quota (`serviceCode/quotaCode`) in an account and region. */
  resourceUsage(accountId: string, region: string, key: string): number | undefined {
    const account = this.world.account(accountId);
    if (!account) throw new Error(`the sandbox has no account ${accountId}`);
    return this.world.resources.usage(account, region, key);
  }

  /**
   * A usage spike, put in by hand: the quota's series (`serviceCode/quotaCode`) times `factor`
   * from `startedMinutesAgo` before the sandbox's now for `minutes`, as CloudWatch then reports
   * it. Throws for a quota the target has no usage series of.
   */
  surge(
    accountId: string,
    region: string,
    key: string,
    spike: { factor: number; minutes: number; startedMinutesAgo?: number },
  ): void {
    const account = this.world.account(accountId);
    if (!account) throw new AdminNotFoundError(`the sandbox has no account ${JSON.stringify(accountId)}`);
    const [serviceCode = '', quotaCode = ''] = key.split('/');
    const quota = this.world.catalog.quota(serviceCode, quotaCode);
    if (!quota) throw new AdminNotFoundError(`the sandbox has no quota ${JSON.stringify(key)}`);
    if (!(spike.factor > 0) || !(spike.minutes > 0)) {
      throw new AdminInputError('surge: factor and minutes must be above 0');
    }
    const from = this.world.clock.now() - (spike.startedMinutesAgo ?? 0) * 60_000;
    const surged = this.world.quotas.surge(account, region, quota, {
      from,
      to: from + spike.minutes * 60_000,
      factor: spike.factor,
    });
    if (!surged) throw new AdminInputError(`${key} has no usage series in ${accountId}:${region}`);
  }

  info(): SandboxInfo {
    const { options, catalog } = this.world;
    return {
      url: this.url(),
      seed: options.seed,
      organizationId: this.world.organizationId,
      regions: options.regions,
      accounts: this.accounts(),
      clock: {
        now: new Date(this.world.clock.now()).toISOString(),
        offsetSeconds: this.world.clock.offsetMs() / 1000,
      },
      config: { ...this.config, pageSize: options.pageSize ?? null },
      catalog: {
        services: catalog.services.length,
        quotas: catalog.quotas.length,
        withUsageMetric: catalog.quotas.filter((q) => q.usageMetric).length,
      },
    };
  }

  /** Call counts by service, operation and outcome since start or the last reset. */
  calls(): CallCount[] {
    return this.metering.snapshot();
  }

  /** Total calls matching a filter, e.g. `{ operation: 'GetMetricData', outcome: 'success' }`. */
  callTotal(filter: Parameters<Metering['total']>[0] = {}): number {
    return this.metering.total(filter);
  }

  resetCalls(): void {
    this.metering.reset();
  }

  /**
   * Forgets every change since start (requests, cases, topics, sessions, clock) and the call
   * counts; a sandbox started from a saved state goes back to that state.
   */
  reset(): void {
    this.world.reset();
    this.metering.reset();
    this.throttle.reset();
  }

  now(): Date {
    return new Date(this.world.clock.now());
  }

  /** Moves the sandbox clock forward; due request transitions happen at once. */
  advanceClock(seconds: number): Date {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new AdminInputError(
        `advanceSeconds must be a number of seconds of at least 0, got ${String(seconds)}`,
      );
    }
    this.world.clock.advance(seconds * 1000);
    this.world.settle();
    return this.now();
  }

  /** Changes run-time switches; `change` may come straight from JSON, so every value is checked. */
  configure(change: { readonly [K in keyof RuntimeConfig]?: unknown }): RuntimeConfig {
    const checked = checkSwitches(change, this.config);
    checkDenialOperations(checked.denials, OPERATIONS);
    Object.assign(this.config, checked);
    return { ...this.config };
  }

  /**
   * Every catalog quota as an account holds it in a region (global quotas from its global scope),
   * in ListServiceQuotas' order, computed from the state the handlers read: no call is made or counted.
   */
  quotaTable(accountId: string, region: string): QuotaTableRow[] {
    const account = this.world.account(accountId);
    if (!account) throw new AdminNotFoundError(`the sandbox has no account ${JSON.stringify(accountId)}`);
    if (!REGION_NAME.test(region)) {
      throw new AdminInputError(
        `region must be a region name such as us-east-1, got ${JSON.stringify(region)}`,
      );
    }
    this.world.settle();
    const { quotas, catalog } = this.world;
    return catalog.services.flatMap((service) =>
      service.quotas.map((quota) => {
        const listed = quotas.listed(account, region, quota);
        return {
          serviceCode: quota.serviceCode,
          quotaCode: quota.quotaCode,
          quotaName: quota.quotaName,
          global: quota.global,
          adjustable: quota.adjustable,
          unit: quota.unit,
          defaultValue: catalog.defaultIn(quota, region),
          appliedValue: listed?.value ?? null,
          listed: listed !== undefined,
          errorReason: listed?.errorReason ?? null,
          hasUsageMetric: quota.usageMetric !== undefined,
        };
      }),
    );
  }

  requests(): RequestInfo[] {
    this.world.settle();
    return [...this.world.quotas.requests.values()].map((r) => ({
      id: r.id,
      accountId: r.account.id,
      region: r.region,
      serviceCode: r.quota.serviceCode,
      quotaCode: r.quota.quotaCode,
      desiredValue: r.desiredValue,
      status: r.status,
      caseId: r.caseId ?? null,
      created: new Date(r.created).toISOString(),
      lastUpdated: new Date(r.lastUpdated).toISOString(),
    }));
  }

  supportCases(): { caseId: string; accountId: string; subject: string; status: string; created: string }[] {
    this.world.settle();
    return [...this.world.support.cases.values()].map((c) => ({
      caseId: c.caseId,
      accountId: c.account.id,
      subject: c.subject,
      status: c.status,
      created: new Date(c.created).toISOString(),
    }));
  }

  snsMessages(): {
    messageId: string;
    topicArn: string;
    subject: string | null;
    message: string;
    publishedAt: string;
  }[] {
    return this.world.sns.messages.map((m) => ({
      messageId: m.messageId,
      topicArn: m.topicArn,
      subject: m.subject ?? null,
      message: m.message,
      publishedAt: new Date(m.publishedAt).toISOString(),
    }));
  }

  /**
   * The run-time state as plain JSON, for `startSandbox({ state })` to take up in another process:
   * increase requests, approvals, Support cases, id counts and the clock. Not kept: the quota
   * request template, tags, utilization reports, automatic management, SNS, STS sessions, call
   * counts and run-time switches.
   *
   * @example
   * const state = sandbox.admin.exportState();
   * writeFileSync(path, JSON.stringify(state));
   * // next run
   * const sandbox = await startSandbox({ state: JSON.parse(readFileSync(path, 'utf8')) });
   */
  exportState(): SandboxState {
    return exportState(this.world);
  }

  /** Serves `/_sandbox/*`. */
  route(method: string, url: string, body: Buffer): HttpReply {
    const at = url.indexOf('?');
    const path = at < 0 ? url : url.slice(0, at);
    const query = new URLSearchParams(at < 0 ? '' : url.slice(at + 1));
    try {
      const input = method === 'POST' || method === 'PUT' ? parseObject(body) : {};
      const key = `${method} ${path}`;
      switch (key) {
        case 'GET /_sandbox/health':
          return json(200, { status: 'ok' });
        case 'GET /_sandbox/info':
          return json(200, this.info());
        case 'GET /_sandbox/calls':
          return json(200, { total: this.metering.total(), calls: this.calls() });
        case 'POST /_sandbox/reset':
          if (input.state === true) this.reset();
          else this.resetCalls();
          return json(200, { reset: input.state === true ? 'state' : 'calls' });
        case 'GET /_sandbox/clock':
          return json(200, this.#clock());
        case 'POST /_sandbox/clock': {
          const seconds = input.advanceSeconds;
          if (typeof seconds !== 'number')
            throw new AdminInputError('advanceSeconds must be a number of seconds');
          this.advanceClock(seconds);
          return json(200, this.#clock());
        }
        case 'POST /_sandbox/surge': {
          const { account, region, quota, factor, minutes, startedMinutesAgo } = input;
          if (typeof account !== 'string' || typeof region !== 'string' || typeof quota !== 'string') {
            throw new AdminInputError(
              'give {"account": "<12-digit id>", "region": "us-east-1", "quota": "SERVICE/CODE", "factor": 4, "minutes": 20}',
            );
          }
          if (typeof factor !== 'number' || typeof minutes !== 'number') {
            throw new AdminInputError('factor and minutes must be numbers above 0');
          }
          const ago = typeof startedMinutesAgo === 'number' ? startedMinutesAgo : 0;
          this.surge(account, region, quota, { factor, minutes, startedMinutesAgo: ago });
          return json(200, { account, region, quota, factor, minutes, startedMinutesAgo: ago });
        }
        case 'GET /_sandbox/config':
          return json(200, { ...this.config });
        case 'POST /_sandbox/config':
        case 'PUT /_sandbox/config':
          return json(200, this.configure(input));
        case 'GET /_sandbox/quotas': {
          const account = query.get('account');
          const region = query.get('region');
          if (account === null || region === null) {
            throw new AdminInputError('give the target as ?account=<12-digit id>&region=<region>');
          }
          return json(200, { account, region, quotas: this.quotaTable(account, region) });
        }
        case 'GET /_sandbox/requests':
          return json(200, { requests: this.requests() });
        case 'GET /_sandbox/support/cases':
          return json(200, { cases: this.supportCases() });
        case 'GET /_sandbox/sns/messages':
          return json(200, { messages: this.snsMessages() });
        case 'GET /_sandbox/state':
          return json(200, this.exportState());
        default:
          return json(404, { error: `no admin route ${key}; see GET /_sandbox/info` });
      }
    } catch (error) {
      if (error instanceof AdminInputError) return json(400, { error: error.message });
      if (error instanceof AdminNotFoundError) return json(404, { error: error.message });
      if (error instanceof SandboxOptionError)
        return json(400, { error: `${error.option} ${error.message}` });
      throw error;
    }
  }

  #clock(): { now: string; offsetSeconds: number } {
    return { now: this.now().toISOString(), offsetSeconds: this.world.clock.offsetMs() / 1000 };
  }
}

function parseObject(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AdminInputError('the body must be a JSON object');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AdminInputError('the body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function json(status: number, value: unknown): HttpReply {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}
