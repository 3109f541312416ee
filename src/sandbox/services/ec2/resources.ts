/**
 * EC2's seeded resources in one account and region: instances, Elastic IPs, EBS volumes and
 * snapshots. Only the regions the accounts use hold any.
 *
 * Instances agree with the vCPU usage CloudWatch reports. The Standard family's usage is a series
 * with trend, seasonality and spikes, so its running instances change with it: a fixed pool in
 * launch order, of which the first ones whose vCPUs add up to the series' value at the minute run
 * (the last topped up with 1-vCPU t2.micro instances). Every other family runs a fixed set, whose
 * vCPUs CloudWatch reports as a flat series.
 */
import { hash32 } from '../../core/random.js';
import { countBetween, type ResourceModel, type ResourceScope } from '../../world/resources.js';

export interface InstanceType {
  readonly name: string;
  readonly vcpus: number;
  readonly memoryMiB: number;
}

/** The instance types the sandbox runs, with AWS's default vCPUs. */
export const INSTANCE_TYPES: readonly InstanceType[] = [
  { name: 't2.micro', vcpus: 1, memoryMiB: 1024 },
  { name: 't3.medium', vcpus: 2, memoryMiB: 4096 },
  { name: 'm5.large', vcpus: 2, memoryMiB: 8192 },
  { name: 'm5.xlarge', vcpus: 4, memoryMiB: 16384 },
  { name: 'c5.2xlarge', vcpus: 8, memoryMiB: 16384 },
  { name: 'r5.xlarge', vcpus: 4, memoryMiB: 32768 },
  { name: 'm6i.4xlarge', vcpus: 16, memoryMiB: 65536 },
  { name: 'g4dn.xlarge', vcpus: 4, memoryMiB: 16384 },
  { name: 'g5.2xlarge', vcpus: 8, memoryMiB: 32768 },
  { name: 'p3.2xlarge', vcpus: 8, memoryMiB: 62464 },
  { name: 'inf1.xlarge', vcpus: 4, memoryMiB: 8192 },
  { name: 'x2idn.16xlarge', vcpus: 64, memoryMiB: 1048576 },
  { name: 'f1.2xlarge', vcpus: 8, memoryMiB: 124928 },
];

export const STANDARD_VCPU_QUOTA = 'L-1216C47A';

/** The On-Demand vCPU quotas other than Standard, and the instance types each family runs here. */
const OTHER_FAMILIES: readonly { quotaCode: string; types: readonly string[] }[] = [
  { quotaCode: 'L-DB2E81BA', types: ['g4dn.xlarge', 'g5.2xlarge'] },
  { quotaCode: 'L-417A185B', types: ['p3.2xlarge'] },
  { quotaCode: 'L-1945791B', types: ['inf1.xlarge'] },
  { quotaCode: 'L-7295265B', types: ['x2idn.16xlarge'] },
  { quotaCode: 'L-74FC7D96', types: ['f1.2xlarge'] },
];

const STANDARD_POOL_TYPES = ['m5.large', 'm5.xlarge', 'c5.2xlarge', 'r5.xlarge', 'm6i.4xlarge', 't3.medium'];

export type InstanceState = 'running' | 'stopped';

export interface Instance {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly state: InstanceState;
  readonly spot: boolean;
  readonly availabilityZone: string;
  readonly launchTime: Date;
}

export interface Address {
  readonly allocationId: string;
  readonly publicIp: string;
  readonly domain: 'vpc' | 'standard';
}

export type VolumeType = 'gp2' | 'gp3' | 'io1' | 'io2' | 'st1' | 'sc1' | 'standard';

export interface Volume {
  readonly volumeId: string;
  readonly volumeType: VolumeType;
  readonly sizeGiB: number;
  readonly iops: number | undefined;
  readonly availabilityZone: string;
  readonly createTime: Date;
}

export interface Snapshot {
  readonly snapshotId: string;
  readonly volumeId: string;
  readonly volumeSize: number;
  readonly storageTier: 'standard' | 'archive';
  readonly startTime: Date;
}

