/**
 * EC2: running On-Demand instances as vCPUs by instance family (the On-Demand vCPU quotas) and
 * VPC Elastic IPs. Spot instances count against their own quotas and are left out; stopped
 * instances hold no vCPUs. vCPUs are the instance type's default vCPUs, as AWS counts them,
 * from DescribeInstanceTypes for the types in use (one call per 100 types), so no table goes stale.
 */
import {
  DescribeAddressesCommand,
  DescribeInstanceTypesCommand,
  type EC2Client,
  type _InstanceType,
  paginateDescribeInstances,
} from '@aws-sdk/client-ec2';
import type { UsageCount, UsageCounter } from './service.js';

/** The On-Demand vCPU quota of each instance family, by the family's letters. */
const FAMILY_QUOTAS: readonly { quotaCode: string; families: readonly string[]; counts: string }[] = [
  {
    quotaCode: 'L-1216C47A',
    families: ['a', 'c', 'd', 'h', 'i', 'm', 'r', 't', 'z'],
    counts: 'vCPUs of running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances',
  },
  { quotaCode: 'L-74FC7D96', families: ['f'], counts: 'vCPUs of running On-Demand F instances' },
  { quotaCode: 'L-DB2E81BA', families: ['g', 'vt'], counts: 'vCPUs of running On-Demand G and VT instances' },
  { quotaCode: 'L-1945791B', families: ['inf'], counts: 'vCPUs of running On-Demand Inf instances' },
  { quotaCode: 'L-417A185B', families: ['p'], counts: 'vCPUs of running On-Demand P instances' },
  { quotaCode: 'L-7295265B', families: ['x'], counts: 'vCPUs of running On-Demand X instances' },
  { quotaCode: 'L-43DA4232', families: ['u'], counts: 'vCPUs of running On-Demand High Memory instances' },
  { quotaCode: 'L-6E869C2A', families: ['dl'], counts: 'vCPUs of running On-Demand DL instances' },
  { quotaCode: 'L-2C3B7624', families: ['trn'], counts: 'vCPUs of running On-Demand Trn instances' },
  { quotaCode: 'L-F7808C92', families: ['hpc'], counts: 'vCPUs of running On-Demand HPC instances' },
];

const VPC_ELASTIC_IPS = 'L-0263D0A3';

/** Families named by more than one letter; any other family is its first letter. */
const LONG_FAMILIES = ['inf', 'trn', 'hpc', 'dl', 'vt', 'mac'];

/** The family of an instance type: `m5.large` → m, `inf2.xlarge` → inf, `u-6tb1.metal` → u. */
export function instanceFamily(instanceType: string): string {
  const name = instanceType.toLowerCase();
  if (name.startsWith('u-')) return 'u';
  return LONG_FAMILIES.find((f) => new RegExp(`^${f}\\d`).test(name)) ?? name.charAt(0);
}

/** The On-Demand vCPU quota an instance type counts against, or undefined (Mac hosts, unknown). */
export function onDemandQuotaOf(instanceType: string): string | undefined {
  const family = instanceFamily(instanceType);
  return FAMILY_QUOTAS.find((q) => q.families.includes(family))?.quotaCode;
}

/** Default vCPUs of each instance type, 100 types per call. */
async function defaultVcpus(client: EC2Client, types: readonly string[]): Promise<Map<string, number>> {
  const vcpus = new Map<string, number>();
  for (let i = 0; i < types.length; i += 100) {
    const batch = types.slice(i, i + 100);
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new DescribeInstanceTypesCommand({ InstanceTypes: batch as _InstanceType[], NextToken: nextToken }),
      );
      for (const t of page.InstanceTypes ?? []) {
        if (t.InstanceType !== undefined && t.VCpuInfo?.DefaultVCpus !== undefined) {
          vcpus.set(t.InstanceType, t.VCpuInfo.DefaultVCpus);
        }
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
  }
  return vcpus;
}

export const ec2Counter: UsageCounter = {
  serviceCode: 'ec2',
  global: false,
  quotas: [
    ...FAMILY_QUOTAS.map((q) => ({ quotaCode: q.quotaCode, counts: q.counts })),
    { quotaCode: VPC_ELASTIC_IPS, counts: 'Elastic IP addresses allocated for use in VPCs' },
  ],
  iamActions: ['ec2:DescribeInstances', 'ec2:DescribeInstanceTypes', 'ec2:DescribeAddresses'],
  async findUsage({ target, session, quotas }) {
    const client = session.ec2(target);
    const has = new Set(quotas.map((q) => q.quotaCode));
    const counts: UsageCount[] = [];

    if (FAMILY_QUOTAS.some((q) => has.has(q.quotaCode))) {
      const instancesByType = new Map<string, number>();
      const pages = paginateDescribeInstances(
        { client, pageSize: 1000 },
        { Filters: [{ Name: 'instance-state-name', Values: ['pending', 'running'] }] },
      );
      for await (const page of pages) {
        for (const reservation of page.Reservations ?? []) {
          for (const instance of reservation.Instances ?? []) {
            if (instance.InstanceLifecycle === 'spot' || instance.InstanceType === undefined) continue;
            instancesByType.set(instance.InstanceType, (instancesByType.get(instance.InstanceType) ?? 0) + 1);
          }
        }
      }
      const vcpus = await defaultVcpus(client, [...instancesByType.keys()]);
      const byQuota = new Map<string, number>();
      for (const [type, count] of instancesByType) {
        const quotaCode = onDemandQuotaOf(type);
        if (quotaCode === undefined) continue;
        byQuota.set(quotaCode, (byQuota.get(quotaCode) ?? 0) + count * (vcpus.get(type) ?? 0));
      }
      for (const { quotaCode } of FAMILY_QUOTAS) {
        if (has.has(quotaCode)) counts.push({ quotaCode, value: byQuota.get(quotaCode) ?? 0 });
      }
    }

    if (has.has(VPC_ELASTIC_IPS)) {
      // DescribeAddresses is not paginated: one call lists every address.
      const reply = await client.send(
        new DescribeAddressesCommand({ Filters: [{ Name: 'domain', Values: ['vpc'] }] }),
      );
      counts.push({ quotaCode: VPC_ELASTIC_IPS, value: reply.Addresses?.length ?? 0 });
    }
    return counts;
  },
};
