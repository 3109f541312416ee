/**
 * Seeded resources: what runs in each account and region (load balancers, clusters, hosted
 * zones…), generated on first use from the seed, so every describe call and every run agrees.
 * Each service's model lives beside its handlers (`services/<svc>/resources.ts`) and is listed in
 * `services/resources.ts`.
 *
 * Consistency with the usage the sandbox reports: a model says how many of a region-level quota
 * its resources use (`usage`), and CloudWatch reports exactly that for the quota's usage metric (a
 * flat series; none when nothing is used), so a usage counter and CloudWatch agree.
 */
import { unit } from '../core/random.js';
import type { Account } from './accounts.js';

export interface ResourceScope {
  readonly seed: number;
  readonly account: Account;
  readonly region: string;
  /** Whether the region is one the accounts use; the others hold no resources. */
  readonly active: boolean;
  /** The applied value of a quota here as seeded (`ec2`, `L-0263D0A3`); 0 when it has none. */
  limit(serviceCode: string, quotaCode: string): number;
  /** A deterministic number in [0, 1) for these name parts, the same for every run of the seed. */
  unit(...parts: readonly (string | number)[]): number;
}

export interface ResourceModel<T> {
  /** Names the model in keys and messages: `elb`, `eks`. */
  readonly name: string;
  generate(scope: ResourceScope): T;
  /**
   * How many of each region-level quota with a usage metric these resources use, keyed
   * `serviceCode/quotaCode` (global quotas: the account's, in us-east-1).
   */
  usage?(resources: T, scope: ResourceScope): ReadonlyMap<string, number>;
}

export class Resources {
  readonly #models: readonly ResourceModel<unknown>[];
  readonly #seed: number;
  readonly #activeRegions: readonly string[];
  readonly #limit: (account: Account, region: string, serviceCode: string, quotaCode: string) => number;
  readonly #cache = new Map<string, unknown>();
  readonly #usage = new Map<string, ReadonlyMap<string, number>>();

  constructor(options: {
    models: readonly ResourceModel<unknown>[];
    seed: number;
    activeRegions: readonly string[];
    limit: (account: Account, region: string, serviceCode: string, quotaCode: string) => number;
  }) {
    this.#models = options.models;
    this.#seed = options.seed;
    this.#activeRegions = options.activeRegions;
    this.#limit = options.limit;
  }

  #scope(account: Account, region: string): ResourceScope {
    const seed = this.#seed;
    return {
      seed,
      account,
      region,
      active: this.#activeRegions.includes(region),
      limit: (serviceCode, quotaCode) => this.#limit(account, region, serviceCode, quotaCode),
      unit: (...parts) => unit(seed, account.id, region, ...parts),
    };
  }

  /** The resources a model generates for an account and region (the same object every time). */
  of<T>(model: ResourceModel<T>, account: Account, region: string): T {
    const key = `${model.name}|${account.id}|${region}`;
    if (this.#cache.has(key)) return this.#cache.get(key) as T;
    const made = model.generate(this.#scope(account, region));
    this.#cache.set(key, made);
    return made;
  }

  /**
   * What the resources of an account and region use of a quota (`serviceCode/quotaCode`), or
   * undefined when no model counts it (its usage series is then the seeded one).
   */
  usage(account: Account, region: string, key: string): number | undefined {
    const scopeKey = `${account.id}|${region}`;
    let usage = this.#usage.get(scopeKey);
    if (!usage) {
      const merged = new Map<string, number>();
      const scope = this.#scope(account, region);
      for (const model of this.#models) {
        if (!model.usage) continue;
        for (const [quota, value] of model.usage(this.of(model, account, region), scope)) {
          merged.set(quota, (merged.get(quota) ?? 0) + value);
        }
      }
      usage = merged;
      this.#usage.set(scopeKey, usage);
    }
    return usage.get(key);
  }
}

/** A whole number from low to high (both included), deterministic for the scope and name parts. */
export function countBetween(scope: ResourceScope, low: number, high: number, ...parts: string[]): number {
  return low + Math.floor(scope.unit(...parts) * (high - low + 1));
}
