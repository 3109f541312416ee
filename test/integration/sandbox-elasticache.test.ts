/**
 * The sandbox's ElastiCache DescribeCacheClusters through the real SDK client (pages of 2, every
 * Marker followed, items equal to the seeded clusters), its errors in ElastiCache's words and
 * shape, and checked by both AWS CLIs as independent clients.
 */
import {
  type CacheCluster,
  CacheClusterNotFoundFault,
  DescribeCacheClustersCommand,
  ElastiCacheClient,
  InvalidParameterValueException,
  paginateDescribeCacheClusters,
} from '@aws-sdk/client-elasticache';
import { describe, expect, it } from 'vitest';
import type { ElastiCacheResources } from '../../src/sandbox/services/elasticache/resources.js';
import { AWS_CLIS, awsCliJson, checkAwsCliFirst, runAwsCli } from '../helpers/aws-cli.js';
import {
  clientSettings,
  cliOptions,
  sandboxForTests,
  type SandboxPlace,
  sandboxPlaces,
  sendRaw,
  successCalls,
} from '../helpers/sandbox.js';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];

const sandbox = sandboxForTests({ pageSize: 2, throttle: 'off' }, { throttle: 'off' });

const targets = (): SandboxPlace[] => sandboxPlaces(sandbox, REGIONS);

function seeded(accountId: string, region: string): ElastiCacheResources {
  return sandbox.admin.resources('elasticache', accountId, region) as ElastiCacheResources;
}

function client(index: number, region: string): ElastiCacheClient {
  return new ElastiCacheClient(clientSettings(sandbox, { account: index, region }));
}

const calls = (): number => successCalls(sandbox, 'DescribeCacheClusters');

describe('ElastiCache through the SDK', () => {
  it('DescribeCacheClusters follows every page and lists exactly the seeded clusters and nodes', async () => {
    let seen = 0;
    for (const { index, accountId, region } of targets()) {
      const expected = seeded(accountId, region).clusters;
      const before = calls();
      const got: CacheCluster[] = [];
      for await (const page of paginateDescribeCacheClusters(
        { client: client(index, region) },
        { ShowCacheNodeInfo: true, MaxRecords: 20 },
      )) {
        expect(page.CacheClusters?.length ?? 0).toBeLessThanOrEqual(2);
        got.push(...(page.CacheClusters ?? []));
      }
      expect(calls() - before).toBe(Math.max(1, Math.ceil(expected.length / 2)));
      expect(
        got.map((c) => [
          c.CacheClusterId,
          c.ARN,
          c.Engine,
          c.NumCacheNodes,
          c.ReplicationGroupId,
          c.CacheNodeType,
        ]),
      ).toEqual(
        expected.map((c) => [c.id, c.arn, c.engine, c.nodes.length, c.replicationGroupId, c.nodeType]),
      );
      for (const [i, cluster] of got.entries()) {
        expect(
          cluster.CacheNodes?.map((n) => [n.CacheNodeId, n.Endpoint?.Address, n.Endpoint?.Port]),
        ).toEqual(expected[i]?.nodes.map((n) => [n.id, n.address, n.port]));
        expect(cluster.CacheClusterCreateTime).toBeInstanceOf(Date);
        expect(cluster.CacheParameterGroup?.CacheParameterGroupName).toBe(expected[i]?.parameterGroup);
        expect(cluster.SecurityGroups?.[0]?.Status).toBe('active');
      }
      seen += got.length;
    }
    expect(seen).toBeGreaterThan(10);
  });

  it('leaves the nodes out without ShowCacheNodeInfo, and filters by id and replication group', async () => {
    const { index, accountId, region } = targets().find((t) =>
      seeded(t.accountId, t.region).clusters.some((c) => c.replicationGroupId),
    ) ??
      targets()[0] ?? { index: 0, accountId: '', region: '' };
    const expected = seeded(accountId, region).clusters;
    const first = expected[0];
    if (!first) throw new Error('no cluster');
    const one = await client(index, region).send(
      new DescribeCacheClustersCommand({ CacheClusterId: first.id }),
    );
    expect(one.CacheClusters?.map((c) => [c.CacheClusterId, c.CacheNodes])).toEqual([[first.id, undefined]]);
    const alone: string[] = [];
    for await (const page of paginateDescribeCacheClusters(
      { client: client(index, region) },
      { ShowCacheClustersNotInReplicationGroups: true },
    )) {
      alone.push(...(page.CacheClusters ?? []).map((c) => c.CacheClusterId ?? ''));
    }
    expect(alone).toEqual(expected.filter((c) => c.replicationGroupId === undefined).map((c) => c.id));
  });

  it('answers an unknown cluster, a bad MaxRecords and a bad Marker in ElastiCache’s words', async () => {
    const c = client(0, 'us-east-1');
    const missing = c.send(new DescribeCacheClustersCommand({ CacheClusterId: 'no-such-cluster' }));
    await expect(missing).rejects.toBeInstanceOf(CacheClusterNotFoundFault);
    await expect(missing).rejects.toMatchObject({
      message: 'CacheCluster not found: no-such-cluster',
      $metadata: { httpStatusCode: 404 },
    });
    const small = c.send(new DescribeCacheClustersCommand({ MaxRecords: 5 }));
    await expect(small).rejects.toBeInstanceOf(InvalidParameterValueException);
    await expect(small).rejects.toMatchObject({
      message: 'The parameter MaxRecords must be between 20 and 100.',
    });
    await expect(c.send(new DescribeCacheClustersCommand({ Marker: 'bm9wZQ==' }))).rejects.toBeInstanceOf(
      InvalidParameterValueException,
    );
  });

  it('throttles with ElastiCache’s error: Throttling, 400, "Rate exceeded"', async () => {
    sandbox.admin.configure({ throttle: 'aws' });
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        sendRaw(sandbox, {
          service: 'elasticache',
          region: 'eu-west-1',
          body: 'Action=DescribeCacheClusters&Version=2015-02-02',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      ),
    );
    const throttled = results.filter((r) => r.status !== 200);
    expect(throttled.length).toBeGreaterThan(0);
    for (const reply of throttled) {
      expect(reply.status).toBe(400);
      expect(reply.text).toContain('<Code>Throttling</Code>');
      expect(reply.text).toContain('<Message>Rate exceeded</Message>');
    }
  });
});

