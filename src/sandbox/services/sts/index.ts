/**
 * STS (`sts`, query protocol 2011-06-15): GetCallerIdentity and AssumeRole. AssumeRole into
 * `arn:aws:iam::<account>:role/<name>` of any account of the sandbox's organisation returns
 * temporary credentials that act in that account; every role name is taken to exist and to
 * trust the organisation. STS's rate is not published; 600 requests per second per account is
 * the figure commonly quoted and is used here.
 */
import { AwsError, queryDialect, rateExceeded } from '../../core/errors.js';
import type { Handler, ServiceDefinition } from '../../core/service.js';
import { integer, list, string, structure } from '../../core/shapes.js';

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/([\w+=,.@/-]{1,512})$/;

const stsDialect = queryDialect({
  throttling: rateExceeded,
  internalFailure: () =>
    new AwsError('InternalFailure', 'An internal error occurred.', 500, { messageKey: 'message' }),
});

const getCallerIdentity: Handler = (ctx) => ({
  UserId: ctx.caller.userId,
  Account: ctx.account.id,
  Arn: ctx.caller.arn,
});

const assumeRole: Handler = (ctx, input) => {
  const roleArn = input.RoleArn as string;
  const match = ROLE_ARN.exec(roleArn);
  if (!match) {
    throw stsDialect.validation(`${roleArn} is invalid: RoleArn must be an IAM role ARN.`);
  }
  const target = ctx.world.account(match[1] ?? '');
  if (!target) {
    throw stsDialect.accessDenied(
      `User: ${ctx.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    );
  }
  const durationSeconds = (input.DurationSeconds as number | undefined) ?? 3600;
  const session = ctx.world.credentials.assumeRole(
    target,
    match[2] ?? '',
    input.RoleSessionName as string,
    durationSeconds,
    ctx.world.clock.wall(),
  );
  return {
    Credentials: {
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: session.secretAccessKey,
      SessionToken: session.sessionToken,
      Expiration: new Date(session.expiresAt),
    },
    AssumedRoleUser: { AssumedRoleId: session.assumedRoleId, Arn: session.arn },
  };
};

const tag = structure({ Key: string({ min: 1, max: 128 }), Value: string({ min: 0, max: 256 }) }, [
  'Key',
  'Value',
]);

export const sts: ServiceDefinition = {
  signingName: 'sts',
  query: { apiVersion: '2011-06-15', xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/' },
  dialect: stsDialect,
  operations: {
    GetCallerIdentity: {
      input: structure({}),
      handler: getCallerIdentity,
      rate: { perSecond: 600, burst: 0 },
    },
    AssumeRole: {
      input: structure(
        {
          RoleArn: string({ min: 20, max: 2048 }),
          RoleSessionName: string({ min: 2, max: 64, pattern: '[\\w+=,.@-]*' }),
          PolicyArns: list(structure({ arn: string({ min: 20, max: 2048 }) })),
          Policy: string({ min: 1 }),
          DurationSeconds: integer({ min: 900, max: 43200 }),
          Tags: list(tag, { max: 50 }),
          TransitiveTagKeys: list(string({ min: 1, max: 128 }), { max: 50 }),
          ExternalId: string({ min: 2, max: 1224, pattern: '[\\w+=,.@:\\/-]*' }),
          SerialNumber: string({ min: 9, max: 256 }),
          TokenCode: string({ min: 6, max: 6, pattern: '[\\d]*' }),
          SourceIdentity: string({ min: 2, max: 64, pattern: '[\\w+=,.@-]*' }),
        },
        ['RoleArn', 'RoleSessionName'],
      ),
      handler: assumeRole,
      rate: { perSecond: 600, burst: 0 },
      resourceMember: 'RoleArn',
    },
  },
};
