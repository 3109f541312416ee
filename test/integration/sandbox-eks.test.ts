/**
 * The sandbox's EKS (REST-JSON) through the real SDK client: ListClusters, ListNodegroups and
 * ListFargateProfiles in pages of 2 (every nextToken followed, items equal to the seeded
 * resources), DescribeNodegroup for every node group, errors in EKS's shape (code in
 * x-amzn-errortype, lowercase message, ThrottlingException 429), and both AWS CLIs reading it.
 */
import {
  DescribeNodegroupCommand,
  EKSClient,
  InvalidParameterException,
  ListClustersCommand,
  ListNodegroupsCommand,
  ResourceNotFoundException,
  ThrottlingException,
  paginateListClusters,
  paginateListFargateProfiles,
  paginateListNodegroups,
} from '@aws-sdk/client-eks';
import { describe, expect, it } from 'vitest';
import type { EksCluster, EksResources } from '../../src/sandbox/services/eks/resources.js';
import { AWS_CLIS, awsCliJson, checkAwsCliFirst, runAwsCli } from '../helpers/aws-cli.js';
import {
  clientSettings,
  cliOptions,
  sandboxForTests,
  type SandboxPlace,
  sandboxPlaces,
  successCalls,
} from '../helpers/sandbox.js';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];

const sandbox = sandboxForTests({ pageSize: 2, throttle: 'off' }, { throttle: 'off' });

const targets = (): SandboxPlace[] => sandboxPlaces(sandbox, REGIONS);

function seeded(accountId: string, region: string): EksResources {
  return sandbox.admin.resources('eks', accountId, region) as EksResources;
}

/** The first target whose seeded clusters pass the test, with that cluster. */
function findCluster(test: (c: EksCluster) => boolean): SandboxPlace & { cluster: EksCluster } {
  for (const where of targets()) {
    const cluster = seeded(where.accountId, where.region).clusters.find(test);
    if (cluster) return { ...where, cluster };
  }
  throw new Error('no seeded cluster passes the test');
}

function client(index: number, region: string, maxAttempts?: number): EKSClient {
  return new EKSClient(clientSettings(sandbox, { account: index, region, maxAttempts }));
}

const calls = (operation: string): number => successCalls(sandbox, operation);

const pages = (items: number): number => Math.max(1, Math.ceil(items / 2));

