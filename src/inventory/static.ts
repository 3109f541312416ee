/**
 * The `static` source: the `accounts:` list of headroom.yaml (or the embedded sandbox's
 * accounts), as it is; never cached, since the config is at hand. It wins over every other
 * source for the fields it sets.
 */
import type { Config } from '../config/schema.js';
import type { DiscoveredAccount } from '../domain/inventory.js';

export type StaticAccount = Config['accounts'][number];

export const STATIC_SOURCE = 'static';

export function staticAccounts(
  accounts: readonly StaticAccount[],
): (DiscoveredAccount & { externalId: string | null })[] {
  return accounts.map((a) => ({
    id: a.id,
    name: a.name ?? null,
    roleArn: a.roleArn ?? null,
    profile: a.profile ?? null,
    externalId: a.externalId ?? null,
    regions: a.regions,
  }));
}
