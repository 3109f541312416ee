/**
 * The sandbox's EC2 describe calls through the real SDK client (pages of 2, every NextToken
 * followed, items equal to the seeded resources), its errors in EC2's <Response><Errors> shape,
 * and checked by both AWS CLIs as independent clients. The wall clock is held still, so the
 * instances (which follow the Standard vCPU usage series minute by minute) hold still too.
 */
import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeRegionsCommand,
  DescribeVolumesCommand,
  EC2Client,
  type Instance as SdkInstance,
  paginateDescribeInstances,
  paginateDescribeSnapshots,
  paginateDescribeVolumes,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import type { Ec2Resources } from '../../src/sandbox/services/ec2/resources.js';
import { AWS_CLIS, awsCliJson, checkAwsCliFirst, runAwsCli } from '../helpers/aws-cli.js';
import { clientSettings, cliOptions, sandboxForTests, successCalls } from '../helpers/sandbox.js';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const frozen = Date.now();

const sandbox = sandboxForTests({ pageSize: 2, throttle: 'off', wallClock: () => frozen });

function client(index: number, region: string): EC2Client {
  return new EC2Client(clientSettings(sandbox, { account: index, region }));
}

function seeded(accountId: string, region: string): Ec2Resources {
  return sandbox.admin.resources('ec2', accountId, region) as Ec2Resources;
}

const accountId = (index: number): string => sandbox.admin.accounts()[index]?.id ?? '';
const calls = (operation: string): number => successCalls(sandbox, operation);

