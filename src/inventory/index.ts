/**
 * The inventory: the accounts headroom reads and the regions of each. The static `accounts:`
 * list and every configured source (listed here explicitly), each source's list cached in the
 * store for the inventory's TTL; a failing source is one problem and, when it has one, its cached
 * list is used. Accounts are merged (static first), the session learns how to reach each, and
 * each account's regions are resolved (regions.ts).
 *
 * @example
 *   const { targets, problems } = await takeInventory({ ...config, session, store, env, logger, refresh: false });
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { AwsSession } from '../aws/session.js';
import {
  type DiscoveredAccount,
  type InventoryAccount,
  type InventoryProblem,
  mergeAccounts,
  type RegionSpec,
} from '../domain/inventory.js';
import type { Target } from '../domain/target.js';
import type { Store } from '../storage/port.js';
import { knownProfiles } from '../aws/credentials.js';
import { fetchOrganization } from './organizations.js';
import { fetchProfiles } from './profiles.js';
import { resolveRegions } from './regions.js';
import { type Fetched, type SourceConfig, type SourceContext, SourceFailure } from './source.js';
import { fetchSql } from './sql.js';
import { STATIC_SOURCE, type StaticAccount, staticAccounts } from './static.js';

export type { SourceConfig } from './source.js';
export type { StaticAccount } from './static.js';

/** Every kind of account source, by its `type` in headroom.yaml. */
const SOURCES: {
  readonly [K in SourceConfig['type']]: (
    source: Extract<SourceConfig, { type: K }>,
    ctx: SourceContext,
  ) => Promise<Fetched>;
} = {
  profiles: fetchProfiles,
  organizations: fetchOrganization,
  sql: fetchSql,
};

function fetchFrom(source: SourceConfig, ctx: SourceContext): Promise<Fetched> {
  switch (source.type) {
    case 'profiles':
      return SOURCES.profiles(source, ctx);
    case 'organizations':
      return SOURCES.organizations(source, ctx);
    case 'sql':
      return SOURCES.sql(source, ctx);
  }
}

export interface InventoryOptions {
  /** The static accounts (config `accounts:`, or the embedded sandbox's). */
  readonly accounts: readonly StaticAccount[];
  readonly sources: readonly SourceConfig[];
  /** The top-level `regions:`: the default of every account. */
  readonly regions: RegionSpec;
  readonly ttlMs: number;
  /** Ask every source and EC2 again, whatever is cached. */
  readonly refresh: boolean;
  readonly session: AwsSession;
  readonly store: Store;
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly now?: Date;
}

/** An account with the regions it is read in. */
export interface ResolvedAccount extends InventoryAccount {
  readonly regionList: readonly string[];
}

export interface Inventory {
  readonly accounts: readonly ResolvedAccount[];
  /** Every (account, region) to read, accounts in inventory order. */
  readonly targets: { target: Target; accountName: string | null }[];
  readonly problems: readonly InventoryProblem[];
}

/** A source's cache key: its name and a fingerprint of its settings, so a changed query asks again. */
export function sourceKey(source: SourceConfig): string {
  const { name, regions: _regions, ...settings } = source;
  const fingerprint = createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 12);
  return `${name}@${fingerprint}`;
}

function ago(from: Date, now: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - from.getTime()) / 60_000));
  if (minutes < 90) return `${minutes}m`;
  if (minutes < 36 * 60) return `${Math.round(minutes / 60)}h`;
  return `${Math.round(minutes / 1440)}d`;
}

/** One source's accounts: from the cache while fresh, else asked (and kept when whole). */
async function loadSource(
  source: SourceConfig,
  ctx: SourceContext,
  options: InventoryOptions,
  now: Date,
): Promise<{ accounts: readonly DiscoveredAccount[]; problems: InventoryProblem[] }> {
  const key = sourceKey(source);
  const cached = await options.store.latestInventory(key);
  const withDefaults = (accounts: readonly DiscoveredAccount[]) =>
    accounts.map((a) => ({ ...a, regions: a.regions ?? source.regions ?? null }));
  if (cached && !options.refresh && now.getTime() - cached.fetchedAt.getTime() < options.ttlMs) {
    return { accounts: withDefaults(cached.accounts), problems: [...cached.problems] };
  }
  let fetched: Fetched;
  try {
    fetched = await fetchFrom(source, ctx);
  } catch (error) {
    const failure =
      error instanceof SourceFailure
        ? error
        : new SourceFailure('HR_INVENTORY_SOURCE', error instanceof Error ? error.message : String(error));
    const fallback = cached
      ? `; using the ${cached.accounts.length} accounts it gave ${ago(cached.fetchedAt, now)} ago (cached)`
      : '; none of its accounts are read';
    // The caller prints the problem as a warning; the log file keeps it too.
    options.logger.debug(
      { source: source.name, code: failure.code, problem: failure.message },
      `inventory source ${source.name} failed`,
    );
    return {
      accounts: cached ? withDefaults(cached.accounts) : [],
      problems: [
        {
          code: failure.code,
          source: source.name,
          message: `${failure.message}${fallback}`,
          hint: failure.hint,
        },
      ],
    };
  }
  if (fetched.complete) {
    await options.store.saveInventory({
      source: key,
      fetchedAt: now,
      accounts: fetched.accounts,
      problems: fetched.problems,
    });
  }
  return { accounts: withDefaults(fetched.accounts), problems: fetched.problems };
}

/**
 * The accounts, their regions and the targets to read, with every problem met on the way. With
 * no static account and no source, the account of the base credentials in the top-level regions.
 */
export async function takeInventory(options: InventoryOptions): Promise<Inventory> {
  const now = options.now ?? new Date();
  const { session } = options;
  const ctx: SourceContext = { session, env: options.env, logger: options.logger, knownProfiles };
  let statics = staticAccounts(options.accounts);
  if (statics.length === 0 && options.sources.length === 0) {
    const me = await session.callerIdentity();
    statics = [
      { id: me.accountId, name: null, roleArn: null, profile: null, externalId: null, regions: null },
    ];
  }
  const loaded = await Promise.all(options.sources.map((source) => loadSource(source, ctx, options, now)));
  const problems: InventoryProblem[] = loaded.flatMap((l) => l.problems);
  const accounts = mergeAccounts([
    { source: STATIC_SOURCE, accounts: statics },
    ...options.sources.map((source, index) => ({
      source: source.name,
      accounts: loaded[index]?.accounts ?? [],
    })),
  ]);
  session.addAccounts(
    accounts.flatMap((a) =>
      a.roleArn === null && a.profile === null
        ? []
        : [
            {
              accountId: a.id,
              roleArn: a.roleArn ?? undefined,
              profile: a.profile ?? undefined,
              externalId: a.externalId ?? undefined,
            },
          ],
    ),
  );
  const regionOptions = {
    session,
    store: options.store,
    ttlMs: options.ttlMs,
    refresh: options.refresh,
    now,
    logger: options.logger,
  };
  const resolved = await Promise.all(
    accounts.map(async (account) => {
      const { regions, problems: found } = await resolveRegions(
        account.id,
        account.regions ?? options.regions,
        regionOptions,
      );
      return { account: { ...account, regionList: regions }, problems: found };
    }),
  );
  problems.push(...resolved.flatMap((r) => r.problems));
  return {
    accounts: resolved.map((r) => r.account),
    targets: resolved.flatMap(({ account: a }) =>
      a.regionList.map((region) => ({ target: { accountId: a.id, region }, accountName: a.name })),
    ),
    problems,
  };
}
