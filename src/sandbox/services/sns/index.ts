/**
 * SNS (`sns`, query protocol 2010-03-31): CreateTopic and Publish. Their rates are the account's
 * applied SNS quotas from the catalog ("CreateTopic Transactions per Second", "Messages Published
 * per Second"), which differ by region (30,000/s in us-east-1, 300/s in eu-west-2 for Publish).
 */
import { randomUUID } from 'node:crypto';
import { AwsError, queryDialect } from '../../core/errors.js';
import type { Handler, RateLimit, RequestContext, ServiceDefinition } from '../../core/service.js';
import { blob, list, map, string, structure } from '../../core/shapes.js';

const MAX_MESSAGE_BYTES = 262_144;
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$|^[A-Za-z0-9_-]{1,251}\.fifo$/;

const invalidParameter = (message: string): AwsError =>
  new AwsError('InvalidParameterException', message, 400, {
    queryCode: 'InvalidParameter',
    messageKey: 'message',
  });

const createTopic: Handler = (ctx, input) => {
  const name = input.Name as string;
  if (!TOPIC_NAME.test(name)) throw invalidParameter('Invalid parameter: Topic Name');
  const arn = `arn:aws:sns:${ctx.region}:${ctx.account.id}:${name}`;
  const { topics } = ctx.world.sns;
  if (!topics.has(arn)) {
    const tags = Object.fromEntries(
      ((input.Tags ?? []) as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]),
    );
    topics.set(arn, {
      arn,
      name,
      account: ctx.account,
      region: ctx.region,
      attributes: (input.Attributes ?? {}) as Record<string, string>,
      tags,
    });
  }
  return { TopicArn: arn };
};

const publish: Handler = (ctx, input) => {
  const topicArn = (input.TopicArn ?? input.TargetArn) as string | undefined;
  if (topicArn === undefined) {
    throw invalidParameter(
      input.PhoneNumber !== undefined
        ? 'Invalid parameter: PhoneNumber Reason: the headroom sandbox delivers to topics only'
        : 'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter',
    );
  }
  const topic = ctx.world.sns.topics.get(topicArn);
  if (topic?.account.id !== ctx.account.id || topic.region !== ctx.region) {
    throw new AwsError('NotFoundException', 'Topic does not exist', 404, {
      queryCode: 'NotFound',
      messageKey: 'message',
    });
  }
  const message = input.Message as string;
  if (message === '') throw invalidParameter('Invalid parameter: Empty message');
  if (Buffer.byteLength(message, 'utf8') > MAX_MESSAGE_BYTES)
    throw invalidParameter('Invalid parameter: Message too long');
  const subject = input.Subject as string | undefined;
  if (subject !== undefined && (subject.length > 100 || subject.trim() === ''))
    throw invalidParameter('Invalid parameter: Subject');
  const messageId = randomUUID();
  ctx.world.sns.messages.push({
    messageId,
    topicArn,
    subject,
    message,
    attributes: (input.MessageAttributes ?? {}) as Record<string, { DataType: string; StringValue?: string }>,
    publishedAt: ctx.now,
  });
  return { MessageId: messageId };
};

/** A rate from the account's applied SNS quota in the caller's region. */
function quotaRate(quotaCode: string, fallback: number): (ctx: RequestContext) => RateLimit {
  return (ctx) => {
    const quota = ctx.world.catalog.quota('sns', quotaCode);
    return {
      perSecond: (quota && ctx.world.quotas.applied(ctx.account, ctx.region, quota)) ?? fallback,
      burst: 0,
    };
  };
}

const messageAttribute = structure({ DataType: string(), StringValue: string(), BinaryValue: blob() }, [
  'DataType',
]);

export const sns: ServiceDefinition = {
  signingName: 'sns',
  query: { apiVersion: '2010-03-31', xmlNamespace: 'http://sns.amazonaws.com/doc/2010-03-31/' },
  dialect: queryDialect({
    throttling: () =>
      new AwsError('ThrottledException', 'Rate exceeded', 429, {
        queryCode: 'Throttled',
        messageKey: 'message',
      }),
    accessDenied: (message) =>
      new AwsError('AuthorizationErrorException', message, 403, {
        queryCode: 'AuthorizationError',
        messageKey: 'message',
      }),
    internalFailure: () =>
      new AwsError('InternalErrorException', 'An internal error occurred.', 500, {
        queryCode: 'InternalError',
        messageKey: 'message',
      }),
  }),
  operations: {
    CreateTopic: {
      input: structure(
        {
          Name: string(),
          Attributes: map(string(), string()),
          Tags: list(
            structure({ Key: string({ min: 1, max: 128 }), Value: string({ min: 0, max: 256 }) }, [
              'Key',
              'Value',
            ]),
          ),
          DataProtectionPolicy: string(),
        },
        ['Name'],
      ),
      handler: createTopic,
      rate: quotaRate('L-AB928142', 3000),
    },
    Publish: {
      input: structure(
        {
          TopicArn: string(),
          TargetArn: string(),
          PhoneNumber: string(),
          Message: string(),
          Subject: string(),
          MessageStructure: string(),
          MessageAttributes: map(string(), messageAttribute, { keyName: 'Name', valueName: 'Value' }),
          MessageDeduplicationId: string(),
          MessageGroupId: string(),
        },
        ['Message'],
      ),
      handler: publish,
      rate: quotaRate('L-F8E2BA85', 30_000),
    },
  },
};