describe('EC2 through the SDK', () => {
  it('DescribeRegions lists the enabled regions, and the opt-in ones with AllRegions', async () => {
    const ec2 = client(0, 'us-east-1');
    const enabled = await ec2.send(new DescribeRegionsCommand({}));
    const all = await ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
    const names = (enabled.Regions ?? []).map((r) => r.RegionName);
    expect(names).toEqual(expect.arrayContaining(REGIONS));
    expect(names).not.toContain('af-south-1');
    expect(new Set((enabled.Regions ?? []).map((r) => r.OptInStatus))).toEqual(
      new Set(['opt-in-not-required']),
    );
    expect((all.Regions ?? []).find((r) => r.RegionName === 'af-south-1')?.OptInStatus).toBe('not-opted-in');
    expect(all.Regions?.length).toBeGreaterThan(names.length);
    const error = await ec2
      .send(new DescribeRegionsCommand({ RegionNames: ['us-foo-9'] }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidParameterValue', message: 'Invalid region: us-foo-9' });
  });

  it('DescribeInstances follows every page and lists the instances running now, in every target', async () => {
    for (const [index] of sandbox.admin.accounts().entries()) {
      for (const region of REGIONS) {
        const before = calls('DescribeInstances');
        const listed: SdkInstance[] = [];
        for await (const page of paginateDescribeInstances(
          { client: client(index, region), pageSize: 5 },
          {},
        )) {
          for (const reservation of page.Reservations ?? []) listed.push(...(reservation.Instances ?? []));
        }
        const expected = sandbox.admin.instancesNow(accountId(index), region);
        expect(listed.map((i) => [i.InstanceId, i.InstanceType, i.State?.Name, i.InstanceLifecycle])).toEqual(
          expected.map((i) => [i.instanceId, i.instanceType, i.state, i.spot ? 'spot' : undefined]),
        );
        expect(calls('DescribeInstances') - before).toBe(Math.max(1, Math.ceil(expected.length / 2)));
      }
    }
  });

  it('filters instances by state, and refuses instance ids with MaxResults and unknown filters', async () => {
    const ec2 = client(0, 'us-east-1');
    const running: SdkInstance[] = [];
    for await (const page of paginateDescribeInstances(
      { client: ec2 },
      { Filters: [{ Name: 'instance-state-name', Values: ['stopped'] }] },
    )) {
      for (const reservation of page.Reservations ?? []) running.push(...(reservation.Instances ?? []));
    }
    const stopped = sandbox.admin
      .instancesNow(accountId(0), 'us-east-1')
      .filter((i) => i.state === 'stopped');
    expect(running.map((i) => i.InstanceId)).toEqual(stopped.map((i) => i.instanceId));
    const both = await ec2
      .send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'], MaxResults: 5 }))
      .catch((e: unknown) => e);
    expect(both).toMatchObject({ name: 'InvalidParameterCombination', $metadata: { httpStatusCode: 400 } });
    const filter = await ec2
      .send(new DescribeInstancesCommand({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] }))
      .catch((e: unknown) => e);
    expect(filter).toMatchObject({
      name: 'InvalidParameterValue',
      message: "The filter 'no-such-filter' is invalid",
    });
    const token = await ec2
      .send(new DescribeInstancesCommand({ NextToken: 'not-a-token' }))
      .catch((e: unknown) => e);
    expect(token).toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('DescribeInstanceTypes gives the default vCPUs, and names unknown types', async () => {
    const ec2 = client(0, 'us-east-1');
    const reply = await ec2.send(
      new DescribeInstanceTypesCommand({ InstanceTypes: ['m5.xlarge', 't2.micro'] }),
    );
    expect(
      Object.fromEntries((reply.InstanceTypes ?? []).map((t) => [t.InstanceType, t.VCpuInfo?.DefaultVCpus])),
    ).toEqual({ 'm5.xlarge': 4, 't2.micro': 1 });
    const error = await ec2
      .send(new DescribeInstanceTypesCommand({ InstanceTypes: ['zz9.huge' as 'm5.large'] }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidInstanceType', $metadata: { httpStatusCode: 400 } });
  });

  it('DescribeAddresses, DescribeVolumes and DescribeSnapshots list exactly the seeded resources', async () => {
    for (const [index] of sandbox.admin.accounts().entries()) {
      for (const region of REGIONS) {
        const ec2 = client(index, region);
        const resources = seeded(accountId(index), region);
        const addresses = await ec2.send(new DescribeAddressesCommand({}));
        expect((addresses.Addresses ?? []).map((a) => [a.AllocationId, a.Domain])).toEqual(
          resources.addresses.map((a) => [a.allocationId, a.domain]),
        );
        const volumes: [string | undefined, string | undefined, number | undefined][] = [];
        for await (const page of paginateDescribeVolumes({ client: ec2, pageSize: 5 }, {})) {
          volumes.push(
            ...(page.Volumes ?? []).map(
              (v) =>
                [v.VolumeId, v.VolumeType, v.Size] as [
                  string | undefined,
                  string | undefined,
                  number | undefined,
                ],
            ),
          );
        }
        expect(volumes).toEqual(resources.volumes.map((v) => [v.volumeId, v.volumeType, v.sizeGiB]));
        const snapshots: [string | undefined, string | undefined][] = [];
        for await (const page of paginateDescribeSnapshots(
          { client: ec2, pageSize: 5 },
          { OwnerIds: ['self'] },
        )) {
          snapshots.push(
            ...(page.Snapshots ?? []).map(
              (s) => [s.SnapshotId, s.StorageTier] as [string | undefined, string | undefined],
            ),
          );
        }
        expect(snapshots).toEqual(resources.snapshots.map((s) => [s.snapshotId, s.storageTier]));
      }
    }
    // Regions the accounts do not use hold nothing.
    const idle = client(0, 'ap-south-1');
    expect((await idle.send(new DescribeAddressesCommand({}))).Addresses).toEqual([]);
  });

  it('answers a denied call with UnauthorizedOperation, 403, naming the action', async () => {
    sandbox.admin.configure({ denials: [{ operation: 'DescribeVolumes' }] });
    try {
      const ec2 = client(0, 'us-east-1');
      await expect(ec2.send(new DescribeAddressesCommand({}))).resolves.toBeDefined();
      const error = await ec2.send(new DescribeVolumesCommand({})).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } });
      expect((error as Error).message).toContain('ec2:DescribeVolumes');
    } finally {
      sandbox.admin.configure({ denials: [] });
    }
  });
});

describe.each(AWS_CLIS)('$label', (cli) => {
  checkAwsCliFirst(cli);

  const as = (index: number, region: string) => cliOptions(sandbox, index, region);

  it('ec2 describe-instances and describe-volumes match the seeded resources', async () => {
    const instances = await awsCliJson<{
      Reservations: { Instances: { InstanceId: string; InstanceType: string }[] }[];
    }>(cli, ['ec2', 'describe-instances'], as(1, 'eu-west-1'));
    expect(
      instances.Reservations.flatMap((r) => r.Instances.map((i) => [i.InstanceId, i.InstanceType])),
    ).toEqual(
      sandbox.admin.instancesNow(accountId(1), 'eu-west-1').map((i) => [i.instanceId, i.instanceType]),
    );
    const volumes = await awsCliJson<{ Volumes: { VolumeId: string; Size: number; VolumeType: string }[] }>(
      cli,
      ['ec2', 'describe-volumes'],
      as(1, 'eu-west-1'),
    );
    expect(volumes.Volumes.map((v) => [v.VolumeId, v.VolumeType, v.Size])).toEqual(
      seeded(accountId(1), 'eu-west-1').volumes.map((v) => [v.volumeId, v.volumeType, v.sizeGiB]),
    );
  }, 180_000);

  it('ec2 describe-regions lists the enabled regions; an unknown instance type fails with its code', async () => {
    const regions = await awsCliJson<{ Regions: { RegionName: string }[] }>(
      cli,
      ['ec2', 'describe-regions'],
      as(0, 'us-east-1'),
    );
    expect(regions.Regions.map((r) => r.RegionName)).toEqual(expect.arrayContaining(REGIONS));
    const result = await runAwsCli(
      cli,
      ['ec2', 'describe-instance-types', '--instance-types', 'zz9.huge'],
      as(0, 'us-east-1'),
    );
    expect(result.code).toBe(cli.serviceErrorExitCode);
    expect(result.stderr).toContain('(InvalidInstanceType)');
  }, 60_000);
});
