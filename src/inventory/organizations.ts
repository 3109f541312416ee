/**
 * The `organizations` source: AWS Organizations ListAccounts (every page) from the management or
 * a delegated administrator account, with the base credentials, a profile, or a role assumed
 * there. Each active member is read through `memberRole` (default OrganizationAccountAccessRole);
 * the listing account itself with the credentials that listed. Accounts that are not ACTIVE
 * (SUSPENDED, PENDING_CLOSURE, CLOSED) are left out.
 */
import { paginateListAccounts } from '@aws-sdk/client-organizations';
import { toAwsError } from '../aws/errors.js';
import { type DiscoveredAccount, ROLE_ARN_PATTERN } from '../domain/inventory.js';
import { type Fetched, type OrganizationsSourceConfig, type SourceContext, SourceFailure } from './source.js';

/** The IAM actions the organizations source calls (in the listing account). */
export const ORGANIZATIONS_IAM_ACTIONS = ['organizations:ListAccounts'] as const;

/** The account that lists the organisation, made reachable in the session. */
async function listingAccount(source: OrganizationsSourceConfig, ctx: SourceContext): Promise<string> {
  const { session } = ctx;
  try {
    if (source.profile !== undefined) return await session.accountOfProfile(source.profile);
    if (source.roleArn !== undefined) {
      const id = ROLE_ARN_PATTERN.exec(source.roleArn)?.[1] ?? '';
      session.addAccounts([{ accountId: id, roleArn: source.roleArn }]);
      return id;
    }
    return (await session.callerIdentity()).accountId;
  } catch (error) {
    const failure = toAwsError(error, {
      action: 'sts:GetCallerIdentity',
      where: source.profile === undefined ? 'the base credentials' : `profile ${source.profile}`,
      endpoint: session.endpoint,
    });
    throw new SourceFailure('HR_INVENTORY_SOURCE', failure.message, failure.hint);
  }
}

/** `aws` of `arn:aws:organizations::…`, so member roles are in the organisation's partition. */
function partitionOf(arn: string | undefined): string {
  return /^arn:(aws(?:-[a-z]+)*):/.exec(arn ?? '')?.[1] ?? 'aws';
}

export async function fetchOrganization(
  source: OrganizationsSourceConfig,
  ctx: SourceContext,
): Promise<Fetched> {
  const caller = await listingAccount(source, ctx);
  const client = ctx.session.organizations(caller);
  const accounts: DiscoveredAccount[] = [];
  let inactive = 0;
  try {
    for await (const page of paginateListAccounts({ client, pageSize: 20 }, {})) {
      for (const account of page.Accounts ?? []) {
        const id = account.Id ?? '';
        // State replaces the deprecated Status; either may be the only one given.
        const state = account.State ?? account.Status;
        if (state !== 'ACTIVE') {
          inactive += 1;
          continue;
        }
        if (source.include.length > 0 && !source.include.includes(id)) continue;
        if (source.exclude.includes(id)) continue;
        const self = id === caller;
        accounts.push({
          id,
          name: account.Name ?? null,
          roleArn: self
            ? (source.roleArn ?? null)
            : `arn:${partitionOf(account.Arn)}:iam::${id}:role/${source.memberRole}`,
          profile: self ? (source.profile ?? null) : null,
          regions: null,
        });
      }
    }
  } catch (error) {
    const failure = toAwsError(error, {
      action: 'organizations:ListAccounts',
      where: `account ${caller}`,
      endpoint: ctx.session.endpoint,
    });
    throw new SourceFailure('HR_INVENTORY_SOURCE', failure.message, failure.hint);
  }
  ctx.logger.debug(
    { source: source.name, accounts: accounts.length, inactive },
    `organizations: ${accounts.length} active accounts (${inactive} not active, left out)`,
  );
  return { accounts, problems: [], complete: true };
}
