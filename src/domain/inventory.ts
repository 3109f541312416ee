/**
 * The inventory: which accounts headroom reads, found from several sources (the static
 * `accounts:` list, AWS profiles, AWS Organizations, a SQL CMDB), and which regions of each.
 * Types only, and the pure rules every source shares. What is kept of an account is how to reach
 * it (a role to assume or a profile to use), never credentials.
 */
import type { CollectError } from './quota.js';

/** An IAM role ARN; group 1 is its account. */
export const ROLE_ARN_PATTERN = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;

/** The kinds of account source, as `inventory.sources[].type` names them (plus the static list). */
export type InventorySourceType = 'static' | 'profiles' | 'organizations' | 'sql';

/**
 * Which regions of an account to read: a list, `all` (the account's enabled regions, from EC2
 * DescribeRegions) or `in-use` (the enabled regions where the account runs an EC2 instance).
 */
export type RegionSpec = readonly string[] | 'all' | 'in-use';

/**
 * One account as a source found it: what the store caches per source. `null` fields were not
 * given by the source (the account is then reached with the base credentials and read in the
 * source's or the top-level regions).
 */
export interface DiscoveredAccount {
  readonly id: string;
  readonly name: string | null;
  /** A role in the account to assume from the base credentials. */
  readonly roleArn: string | null;
  /** An AWS profile (a name in ~/.aws/config) that reads the account. */
  readonly profile: string | null;
  readonly regions: RegionSpec | null;
}

/** A problem a source or the region discovery met: one line, the rest still used. */
export interface InventoryProblem {
  /** `HR_INVENTORY_<WHAT>`, documented in docs/errors.md. */
  readonly code: string;
  /** The source's name (`cmdb`, `organizations`…) or `regions`. */
  readonly source: string;
  readonly message: string;
  readonly hint?: string | undefined;
}

/** What one source found at one time, as the store keeps it. */
export interface InventorySnapshot {
  /** The source's cache key (its name and a fingerprint of its settings). */
  readonly source: string;
  readonly fetchedAt: Date;
  readonly accounts: readonly DiscoveredAccount[];
  /** Problems met while fetching (malformed rows, a profile that failed): repeated when it is reused. */
  readonly problems: readonly InventoryProblem[];
}

/** What EC2 said about an account's regions at one time, as the store keeps it. */
export interface AccountRegions {
  readonly accountId: string;
  readonly fetchedAt: Date;
  /** Every region AWS has (DescribeRegions with AllRegions=true), enabled or not. */
  readonly known: readonly string[];
  /** The regions enabled for the account (not `not-opted-in`). */
  readonly enabled: readonly string[];
  /** The enabled regions with a running EC2 instance; null when not looked for yet. */
  readonly inUse: readonly string[] | null;
}

/** An account once every source is merged: how to reach it, and which sources listed it. */
export interface InventoryAccount extends DiscoveredAccount {
  /** The external id a static account's role requires (never cached). */
  readonly externalId: string | null;
  /** The sources that listed it, in the config's order (`static` first). */
  readonly sources: readonly string[];
}

/** A problem as one warning line: `warning inventory SOURCE: message; hint`. */
/** A problem as the inventory collector's failure is recorded (collector health, /metrics). */
export function problemAsCollectError(problem: InventoryProblem): CollectError {
  return {
    scope: 'target',
    serviceCode: null,
    code: problem.code,
    message: `${problem.source}: ${problem.message}`,
    hint: problem.hint,
  };
}

export function problemText(problem: InventoryProblem): string {
  return `warning inventory ${problem.source}: ${problem.message}${problem.hint === undefined ? '' : `; ${problem.hint}`}`;
}

/**
 * The accounts of every source as one list: an account listed by several sources is one entry,
 * each field taken from the first source that gives it (static first, then the config's order of
 * sources), and records every source that listed it. Order: first sighting.
 */
export function mergeAccounts(
  lists: readonly {
    source: string;
    accounts: readonly (DiscoveredAccount & { externalId?: string | null })[];
  }[],
): InventoryAccount[] {
  const merged = new Map<string, InventoryAccount>();
  for (const { source, accounts } of lists) {
    for (const account of accounts) {
      const known = merged.get(account.id);
      if (known === undefined) {
        merged.set(account.id, {
          id: account.id,
          name: account.name,
          roleArn: account.roleArn,
          profile: account.profile,
          externalId: account.externalId ?? null,
          regions: account.regions,
          sources: [source],
        });
        continue;
      }
      // A source that says how to reach the account brings its role and external id together:
      // a role from one source with the profile of another would be neither's intent.
      const access =
        known.roleArn === null && known.profile === null
          ? {
              roleArn: account.roleArn,
              profile: account.profile,
              externalId: account.externalId ?? null,
            }
          : { roleArn: known.roleArn, profile: known.profile, externalId: known.externalId };
      merged.set(account.id, {
        id: account.id,
        name: known.name ?? account.name,
        ...access,
        regions: known.regions ?? account.regions,
        sources: known.sources.includes(source) ? known.sources : [...known.sources, source],
      });
    }
  }
  return [...merged.values()];
}

/** `*` and `?` globs over names (`prod-*`), anchored; nothing else is special. */
export function globMatcher(pattern: string): (name: string) => boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  const regex = new RegExp(`^${source}$`);
  return (name) => regex.test(name);
}

export function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}
