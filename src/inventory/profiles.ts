/**
 * The `profiles` source: accounts read through AWS profiles, named or matched by globs over the
 * profile names of ~/.aws/config and ~/.aws/credentials; each profile's account comes from STS
 * GetCallerIdentity. A profile that fails is one problem; the others are still used.
 */
import { toAwsError } from '../aws/errors.js';
import { type DiscoveredAccount, globMatcher, type InventoryProblem, isGlob } from '../domain/inventory.js';
import type { Fetched, ProfilesSourceConfig, SourceContext } from './source.js';

export async function fetchProfiles(source: ProfilesSourceConfig, ctx: SourceContext): Promise<Fetched> {
  const known = await ctx.knownProfiles();
  const problems: InventoryProblem[] = [];
  const chosen: string[] = [];
  for (const pattern of source.profiles) {
    const matches = isGlob(pattern) ? known.filter(globMatcher(pattern)) : known.filter((p) => p === pattern);
    if (matches.length === 0) {
      problems.push({
        code: 'HR_INVENTORY_PROFILE',
        source: source.name,
        message: isGlob(pattern)
          ? `no AWS profile matches ${pattern}`
          : `profile ${pattern} is not in the AWS config or credentials file`,
        hint: known.length === 0 ? 'no profiles are defined' : `known profiles: ${known.join(', ')}`,
      });
    }
    for (const match of matches) if (!chosen.includes(match)) chosen.push(match);
  }
  let complete = true;
  const found = await Promise.all(
    chosen.map(async (profile): Promise<DiscoveredAccount | undefined> => {
      try {
        const id = await ctx.session.accountOfProfile(profile);
        return { id, name: profile, roleArn: null, profile, regions: null };
      } catch (error) {
        complete = false;
        const failure = toAwsError(error, {
          action: 'sts:GetCallerIdentity',
          where: `profile ${profile}`,
          endpoint: ctx.session.endpoint,
        });
        problems.push({
          code: 'HR_INVENTORY_PROFILE',
          source: source.name,
          message: `profile ${profile}: ${failure.message}`,
          hint: failure.hint,
        });
        return undefined;
      }
    }),
  );
  // Two profiles of one account: the first reads it.
  const accounts = new Map<string, DiscoveredAccount>();
  for (const account of found) if (account && !accounts.has(account.id)) accounts.set(account.id, account);
  return { accounts: [...accounts.values()], problems, complete };
}
