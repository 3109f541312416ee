/**
 * ElastiCache (`elasticache`, query protocol 2015-02-02): DescribeCacheClusters over the seeded
 * clusters (./resources.ts), in pages of MaxRecords (20-100, default 100) with an opaque Marker;
 * CacheNodes only with ShowCacheNodeInfo, as AWS does. Lists are written with the member names of
 * the model (<CacheCluster>, <CacheNode>…).
 *
 * ElastiCache publishes no API rate: 10 requests per second with a burst of 10 is assumed, the
 * same figure headroom paces itself to.
 */
import { AwsError, queryDialect, rateExceeded } from '../../core/errors.js';
import { paginate } from '../../core/pagination.js';
import type { Handler, ServiceDefinition } from '../../core/service.js';
import { boolean, integer, string, structure } from '../../core/shapes.js';
import { xmlList } from '../../core/xml.js';
import { type CacheCluster, elastiCacheResources } from './resources.js';

const DEFAULT_MAX_RECORDS = 100;

const invalidParameterValue = (message: string): AwsError =>
  new AwsError('InvalidParameterValue', message, 400, { messageKey: 'message' });

const elastiCacheDialect = {
  ...queryDialect({
    throttling: rateExceeded,
    internalFailure: () =>
      new AwsError('InternalFailure', 'An internal error occurred.', 500, { messageKey: 'message' }),
  }),
  // ElastiCache answers malformed parameters with InvalidParameterValue, not ValidationError.
  validation: invalidParameterValue,
};

function clusterXml(cluster: CacheCluster, showNodes: boolean): Record<string, unknown> {
  return {
    CacheClusterId: cluster.id,
    ConfigurationEndpoint: cluster.configurationEndpoint && {
      Address: cluster.configurationEndpoint.address,
      Port: cluster.configurationEndpoint.port,
    },
    ClientDownloadLandingPage: 'https://console.aws.amazon.com/elasticache/home#client-download:',
    CacheNodeType: cluster.nodeType,
    Engine: cluster.engine,
    EngineVersion: cluster.engineVersion,
    CacheClusterStatus: 'available',
    NumCacheNodes: cluster.nodes.length,
    PreferredAvailabilityZone: cluster.preferredAvailabilityZone,
    CacheClusterCreateTime: cluster.createdTime,
    PreferredMaintenanceWindow: 'sun:05:00-sun:06:00',
    PendingModifiedValues: {},
    CacheSecurityGroups: xmlList('CacheSecurityGroup', []),
    CacheParameterGroup: {
      CacheParameterGroupName: cluster.parameterGroup,
      ParameterApplyStatus: 'in-sync',
      CacheNodeIdsToReboot: xmlList('CacheNodeId', []),
    },
    CacheSubnetGroupName: cluster.subnetGroup,
    CacheNodes: showNodes
      ? xmlList(
          'CacheNode',
          cluster.nodes.map((node) => ({
            CacheNodeId: node.id,
            CacheNodeStatus: 'available',
            CacheNodeCreateTime: node.createdTime,
            Endpoint: { Address: node.address, Port: node.port },
            ParameterGroupStatus: 'in-sync',
            CustomerAvailabilityZone: node.availabilityZone,
          })),
        )
      : undefined,
    AutoMinorVersionUpgrade: true,
    SecurityGroups: [{ SecurityGroupId: cluster.securityGroupId, Status: 'active' }],
    ReplicationGroupId: cluster.replicationGroupId,
    SnapshotRetentionLimit: cluster.engine === 'redis' ? 1 : undefined,
    SnapshotWindow: cluster.engine === 'redis' ? '03:00-04:00' : undefined,
    AuthTokenEnabled: false,
    TransitEncryptionEnabled: false,
    AtRestEncryptionEnabled: false,
    ARN: cluster.arn,
    ReplicationGroupLogDeliveryEnabled: false,
    NetworkType: 'ipv4',
    IpDiscovery: 'ipv4',
  };
}

const describeCacheClusters: Handler = (ctx, input) => {
  const clusterId = input.CacheClusterId as string | undefined;
  const maxRecords = input.MaxRecords as number | undefined;
  if (maxRecords !== undefined && (maxRecords < 20 || maxRecords > 100)) {
    throw invalidParameterValue('The parameter MaxRecords must be between 20 and 100.');
  }
  let clusters = ctx.world.resources.of(elastiCacheResources, ctx.account, ctx.region).clusters;
  if (clusterId !== undefined) {
    clusters = clusters.filter((c) => c.id === clusterId);
    if (clusters.length === 0) {
      throw new AwsError('CacheClusterNotFound', `CacheCluster not found: ${clusterId}`, 404, {
        messageKey: 'message',
      });
    }
  }
  if (input.ShowCacheClustersNotInReplicationGroups === true) {
    clusters = clusters.filter((c) => c.replicationGroupId === undefined);
  }
  const showNodes = input.ShowCacheNodeInfo === true;
  const result = paginate(clusters, {
    tokens: ctx.pageTokens,
    scope: [
      ctx.operation,
      ctx.account.id,
      ctx.region,
      clusterId ?? '',
      String(input.ShowCacheClustersNotInReplicationGroups === true),
    ].join('|'),
    nextToken: input.Marker as string | undefined,
    maxResults: maxRecords,
    defaultSize: DEFAULT_MAX_RECORDS,
    cap: ctx.pageSize,
    invalidToken: () => invalidParameterValue('Invalid marker: the marker is not one this service gave.'),
  });
  return {
    Marker: result.nextToken,
    CacheClusters: xmlList(
      'CacheCluster',
      result.items.map((c) => clusterXml(c, showNodes)),
    ),
  };
};

export const elastiCache: ServiceDefinition = {
  signingName: 'elasticache',
  query: { apiVersion: '2015-02-02', xmlNamespace: 'http://elasticache.amazonaws.com/doc/2015-02-02/' },
  dialect: elastiCacheDialect,
  operations: {
    DescribeCacheClusters: {
      input: structure({
        CacheClusterId: string(),
        MaxRecords: integer(),
        Marker: string(),
        ShowCacheNodeInfo: boolean(),
        ShowCacheClustersNotInReplicationGroups: boolean(),
      }),
      handler: describeCacheClusters,
      rate: { perSecond: 10, burst: 10 },
      resourceMember: 'CacheClusterId',
    },
  },
};