describe.each(AWS_CLIS)('$label', (cli) => {
  checkAwsCliFirst(cli);

  const as = (index: number, region: string) => cliOptions(sandbox, index, region);

  it('elasticache describe-cache-clusters --show-cache-node-info matches the seeded clusters', async () => {
    const { index, accountId, region } = targets().find(
      (t) => seeded(t.accountId, t.region).clusters.length > 2,
    ) ??
      targets()[0] ?? { index: 0, accountId: '', region: '' };
    const expected = seeded(accountId, region).clusters;
    const out = await awsCliJson<{
      CacheClusters: {
        CacheClusterId: string;
        Engine: string;
        NumCacheNodes: number;
        CacheNodes: { CacheNodeId: string }[];
        CacheClusterCreateTime: string;
      }[];
    }>(cli, ['elasticache', 'describe-cache-clusters', '--show-cache-node-info'], as(index, region));
    expect(
      out.CacheClusters.map((c) => [
        c.CacheClusterId,
        c.Engine,
        c.NumCacheNodes,
        c.CacheNodes.map((n) => n.CacheNodeId),
        Date.parse(c.CacheClusterCreateTime),
      ]),
    ).toEqual(
      expected.map((c) => [
        c.id,
        c.engine,
        c.nodes.length,
        c.nodes.map((n) => n.id),
        c.createdTime.getTime(),
      ]),
    );
  }, 180_000);

  it('elasticache describe-cache-clusters of an unknown cluster fails with CacheClusterNotFound', async () => {
    const result = await runAwsCli(
      cli,
      ['elasticache', 'describe-cache-clusters', '--cache-cluster-id', 'no-such-cluster'],
      as(0, 'us-east-1'),
    );
    expect(result.code).toBe(cli.serviceErrorExitCode);
    expect(result.stderr).toContain('(CacheClusterNotFound)');
    expect(result.stderr).toContain('CacheCluster not found: no-such-cluster');
  }, 60_000);
});