export interface Ec2Resources {
  /** Instances that run (or stay stopped) all the time: every family but Standard, some spot, some stopped. */
  readonly fixed: readonly Instance[];
  /** The Standard family's pool in launch order (see the file comment). */
  readonly standardPool: readonly Instance[];
  readonly addresses: readonly Address[];
  readonly volumes: readonly Volume[];
  readonly snapshots: readonly Snapshot[];
}

/** The storage quota (TiB) of each volume type, and the IOPS quota of the provisioned ones. */
export const VOLUME_QUOTAS: Readonly<Record<VolumeType, { storage: string; iops?: string }>> = {
  gp2: { storage: 'L-D18FCD1D' },
  gp3: { storage: 'L-7A658B76' },
  io1: { storage: 'L-FD252861', iops: 'L-B3A130E6' },
  io2: { storage: 'L-09BD8365', iops: 'L-8D977E7E' },
  st1: { storage: 'L-82ACEF56' },
  sc1: { storage: 'L-17AF77E8' },
  standard: { storage: 'L-9CF3C2EB' },
};

export const SNAPSHOTS_QUOTA = 'L-309BACF6';
export const VPC_ADDRESSES_QUOTA = 'L-0263D0A3';

export function instanceType(name: string): InstanceType | undefined {
  return INSTANCE_TYPES.find((t) => t.name === name);
}

function vcpusOf(instance: Instance): number {
  return instanceType(instance.instanceType)?.vcpus ?? 0;
}

function hexId(prefix: string, scope: ResourceScope, kind: string, index: number): string {
  const a = hash32(scope.seed, scope.account.id, scope.region, kind, index).toString(16).padStart(8, '0');
  const b = hash32(scope.seed, scope.account.id, scope.region, kind, index, 'b')
    .toString(16)
    .padStart(8, '0');
  return `${prefix}-${a}${b.slice(0, 9)}`;
}

const ANCHOR = Date.UTC(2025, 0, 6);

