/**
 * The AWS session of one headroom run: SDK v3 clients per target, sharing one HTTP connection
 * pool, one credential cache per account, the rate limiter and the cap on requests in flight.
 * Every client is instrumented the same way: each HTTP attempt waits for its (account, region,
 * service, operation) token and a concurrency slot; each call is counted and logged at debug with
 * its duration, attempts and request id; throttling is logged as a warning. Nothing about
 * credentials is logged.
 *
 * @example
 *   const session = new AwsSession({ retryMode: 'standard', maxAttempts: 5, maxConcurrency: 64, logger });
 *   const sq = session.serviceQuotas({ accountId: '123456789012', region: 'eu-west-1' });
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { SupportClient } from '@aws-sdk/client-support';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { Logger } from 'pino';
import { GLOBAL_QUOTA_HOME_REGION, type Target } from '../domain/target.js';
import { type AccountAccess, CredentialResolver } from './credentials.js';
import { errorName, isThrottling, requestIdOf, toAwsError } from './errors.js';
import { RateLimiter, Semaphore } from './pacing.js';
import { pacedRate, SHARED_RATE_SERVICES } from './rates.js';
import { CallStats } from './stats.js';

export type RetryMode = 'standard' | 'adaptive';

export interface AwsSessionOptions {
  readonly retryMode: RetryMode;
  readonly maxAttempts: number;
  readonly maxConcurrency: number;
  readonly logger: Logger;
  /** One endpoint for every service (the sandbox); otherwise the SDK's (AWS_ENDPOINT_URL honoured). */
  readonly endpoint?: string | undefined;
  /** Base credentials: a named profile; otherwise the SDK's default chain. */
  readonly profile?: string | undefined;
  /** Base credentials given outright (the in-process sandbox). */
  readonly credentials?: AwsCredentialIdentity | undefined;
  readonly roleSessionName?: string;
  /** How each account is reached; accounts not listed use the base credentials. */
  readonly accounts?: readonly AccountAccess[];
  /** Pace at AWS's rates (default true). Off only for measuring the unpaced behaviour. */
  readonly pace?: boolean;
}

/** The subset of an SDK client's middleware stack instrumentation needs. */
interface Instrumentable {
  middlewareStack: {
    remove(name: string): boolean;
    add(middleware: unknown, options: { step: 'initialize'; name: string }): void;
    addRelativeTo(
      middleware: unknown,
      options: { relation: 'after'; toMiddleware: string; name: string },
    ): void;
  };
}

interface HandlerArgs {
  input: unknown;
}
type Next = (args: HandlerArgs) => Promise<{ output: unknown; response: unknown }>;
interface MiddlewareContext {
  commandName?: string;
}
interface CallMetadata {
  $metadata?: { attempts?: number; requestId?: string };
}

/** What every client of the session is built with. */
interface ClientConfig {
  region: string;
  endpoint: string | undefined;
  credentials: ReturnType<CredentialResolver['forAccount']>;
  maxAttempts: number;
  retryMode: RetryMode;
  requestHandler: NodeHttpHandler;
}

type AnyClient =
  | ServiceQuotasClient
  | CloudWatchClient
  | STSClient
  | SupportClient
  | OrganizationsClient
  | EC2Client
  | ElasticLoadBalancingV2Client
  | ElasticLoadBalancingClient
  | ElastiCacheClient
  | EKSClient
  | Route53Client
  | CloudFrontClient
  | SageMakerClient
  | SNSClient;

export class AwsSession {
  readonly stats = new CallStats();
  readonly #limiter = new RateLimiter();
  readonly #options: AwsSessionOptions;
  readonly #slots: Semaphore;
  readonly #handler: NodeHttpHandler;
  readonly #credentials: CredentialResolver;
  readonly #access = new Map<string, AccountAccess>();
  readonly #clients = new Map<string, AnyClient>();

