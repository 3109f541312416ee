/**
 * AWS Organizations (`organizations`, awsJson1_1): DescribeOrganization for any member, and
 * ListAccounts for the management account only, as AWS allows. ListAccounts also lists one
 * SUSPENDED former member after the callable accounts (as AWS keeps a closed account listed for
 * 90 days), so callers must skip accounts that are not ACTIVE. Organizations publishes no API
 * rate; 10 per second with a burst of 10 is assumed.
 */
import { AwsError, jsonDialect } from '../../core/errors.js';
import { paginate } from '../../core/pagination.js';
import type { Handler, ServiceDefinition } from '../../core/service.js';
import { integer, string, structure } from '../../core/shapes.js';
import { suspendedAccount } from '../../world/accounts.js';

const accessDenied = (): AwsError =>
  new AwsError('AccessDeniedException', "You don't have permissions to access this resource.", 400);

const organizationArn = (managementId: string, organizationId: string): string =>
  `arn:aws:organizations::${managementId}:organization/${organizationId}`;

const describeOrganization: Handler = (ctx) => {
  const management = ctx.world.managementAccount;
  const orgId = ctx.world.organizationId;
  return {
    Organization: {
      Id: orgId,
      Arn: organizationArn(management.id, orgId),
      FeatureSet: 'ALL',
      MasterAccountArn: `arn:aws:organizations::${management.id}:account/${orgId}/${management.id}`,
      MasterAccountId: management.id,
      MasterAccountEmail: management.email,
      AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
    },
  };
};

const listAccounts: Handler = (ctx, input) => {
  if (!ctx.account.management) throw accessDenied();
  const { world } = ctx;
  const management = world.managementAccount;
  const suspended = suspendedAccount(world.options.seed, world.accounts);
  const listed = [
    ...world.accounts.map((account) => ({ account, status: 'ACTIVE' })),
    { account: suspended, status: 'SUSPENDED' },
  ];
  const result = paginate(listed, {
    tokens: ctx.pageTokens,
    scope: `ListAccounts|${ctx.account.id}`,
    nextToken: input.NextToken as string | undefined,
    maxResults: input.MaxResults as number | undefined,
    defaultSize: 20,
    cap: ctx.pageSize,
    invalidToken: () =>
      new AwsError(
        'InvalidInputException',
        'You provided an invalid value for the NextToken parameter.',
        400,
        {
          extra: { Reason: 'INVALID_NEXT_TOKEN' },
        },
      ),
  });
  return {
    Accounts: result.items.map(({ account, status }) => ({
      Id: account.id,
      Arn: `arn:aws:organizations::${management.id}:account/${world.organizationId}/${account.id}`,
      Email: account.email,
      Name: account.name,
      Status: status,
      State: status,
      JoinedMethod: account.management ? 'INVITED' : 'CREATED',
      JoinedTimestamp: new Date(account.joinedAt),
    })),
    NextToken: result.nextToken,
  };
};

export const organizations: ServiceDefinition = {
  signingName: 'organizations',
  json: { version: '1.1', targetPrefix: 'AWSOrganizationsV20161128', queryCompatible: false },
  dialect: jsonDialect({
    messageKey: 'Message',
    throttling: () =>
      new AwsError(
        'TooManyRequestsException',
        'AWS Organizations can’t complete your request because of too many requests. Try again later.',
        400,
        {
          extra: { Type: 'RequestRateExceeded' },
        },
      ),
    internalFailure: () =>
      new AwsError(
        'ServiceException',
        'AWS Organizations can’t complete your request because of an internal service error. Try again later.',
        500,
      ),
  }),
  operations: {
    DescribeOrganization: {
      input: structure({}),
      handler: describeOrganization,
      rate: { perSecond: 10, burst: 10 },
    },
    ListAccounts: {
      input: structure({ NextToken: string({ max: 100_000 }), MaxResults: integer({ min: 1, max: 20 }) }),
      handler: listAccounts,
      rate: { perSecond: 10, burst: 10 },
    },
  },
};