describe('EKS through the SDK', () => {
  it('ListClusters follows every page and lists exactly the seeded clusters', async () => {
    let seen = 0;
    for (const { index, accountId, region } of targets()) {
      const expected = seeded(accountId, region).clusters.map((c) => c.name);
      const before = calls('ListClusters');
      const got: string[] = [];
      for await (const page of paginateListClusters({ client: client(index, region) }, {})) {
        expect(page.clusters?.length ?? 0).toBeLessThanOrEqual(2);
        got.push(...(page.clusters ?? []));
      }
      expect(got).toEqual(expected);
      expect(calls('ListClusters') - before).toBe(pages(expected.length));
      seen += got.length;
    }
    expect(seen).toBeGreaterThan(5);
  });

  it('ListNodegroups, DescribeNodegroup and ListFargateProfiles give every seeded node group and profile', async () => {
    let nodegroups = 0;
    let profiles = 0;
    for (const { index, accountId, region } of targets()) {
      const eks = client(index, region);
      for (const cluster of seeded(accountId, region).clusters) {
        const before = calls('ListNodegroups');
        const names: string[] = [];
        for await (const page of paginateListNodegroups({ client: eks }, { clusterName: cluster.name })) {
          expect(page.nodegroups?.length ?? 0).toBeLessThanOrEqual(2);
          names.push(...(page.nodegroups ?? []));
        }
        expect(names).toEqual(cluster.nodegroups.map((n) => n.name));
        expect(calls('ListNodegroups') - before).toBe(pages(names.length));

        for (const expected of cluster.nodegroups) {
          const { nodegroup } = await eks.send(
            new DescribeNodegroupCommand({ clusterName: cluster.name, nodegroupName: expected.name }),
          );
          expect(nodegroup).toMatchObject({
            nodegroupName: expected.name,
            nodegroupArn: expected.arn,
            clusterName: cluster.name,
            version: cluster.version,
            status: expected.status,
            capacityType: expected.capacityType,
            instanceTypes: expected.instanceTypes,
            scalingConfig: {
              minSize: expected.minSize,
              maxSize: expected.maxSize,
              desiredSize: expected.desiredSize,
            },
            createdAt: expected.createdAt,
          });
          expect(nodegroup?.resources?.autoScalingGroups?.length).toBe(1);
          nodegroups++;
        }

        const fargate: string[] = [];
        for await (const page of paginateListFargateProfiles(
          { client: eks },
          { clusterName: cluster.name },
        )) {
          fargate.push(...(page.fargateProfileNames ?? []));
        }
        expect(fargate).toEqual(cluster.fargateProfiles);
        profiles += fargate.length;
      }
    }
    expect(nodegroups).toBeGreaterThan(5);
    expect(profiles).toBeGreaterThan(5);
  });

  it('honours maxResults up to the sandbox’s page cap', async () => {
    const { index, region, cluster } = findCluster((c) => c.nodegroups.length >= 2);
    const one = await client(index, region).send(
      new ListNodegroupsCommand({ clusterName: cluster.name, maxResults: 1 }),
    );
    expect(one.nodegroups).toEqual([cluster.nodegroups[0]?.name]);
    expect(one.nextToken).toBeTypeOf('string');
  });

  it('answers unknown clusters and node groups with ResourceNotFoundException, 404', async () => {
    const { index, region, cluster } = findCluster(() => true);
    const eks = client(index, region);
    const noCluster = eks.send(new ListNodegroupsCommand({ clusterName: 'no-such-cluster' }));
    await expect(noCluster).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(noCluster).rejects.toMatchObject({
      message: 'No cluster found for name: no-such-cluster.',
      clusterName: 'no-such-cluster',
      $metadata: { httpStatusCode: 404 },
    });
    const noGroup = eks.send(
      new DescribeNodegroupCommand({ clusterName: cluster.name, nodegroupName: 'nope' }),
    );
    await expect(noGroup).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(noGroup).rejects.toMatchObject({
      message: 'No node group found for name: nope.',
      nodegroupName: 'nope',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('answers a bad nextToken, a bad maxResults and a bad cluster name with InvalidParameterException, 400', async () => {
    const eks = client(0, 'us-east-1');
    for (const send of [
      () => eks.send(new ListClustersCommand({ nextToken: 'bm90IGEgdG9rZW4=' })),
      () => eks.send(new ListClustersCommand({ maxResults: 0 })),
      () => eks.send(new ListClustersCommand({ maxResults: 101 })),
      () => eks.send(new ListNodegroupsCommand({ clusterName: '-bad.name' })),
    ]) {
      const reply = send();
      await expect(reply).rejects.toBeInstanceOf(InvalidParameterException);
      await expect(reply).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    }
    // A token is only good for the call it came from.
    const { index, region, cluster } = findCluster((c) => c.nodegroups.length > 2);
    const first = await client(index, region).send(new ListNodegroupsCommand({ clusterName: cluster.name }));
    await expect(
      client(index, region).send(new ListClustersCommand({ nextToken: first.nextToken })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('throttles with EKS’s error: ThrottlingException, 429', async () => {
    sandbox.admin.configure({ throttle: 'aws' });
    const eks = client(1, 'eu-west-1', 1);
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, () => eks.send(new ListClustersCommand({}))),
    );
    const throttled = results.filter((r) => r.status === 'rejected');
    expect(throttled.length).toBeGreaterThan(0);
    expect(results.length - throttled.length).toBeGreaterThanOrEqual(10);
    for (const r of throttled) {
      expect(r.reason).toBeInstanceOf(ThrottlingException);
      expect(r.reason).toMatchObject({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
    }
  });
});

/** A CLI timestamp: ISO 8601 (v2) or the wire's epoch seconds (v1, `cli_timestamp_format` none). */
function millis(value: string | number): number {
  return typeof value === 'number' ? value * 1000 : Date.parse(value);
}

describe.each(AWS_CLIS)('$label', (cli) => {
  checkAwsCliFirst(cli);

  const as = (index: number, region: string) => cliOptions(sandbox, index, region);

  it('eks list-clusters and list-nodegroups follow the pages to the seeded names', async () => {
    const { index, accountId, region, cluster } = findCluster((c) => c.nodegroups.length > 2);
    const clusters = await awsCliJson<{ clusters: string[] }>(
      cli,
      ['eks', 'list-clusters'],
      as(index, region),
    );
    expect(clusters.clusters).toEqual(seeded(accountId, region).clusters.map((c) => c.name));
    const groups = await awsCliJson<{ nodegroups: string[] }>(
      cli,
      ['eks', 'list-nodegroups', '--cluster-name', cluster.name],
      as(index, region),
    );
    expect(groups.nodegroups).toEqual(cluster.nodegroups.map((n) => n.name));
  }, 120_000);

  it('eks describe-nodegroup and list-fargate-profiles match the seeded node group and profiles', async () => {
    const { index, region, cluster } = findCluster(
      (c) => c.nodegroups.length > 0 && c.fargateProfiles.length > 0,
    );
    const expected = cluster.nodegroups[0];
    if (!expected) throw new Error('no node group');
    const out = await awsCliJson<{
      nodegroup: {
        nodegroupArn: string;
        status: string;
        scalingConfig: { minSize: number; maxSize: number; desiredSize: number };
        instanceTypes: string[];
        createdAt: string | number;
      };
    }>(
      cli,
      ['eks', 'describe-nodegroup', '--cluster-name', cluster.name, '--nodegroup-name', expected.name],
      as(index, region),
    );
    expect(out.nodegroup).toMatchObject({
      nodegroupArn: expected.arn,
      status: expected.status,
      scalingConfig: {
        minSize: expected.minSize,
        maxSize: expected.maxSize,
        desiredSize: expected.desiredSize,
      },
      instanceTypes: expected.instanceTypes,
    });
    expect(millis(out.nodegroup.createdAt)).toBe(expected.createdAt.getTime());
    const profiles = await awsCliJson<{ fargateProfileNames: string[] }>(
      cli,
      ['eks', 'list-fargate-profiles', '--cluster-name', cluster.name],
      as(index, region),
    );
    expect(profiles.fargateProfileNames).toEqual(cluster.fargateProfiles);
  }, 120_000);

  it('reports ResourceNotFoundException for an unknown cluster', async () => {
    const result = await runAwsCli(
      cli,
      ['eks', 'list-nodegroups', '--cluster-name', 'no-such-cluster'],
      as(0, 'us-east-1'),
    );
    expect(result.code).toBe(cli.serviceErrorExitCode);
    expect(result.stderr).toContain('ResourceNotFoundException');
    expect(result.stderr).toContain('No cluster found for name: no-such-cluster.');
  }, 120_000);
});
