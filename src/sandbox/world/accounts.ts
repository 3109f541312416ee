/**
 * The organisation the sandbox plays: deterministic account ids, names and static access keys
 * per account. The first account is the organisation's management account.
 */
import { hash32, identifier } from '../core/random.js';

export interface Account {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly management: boolean;
  /** When the account joined the organisation (epoch ms). */
  readonly joinedAt: number;
}

const NAMES = [
  'management',
  'production',
  'staging',
  'development',
  'security',
  'log-archive',
  'shared-services',
  'data-platform',
  'ml-research',
  'sandbox',
];

function accountName(index: number): string {
  return NAMES[index] ?? `workload-${String(index).padStart(4, '0')}`;
}

/** A 12-digit account id with no leading zero, unique among `taken`. */
function accountId(seed: number, index: number, taken: ReadonlySet<string>): string {
  for (let attempt = 0; ; attempt++) {
    const high = 100_000 + (hash32(seed, 'account-id-high', index, attempt) % 900_000);
    const low = hash32(seed, 'account-id-low', index, attempt) % 1_000_000;
    const id = `${high}${String(low).padStart(6, '0')}`;
    if (!taken.has(id)) return id;
  }
}

export function makeAccounts(seed: number, count: number, startTime: number): Account[] {
  const taken = new Set<string>();
  const accounts: Account[] = [];
  const org = identifier(10, 'lower', seed, 'org');
  for (let index = 0; index < count; index++) {
    const id = accountId(seed, index, taken);
    taken.add(id);
    const name = accountName(index);
    accounts.push({
      index,
      id,
      name,
      email: `aws+${name}@${org}.example.com`,
      accessKeyId: `AKIA${identifier(16, 'upper', seed, 'access-key', id)}`,
      secretAccessKey: identifier(40, 'mixed', seed, 'secret-key', id),
      management: index === 0,
      // Accounts joined over the organisation's first two years, the management account first.
      joinedAt: startTime - (730 - Math.floor((index * 700) / Math.max(count, 1))) * 86_400_000,
    });
  }
  return accounts;
}

export function organizationId(seed: number): string {
  return `o-${identifier(10, 'lower', seed, 'org')}`;
}

/**
 * A former member the organisation still lists, SUSPENDED (as AWS lists a closed account for 90
 * days): in ListAccounts only, never one of the accounts that can be called. Deterministic, with
 * an id none of `accounts` has.
 */
export function suspendedAccount(seed: number, accounts: readonly Account[]): Account {
  const taken = new Set(accounts.map((a) => a.id));
  const index = accounts.length;
  const id = accountId(seed, index, taken);
  const org = identifier(10, 'lower', seed, 'org');
  const first = accounts[0];
  return {
    index,
    id,
    name: 'closed-workload',
    email: `aws+closed-workload@${org}.example.com`,
    accessKeyId: '',
    secretAccessKey: '',
    management: false,
    joinedAt: first?.joinedAt ?? 0,
  };
}