  constructor(options: AwsSessionOptions) {
    this.#options = options;
    this.#slots = new Semaphore(options.maxConcurrency);
    const agentOptions = { keepAlive: true, maxSockets: options.maxConcurrency, maxFreeSockets: 256 };
    this.#handler = new NodeHttpHandler({
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      connectionTimeout: 5_000,
      requestTimeout: 60_000,
    });
    this.#credentials = new CredentialResolver({
      credentials: options.credentials,
      profile: options.profile,
      endpoint: options.endpoint,
      roleSessionName: options.roleSessionName ?? 'headroom',
      stsRegion: 'us-east-1',
    });
    for (const access of options.accounts ?? []) this.#access.set(access.accountId, access);
  }

  get endpoint(): string | undefined {
    return this.#options.endpoint ?? process.env.AWS_ENDPOINT_URL;
  }

  /** The Service Quotas client of a target. */
  serviceQuotas(target: Target): ServiceQuotasClient {
    return this.#client('servicequotas', target, (config) => new ServiceQuotasClient(config));
  }

  /** The CloudWatch client of a target. */
  cloudWatch(target: Target): CloudWatchClient {
    return this.#client('monitoring', target, (config) => new CloudWatchClient(config));
  }

  /** The EC2 client of a target (instances, Elastic IPs, EBS volumes and snapshots, regions). */
  ec2(target: Target): EC2Client {
    return this.#client('ec2', target, (config) => new EC2Client(config));
  }

  /** The Elastic Load Balancing v2 client of a target (Application and Network Load Balancers). */
  elbv2(target: Target): ElasticLoadBalancingV2Client {
    return this.#client('elasticloadbalancing', target, (config) => new ElasticLoadBalancingV2Client(config));
  }

  /**
   * The Classic Load Balancer client of a target (ELB API 2012-06-01; it signs as
   * elasticloadbalancing like v2, and is paced and counted apart as `elb`).
   */
  elb(target: Target): ElasticLoadBalancingClient {
    return this.#client('elb', target, (config) => new ElasticLoadBalancingClient(config));
  }

  elastiCache(target: Target): ElastiCacheClient {
    return this.#client('elasticache', target, (config) => new ElastiCacheClient(config));
  }

  eks(target: Target): EKSClient {
    return this.#client('eks', target, (config) => new EKSClient(config));
  }

  sageMaker(target: Target): SageMakerClient {
    return this.#client('sagemaker', target, (config) => new SageMakerClient(config));
  }

  /** The SNS client of a target: the account and region of a topic alerts are published to. */
  sns(target: Target): SNSClient {
    return this.#client('sns', target, (config) => new SNSClient(config));
  }

  /** The Route 53 client of an account (a global service, reached in us-east-1). */
  route53(accountId: string): Route53Client {
    return this.#client(
      'route53',
      { accountId, region: GLOBAL_QUOTA_HOME_REGION },
      (config) => new Route53Client(config),
    );
  }

  /** The CloudFront client of an account (a global service, reached in us-east-1). */
  cloudFront(accountId: string): CloudFrontClient {
    return this.#client(
      'cloudfront',
      { accountId, region: GLOBAL_QUOTA_HOME_REGION },
      (config) => new CloudFrontClient(config),
    );
  }

  /**
   * The Organizations client of an account (the management or a delegated administrator account;
   * Organizations' API lives in us-east-1).
   */
  organizations(accountId: string): OrganizationsClient {
    return this.#client(
      'organizations',
      { accountId, region: GLOBAL_QUOTA_HOME_REGION },
      (config) => new OrganizationsClient(config),
    );
  }

  /**
   * Learns how to reach more accounts (found by the inventory after the session was made). An
   * account the session already knows keeps its way in: the static config wins.
   */
  addAccounts(accounts: readonly AccountAccess[]): void {
    for (const access of accounts) {
      if (!this.#access.has(access.accountId)) this.#access.set(access.accountId, access);
    }
  }

  /** Who the base credentials are: the account used when the config names none. */
  async callerIdentity(): Promise<{ accountId: string; arn: string }> {
    return this.#identity('base', this.#credentials.base, 'the base credentials');
  }

  /** The AWS Support client of an account (Support's API lives in us-east-1). */
  support(accountId: string): SupportClient {
    return this.#client(
      'support',
      { accountId, region: GLOBAL_QUOTA_HOME_REGION },
      (config) => new SupportClient(config),
    );
  }

  /**
   * Reaches an account through a profile the config does not name (a `profile:region` target):
   * asks STS who the profile is, and reads that account with the profile's credentials from now on.
   */
  async accountOfProfile(profile: string): Promise<string> {
    const key = `profile:${profile}`;
    const { accountId } = await this.#identity(
      key,
      this.#credentials.forAccount({ accountId: key, profile }),
      `profile ${profile}`,
    );
    if (!this.#access.has(accountId)) this.#access.set(accountId, { accountId, profile });
    return accountId;
  }

  /** Who an account's credentials are (the role headroom assumed there, or the profile's user). */
  async callerIdentityOf(accountId: string): Promise<{ accountId: string; arn: string }> {
    return this.#identity(accountId, undefined, `account ${accountId}`);
  }

  /**
   * STS GetCallerIdentity with the credentials of `key` (an account id, `base`, or `profile:NAME`),
   * or the ones given; failures name `where`.
   */
  async #identity(
    key: string,
    credentials: AwsCredentialIdentityProvider | undefined,
    where: string,
  ): Promise<{ accountId: string; arn: string }> {
    const sts = this.#client(
      'sts',
      { accountId: key, region: GLOBAL_QUOTA_HOME_REGION },
      (config) => new STSClient(credentials ? { ...config, credentials } : config),
    );
    try {
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      return { accountId: identity.Account ?? '', arn: identity.Arn ?? '' };
    } catch (error) {
      throw toAwsError(error, { action: 'sts:GetCallerIdentity', where, endpoint: this.endpoint });
    }
  }

  #client<C extends AnyClient>(service: string, target: Target, make: (config: ClientConfig) => C): C {
    const key = `${service}|${target.accountId}|${target.region}`;
    const existing = this.#clients.get(key);
    if (existing) return existing as C;
    const access = this.#access.get(target.accountId) ?? { accountId: target.accountId };
    const client = make({
      region: target.region,
      endpoint: this.#options.endpoint,
      credentials: this.#credentials.forAccount(access),
      maxAttempts: this.#options.maxAttempts,
      retryMode: this.#options.retryMode,
      requestHandler: this.#handler,
    });
    // The SDK's own logger middleware walks every response to mask sensitive members before
    // handing it to a logger, even a silent one: with 100 quotas a page that is a measurable share
    // of a sweep's CPU. headroom logs calls itself, without bodies.
    (client as unknown as Instrumentable).middlewareStack.remove('loggerMiddleware');
    this.#instrument(client, service, target);
    this.#clients.set(key, client);
    return client;
  }

  #instrument(client: Instrumentable, service: string, target: Target): void {
    const { logger } = this.#options;
    const pace = this.#options.pace !== false;
    const where = `${target.accountId}:${target.region}`;
    const operationOf = (context: MiddlewareContext) =>
      (context.commandName ?? 'Unknown').replace(/Command$/, '');

    // Per HTTP attempt (after the retry middleware, before signing): pace, cap, count.
    client.middlewareStack.addRelativeTo(
      (next: Next, context: MiddlewareContext) => async (args: HandlerArgs) => {
        const operation = operationOf(context);
        const bucket = this.#limiter.bucket(
          SHARED_RATE_SERVICES.has(service) ? `${where}|${service}` : `${where}|${service}|${operation}`,
          pacedRate(service, operation),
        );
        if (pace) await bucket.take();
        const release = await this.#slots.acquire();
        try {
          const result = await next(args);
          this.stats.attempt(target.accountId, target.region, service, operation, false);
          return result;
        } catch (error) {
          const throttled = isThrottling(error);
          this.stats.attempt(target.accountId, target.region, service, operation, throttled);
          if (throttled) {
            bucket.drain();
            logger.warn(
              { operation, target: where, requestId: requestIdOf(error) },
              `throttled: ${service}:${operation}`,
            );
          }
          throw error;
        } finally {
          release();
        }
      },
      { relation: 'after', toMiddleware: 'retryMiddleware', name: 'headroomPacing' },
    );

    // Per logical call: duration, attempts, request id at debug; the outcome counted.
    client.middlewareStack.add(
      (next: Next, context: MiddlewareContext) => async (args: HandlerArgs) => {
        const operation = operationOf(context);
        const started = performance.now();
        const done = (meta: CallMetadata['$metadata'], error?: unknown) => {
          const durationMs = performance.now() - started;
          const failed = error !== undefined;
          this.stats.call(target.accountId, target.region, service, operation, { durationMs, failed });
          logger.debug(
            {
              operation: `${service}:${operation}`,
              target: where,
              durationMs: Math.round(durationMs),
              attempts: meta?.attempts ?? 1,
              requestId: meta?.requestId,
              error: failed ? errorName(error) : undefined,
            },
            failed ? 'aws call failed' : 'aws call',
          );
        };
        try {
          const result = await next(args);
          done((result.output as CallMetadata).$metadata);
          return result;
        } catch (error) {
          done((error as CallMetadata).$metadata, error);
          throw error;
        }
      },
      { step: 'initialize', name: 'headroomCallLog' },
    );
  }

  /** Closes pooled connections. Clients made by this session must not be used afterwards. */
  close(): void {
    this.#handler.destroy();
    this.#clients.clear();
  }
}
