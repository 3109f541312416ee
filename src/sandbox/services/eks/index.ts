/**
 * Amazon EKS (`eks`, REST-JSON 2017-11-01): ListClusters, ListNodegroups, DescribeNodegroup and
 * ListFargateProfiles over the seeded clusters (resources.ts), as the usage counter calls them.
 * Members are lowerCamelCase and errors carry a lowercase `message`; the code travels in
 * `x-amzn-errortype`. EKS publishes no API rate: 10 requests per second with a burst of 10 is
 * assumed (what headroom's client paces at).
 */
import { AwsError, type ErrorDialect } from '../../core/errors.js';
import { paginate } from '../../core/pagination.js';
import type { Handler, RequestContext, ServiceDefinition } from '../../core/service.js';
import { integer, string, structure } from '../../core/shapes.js';
import { type EksCluster, type EksNodegroup, eksResources } from './resources.js';

const message = { messageKey: 'message' } as const;

const invalidParameter = (text: string, extra: Record<string, string> = {}): AwsError =>
  new AwsError('InvalidParameterException', text, 400, { ...message, extra });

const eksDialect: ErrorDialect = {
  validation: (text) => invalidParameter(text),
  serialization: (text) => new AwsError('BadRequestException', text, 400, message),
  // The model's ThrottlingException is HTTP 429.
  throttling: () => new AwsError('ThrottlingException', 'Rate exceeded', 429, message),
  accessDenied: (text) => new AwsError('AccessDeniedException', text, 403, message),
  internalFailure: () => new AwsError('ServerException', 'An internal error occurred.', 500, message),
  serviceUnavailable: () =>
    new AwsError('ServiceUnavailableException', 'Service is unavailable, please retry.', 503, message),
};

/** What EKS accepts as a cluster name (the message is the one EKS answers with). */
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]*$/;

function cluster(ctx: RequestContext, name: string): EksCluster {
  if (!CLUSTER_NAME.test(name)) {
    throw invalidParameter(
      'The clusterName parameter contains invalid characters. It should conform to the regular ' +
        'expression "^[0-9A-Za-z][A-Za-z0-9-_]*"In other words, it should start with a number or ' +
        'letter, and can contain numbers, letters, dashes, and underscores.',
      { clusterName: name },
    );
  }
  const found = ctx.world.resources
    .of(eksResources, ctx.account, ctx.region)
    .clusters.find((c) => c.name === name);
  if (!found) {
    throw new AwsError('ResourceNotFoundException', `No cluster found for name: ${name}.`, 404, {
      ...message,
      extra: { clusterName: name },
    });
  }
  return found;
}

function page<T>(ctx: RequestContext, input: Record<string, unknown>, scope: string, items: readonly T[]) {
  return paginate(items, {
    tokens: ctx.pageTokens,
    scope: `${ctx.operation}|${ctx.account.id}|${ctx.region}|${scope}`,
    nextToken: input.nextToken as string | undefined,
    maxResults: input.maxResults as number | undefined,
    // EKS's default (and largest) page is 100.
    defaultSize: 100,
    cap: ctx.pageSize,
    invalidToken: () => invalidParameter('The nextToken parameter is invalid.'),
  });
}

const listClusters: Handler = (ctx, input) => {
  const { clusters } = ctx.world.resources.of(eksResources, ctx.account, ctx.region);
  const result = page(
    ctx,
    input,
    '',
    clusters.map((c) => c.name),
  );
  return { clusters: result.items, nextToken: result.nextToken };
};

const listNodegroups: Handler = (ctx, input) => {
  const found = cluster(ctx, input.clusterName as string);
  const result = page(
    ctx,
    input,
    found.name,
    found.nodegroups.map((n) => n.name),
  );
  return { nodegroups: result.items, nextToken: result.nextToken };
};

const listFargateProfiles: Handler = (ctx, input) => {
  const found = cluster(ctx, input.clusterName as string);
  const result = page(ctx, input, found.name, found.fargateProfiles);
  return { fargateProfileNames: result.items, nextToken: result.nextToken };
};

function nodegroupOutput(ctx: RequestContext, c: EksCluster, n: EksNodegroup) {
  const id = n.arn.slice(n.arn.lastIndexOf('/') + 1);
  const asg = `eks-${n.name}-${id}`;
  return {
    nodegroupName: n.name,
    nodegroupArn: n.arn,
    clusterName: c.name,
    version: c.version,
    releaseVersion: `${c.version}.0-20241024`,
    createdAt: n.createdAt,
    modifiedAt: n.createdAt,
    status: n.status,
    capacityType: n.capacityType,
    scalingConfig: { minSize: n.minSize, maxSize: n.maxSize, desiredSize: n.desiredSize },
    instanceTypes: n.instanceTypes,
    subnets: [`subnet-0${id.slice(0, 16)}`, `subnet-0${id.slice(16, 32)}`],
    amiType: 'AL2023_x86_64_STANDARD',
    nodeRole: `arn:aws:iam::${ctx.account.id}:role/eks-node-${c.name}`,
    labels: {},
    resources: { autoScalingGroups: [{ name: asg }] },
    diskSize: 20,
    health: {
      issues:
        n.status === 'DEGRADED'
          ? [
              {
                code: 'AsgInstanceLaunchFailures',
                message: 'Instance launch failures in the Auto Scaling group.',
                resourceIds: [asg],
              },
            ]
          : [],
    },
    updateConfig: { maxUnavailable: 1 },
    tags: {},
  };
}

const describeNodegroup: Handler = (ctx, input) => {
  const c = cluster(ctx, input.clusterName as string);
  const name = input.nodegroupName as string;
  const n = c.nodegroups.find((g) => g.name === name);
  if (!n) {
    throw new AwsError('ResourceNotFoundException', `No node group found for name: ${name}.`, 404, {
      ...message,
      extra: { clusterName: c.name, nodegroupName: name },
    });
  }
  return { nodegroup: nodegroupOutput(ctx, c, n) };
};

const rate = { perSecond: 10, burst: 10 };
const pageInput = { maxResults: integer({ min: 1, max: 100 }), nextToken: string() };
const pageQuery = { maxResults: 'maxResults', nextToken: 'nextToken' };

export const eks: ServiceDefinition = {
  signingName: 'eks',
  rest: { kind: 'json' },
  dialect: eksDialect,
  operations: {
    ListClusters: {
      input: structure(pageInput),
      handler: listClusters,
      rate,
      http: { method: 'GET', path: '/clusters', query: pageQuery },
    },
    ListNodegroups: {
      input: structure({ clusterName: string(), ...pageInput }, ['clusterName']),
      handler: listNodegroups,
      rate,
      http: { method: 'GET', path: '/clusters/{clusterName}/node-groups', query: pageQuery },
    },
    DescribeNodegroup: {
      input: structure({ clusterName: string(), nodegroupName: string() }, ['clusterName', 'nodegroupName']),
      handler: describeNodegroup,
      rate,
      http: { method: 'GET', path: '/clusters/{clusterName}/node-groups/{nodegroupName}' },
    },
    ListFargateProfiles: {
      input: structure({ clusterName: string(), ...pageInput }, ['clusterName']),
      handler: listFargateProfiles,
      rate,
      http: { method: 'GET', path: '/clusters/{clusterName}/fargate-profiles', query: pageQuery },
    },
  },
};
