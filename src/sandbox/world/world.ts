/**
 * Everything the sandbox knows: the organisation and its accounts, who may call, the quota
 * catalog, and each service's state. Handlers read and change it through a RequestContext.
 */
import { SandboxClock } from '../core/clock.js';
import type { ResolvedSandboxOptions } from '../options.js';
import { ServiceQuotasState } from '../services/service-quotas/state.js';
import { SnsState } from '../services/sns/state.js';
import { SupportState } from '../services/support/state.js';
import { type Account, makeAccounts, organizationId } from './accounts.js';
import { type Catalog, loadCatalog } from './catalog.js';
import { Credentials } from './credentials.js';
import { RESOURCE_MODELS } from '../services/resources.js';
import type { RestorePlan } from './saved-state.js';
import { Resources } from './resources.js';

export class World {
  readonly catalog: Catalog;
  readonly accounts: readonly Account[];
  readonly organizationId: string;
  readonly credentials: Credentials;
  readonly quotas: ServiceQuotasState;
  readonly support: SupportState;
  readonly sns = new SnsState();
  readonly resources: Resources;
  readonly #accountsById: ReadonlyMap<string, Account>;
  /** The saved state the world started from, which a reset goes back to. */
  #restored: RestorePlan | undefined;

  readonly options: ResolvedSandboxOptions;
  readonly clock: SandboxClock;

  constructor(options: ResolvedSandboxOptions, clock: SandboxClock = new SandboxClock()) {
    this.options = options;
    this.clock = clock;
    this.catalog = loadCatalog();
    this.accounts = makeAccounts(options.seed, options.accounts, options.startTime);
    this.#accountsById = new Map(this.accounts.map((a) => [a.id, a]));
    this.organizationId = organizationId(options.seed);
    this.credentials = new Credentials(options.seed, this.accounts);
    this.support = new SupportState(options.seed);
    this.resources = new Resources({
      models: RESOURCE_MODELS,
      seed: options.seed,
      activeRegions: options.regions,
      limit: (account, region, serviceCode, quotaCode) => {
        const quota = this.catalog.quota(serviceCode, quotaCode);
        return quota ? (this.quotas.seededValue(account, region, quota) ?? 0) : 0;
      },
    });
    this.quotas = new ServiceQuotasState({
      resourceUsage: (account, region, key) => this.resources.usage(account, region, key),
      catalog: this.catalog,
      accounts: this.accounts,
      activeRegions: options.regions,
      seed: options.seed,
      anchor: options.startTime,
      timings: options.requestTimings,
      desk: this.support,
    });
  }

  get managementAccount(): Account {
    const first = this.accounts[0];
    if (!first) throw new Error('the sandbox has no accounts');
    return first;
  }

  account(id: string): Account | undefined {
    return this.#accountsById.get(id);
  }

  /** Brings every clock-driven state up to the sandbox's now. */
  settle(): void {
    this.quotas.settle(this.clock.now());
  }

  /**
   * Takes up a saved state checked by checkState(): its requests, approvals, cases, id counts and
   * clock offset. For a world nothing has changed yet, before it serves.
   */
  restore(plan: RestorePlan): void {
    this.#restored = plan;
    this.#apply(plan);
  }

  #apply(plan: RestorePlan): void {
    this.quotas.restore(plan);
    this.support.restore(plan.cases, plan.caseCount);
    this.clock.setOffset(plan.offsetMs);
  }

  /**
   * Forgets every change since start: requests, cases, topics, sessions, clock offset. A world
   * started from a saved state goes back to that state.
   */
  reset(): void {
    this.quotas.reset();
    this.support.reset();
    this.sns.reset();
    this.credentials.clearSessions();
    this.clock.reset();
    if (this.#restored) this.#apply(this.#restored);
  }
}