export const ec2Resources: ResourceModel<Ec2Resources> = {
  name: 'ec2',
  generate(scope) {
    if (!scope.active) return { fixed: [], standardPool: [], addresses: [], volumes: [], snapshots: [] };
    const zone = (i: number) => `${scope.region}${'abc'[i % 3] ?? 'a'}`;
    const launched = (kind: string, i: number) =>
      new Date(ANCHOR + Math.floor(scope.unit('launch', kind, i) * 300) * 86_400_000);
    const fixed: Instance[] = [];
    let n = 0;
    const add = (type: string, state: InstanceState, spot: boolean) => {
      fixed.push({
        instanceId: hexId('i', scope, 'fixed', n),
        instanceType: type,
        state,
        spot,
        availabilityZone: zone(n),
        launchTime: launched('fixed', n),
      });
      n++;
    };
    // Other families: vCPUs up to about two thirds of the family's limit.
    for (const family of OTHER_FAMILIES) {
      const limit = scope.limit('ec2', family.quotaCode);
      let budget = Math.floor(limit * 0.7 * scope.unit('family', family.quotaCode));
      for (let i = 0; budget > 0 && i < 40; i++) {
        const type = family.types[i % family.types.length] ?? 'g4dn.xlarge';
        const vcpus = instanceType(type)?.vcpus ?? 4;
        if (vcpus > budget) break;
        add(type, 'running', false);
        budget -= vcpus;
      }
    }
    // Stopped and spot instances, which On-Demand quotas do not count.
    for (let i = 0; i < countBetween(scope, 0, 2, 'stopped'); i++) add('m5.large', 'stopped', false);
    for (let i = 0; i < countBetween(scope, 0, 2, 'spot'); i++) add('c5.2xlarge', 'running', true);

    const standardPool: Instance[] = [];
    const limit = scope.limit('ec2', STANDARD_VCPU_QUOTA);
    let pooled = 0;
    // Enough for 1.3 × the limit (the series may run over it), at most 400 instances.
    for (let i = 0; pooled < limit * 1.3 && i < 400; i++) {
      const type =
        STANDARD_POOL_TYPES[
          hash32(scope.seed, scope.account.id, scope.region, 'pool', i) % STANDARD_POOL_TYPES.length
        ] ?? 'm5.large';
      standardPool.push({
        instanceId: hexId('i', scope, 'pool', i),
        instanceType: type,
        state: 'running',
        spot: false,
        availabilityZone: zone(i),
        launchTime: launched('pool', i),
      });
      pooled += instanceType(type)?.vcpus ?? 2;
    }

    const addressLimit = scope.limit('ec2', VPC_ADDRESSES_QUOTA);
    const addresses: Address[] = [];
    const addressCount = Math.min(addressLimit, countBetween(scope, 0, Math.max(addressLimit, 0), 'eips'));
    for (let i = 0; i < addressCount; i++) {
      addresses.push({
        allocationId: hexId('eipalloc', scope, 'eip', i),
        publicIp: `203.0.${hash32(scope.seed, scope.account.id, scope.region, 'ip') % 200}.${i + 10}`,
        domain: 'vpc',
      });
    }

    const volumes: Volume[] = [];
    const types: VolumeType[] = ['gp3', 'gp2', 'io1', 'io2', 'st1', 'sc1', 'standard'];
    for (const type of types) {
      const count =
        type === 'gp3' ? countBetween(scope, 2, 9, 'vol', type) : countBetween(scope, 0, 3, 'vol', type);
      for (let i = 0; i < count; i++) {
        const sizeGiB =
          type === 'st1' || type === 'sc1'
            ? 500 + countBetween(scope, 0, 1500, 'size', type, String(i))
            : 8 + countBetween(scope, 0, 1992, 'size', type, String(i));
        volumes.push({
          volumeId: hexId('vol', scope, `vol-${type}`, i),
          volumeType: type,
          sizeGiB,
          iops:
            type === 'io1' || type === 'io2'
              ? 1000 * countBetween(scope, 1, 16, 'iops', type, String(i))
              : type === 'gp3'
                ? 3000
                : undefined,
          availabilityZone: zone(i),
          createTime: launched(`vol-${type}`, i),
        });
      }
    }

    const snapshots: Snapshot[] = [];
    const snapshotCount = countBetween(scope, 0, 30, 'snapshots');
    for (let i = 0; i < snapshotCount; i++) {
      const volume = volumes[i % Math.max(volumes.length, 1)];
      snapshots.push({
        snapshotId: hexId('snap', scope, 'snap', i),
        volumeId: volume?.volumeId ?? 'vol-ffffffff',
        volumeSize: volume?.sizeGiB ?? 8,
        storageTier: scope.unit('tier', i) < 0.3 ? 'archive' : 'standard',
        startTime: launched('snap', i),
      });
    }
    return { fixed, standardPool, addresses, volumes, snapshots };
  },
  usage(resources) {
    const usage = new Map<string, number>();
    for (const family of OTHER_FAMILIES) {
      const vcpus = resources.fixed
        .filter((i) => i.state === 'running' && !i.spot && family.types.includes(i.instanceType))
        .reduce((sum, i) => sum + vcpusOf(i), 0);
      usage.set(`ec2/${family.quotaCode}`, vcpus);
    }
    usage.set(`ebs/${SNAPSHOTS_QUOTA}`, resources.snapshots.length);
    return usage;
  },
};

/**
 * The instances of the resources at a moment, given the Standard family's vCPUs then (the usage
 * series' value at that minute): the fixed ones, and the pool's first instances that add up to
 * it, topped up with 1-vCPU t2.micro instances.
 */
export function instancesAt(
  resources: Ec2Resources,
  standardVcpus: number,
  scope: { seed: number; account: string; region: string },
): Instance[] {
  const running: Instance[] = [...resources.fixed];
  let left = Math.max(0, Math.round(standardVcpus));
  for (const instance of resources.standardPool) {
    const vcpus = vcpusOf(instance);
    if (vcpus > left) break;
    running.push(instance);
    left -= vcpus;
  }
  for (let i = 0; i < left; i++) {
    const a = hash32(scope.seed, scope.account, scope.region, 'micro', i).toString(16).padStart(8, '0');
    running.push({
      instanceId: `i-0${a}${i.toString(16).padStart(8, '0')}`,
      instanceType: 't2.micro',
      state: 'running',
      spot: false,
      availabilityZone: `${scope.region}a`,
      launchTime: new Date(ANCHOR),
    });
  }
  return running;
}
