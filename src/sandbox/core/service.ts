/**
 * How a service plugs into the sandbox: its signing name, the protocols it speaks, its error
 * dialect, and its operations (input shape, handler, AWS's request rate for it).
 */
import type { Account } from '../world/accounts.js';
import type { Caller } from '../world/credentials.js';
import type { World } from '../world/world.js';
import type { ErrorDialect } from './errors.js';
import type { PageTokens } from './pagination.js';
import type { Input, StructureShape } from './shapes.js';

/** A token bucket: `perSecond` sustained, plus `burst` extra requests at once (capacity = perSecond + burst). */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

export interface RequestContext {
  readonly world: World;
  readonly caller: Caller;
  readonly account: Account;
  readonly region: string;
  readonly requestId: string;
  /** The sandbox clock when the request arrived (epoch ms). */
  readonly now: number;
  /** The sandbox's page-size cap, if set. */
  readonly pageSize: number | undefined;
  readonly pageTokens: PageTokens;
  readonly operation: string;
}

export type Handler = (ctx: RequestContext, input: Input) => unknown;

/**
 * Where a REST operation lives: its method and path (`/clusters/{name}/node-groups`, labels bound
 * to the input members of the same name), and the query-string parameters it reads (wire name →
 * input member, e.g. `maxitems` → `MaxItems`).
 */
export interface HttpBinding {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
}

export interface OperationDefinition {
  readonly input: StructureShape;
  readonly handler: Handler;
  readonly rate: RateLimit | ((ctx: RequestContext) => RateLimit);
  /** The input member naming the resource an access denial names (`on resource: …`), e.g. RoleArn. */
  readonly resourceMember?: string;
  /** REST protocols: where the operation lives. */
  readonly http?: HttpBinding;
  /** REST-XML: the document element of the reply (`ListHostedZonesResponse`, `DistributionList`). */
  readonly xmlRoot?: string;
}

export interface JsonProtocol {
  readonly version: '1.0' | '1.1';
  readonly targetPrefix: string;
  /** CloudWatch: also sends the query-protocol error code in `x-amzn-query-error`. */
  readonly queryCompatible: boolean;
}

export interface QueryProtocol {
  readonly apiVersion: string;
  readonly xmlNamespace: string;
}

/** REST-JSON (EKS) or REST-XML (Route 53, CloudFront); operations carry their `http` binding. */
export interface RestProtocol {
  readonly kind: 'json' | 'xml';
  /** REST-XML: the namespace of replies and errors. */
  readonly xmlNamespace?: string;
}

export interface ServiceDefinition {
  /**
   * The SigV4 signing name, which is also how requests are routed: `servicequotas`, `monitoring`.
   * Two query services may share one (ELB's classic and v2 APIs); the form's Version tells them apart.
   */
  readonly signingName: string;
  /** The IAM action prefix, when it is not the signing name (CloudWatch: `cloudwatch`). */
  readonly actionPrefix?: string;
  readonly json?: JsonProtocol;
  readonly query?: QueryProtocol;
  /** EC2's query dialect: flat lists in, no Result wrapper out, its own error document. */
  readonly ec2?: QueryProtocol;
  readonly rest?: RestProtocol;
  readonly dialect: ErrorDialect;
  readonly operations: Readonly<Record<string, OperationDefinition>>;
  /** One rate budget per account and region for every operation (Route 53), not one per operation. */
  readonly sharedRate?: boolean;
}
