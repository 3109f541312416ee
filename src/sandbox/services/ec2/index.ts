/**
 * EC2 (`ec2`, EC2's query protocol 2016-11-15): the describe calls of the usage counters and of
 * region discovery: DescribeRegions, DescribeInstances, DescribeInstanceTypes, DescribeAddresses,
 * DescribeVolumes, DescribeSnapshots. Lists are flat in requests (`Filter.1.Value.1`) and `item`
 * elements in replies; errors are EC2's `<Response><Errors>` document. EC2 throttles non-mutating
 * actions with a bucket of 100 refilled at 20 per second (EC2 API throttling docs), answering
 * RequestLimitExceeded (503).
 */
import { AwsError, type ErrorDialect } from '../../core/errors.js';
import type { PageTokens } from '../../core/pagination.js';
import type { Handler, RequestContext, ServiceDefinition } from '../../core/service.js';
import { boolean, integer, list, string, structure } from '../../core/shapes.js';
import { xmlList } from '../../core/xml.js';
import { minuteValue } from '../../world/usage.js';
import {
  type Ec2Resources,
  ec2Resources,
  type Instance,
  INSTANCE_TYPES,
  instancesAt,
  STANDARD_VCPU_QUOTA,
} from './resources.js';
import type { Account } from '../../world/accounts.js';
import type { World } from '../../world/world.js';

const MINUTE = 60_000;

const ec2Error = (code: string, message: string, status = 400): AwsError =>
  new AwsError(code, message, status, { messageKey: 'message' });

export const ec2Dialect: ErrorDialect = {
  validation: (message) => ec2Error('InvalidParameterValue', message),
  serialization: (message) => ec2Error('InvalidParameterValue', message),
  throttling: () => ec2Error('RequestLimitExceeded', 'Request limit exceeded.', 503),
  accessDenied: (message) =>
    ec2Error('UnauthorizedOperation', `You are not authorized to perform this operation. ${message}`, 403),
  internalFailure: () =>
    ec2Error('InternalError', 'An internal error has occurred. Please try again later.', 500),
  serviceUnavailable: () =>
    ec2Error('Unavailable', 'The server is overloaded and cannot handle the request.', 503),
};

const NON_MUTATING = { perSecond: 20, burst: 80 };

/** Regions every account has, and the opt-in ones it has not opted in to (DescribeRegions AllRegions). */
const ENABLED_REGIONS = [
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];
const OPT_IN_REGIONS = [
  'af-south-1',
  'ap-east-1',
  'eu-south-1',
  'me-south-1',
  'ap-southeast-3',
  'il-central-1',
];

/** Whether a region exists for EC2 (enabled or not). */
export function regionExists(region: string): boolean {
  return ENABLED_REGIONS.includes(region) || OPT_IN_REGIONS.includes(region);
}

const filter = structure({ Name: string(), Value: list(string()) });

interface Filter {
  Name?: string;
  Value?: string[];
}

/** Values of a named filter, or undefined when the request does not filter on it. */
function filterValues(input: Record<string, unknown>, name: string): string[] | undefined {
  const filters = (input.Filter as Filter[] | undefined) ?? [];
  const found = filters.filter((f) => f.Name === name);
  if (found.length === 0) return undefined;
  return found.flatMap((f) => f.Value ?? []);
}

const KNOWN_FILTERS: Readonly<Record<string, readonly string[]>> = {
  DescribeRegions: ['region-name', 'opt-in-status', 'endpoint'],
  DescribeInstances: ['instance-state-name', 'instance-type', 'instance-lifecycle', 'availability-zone'],
  DescribeAddresses: ['domain', 'allocation-id', 'public-ip'],
  DescribeVolumes: ['volume-type', 'availability-zone'],
  DescribeSnapshots: ['storage-tier', 'volume-id'],
  DescribeInstanceTypes: [],
};

function checkFilters(ctx: RequestContext, input: Record<string, unknown>): void {
  const known = KNOWN_FILTERS[ctx.operation] ?? [];
  for (const f of (input.Filter as Filter[] | undefined) ?? []) {
    if (f.Name === undefined || !known.includes(f.Name)) {
      throw ec2Error('InvalidParameterValue', `The filter '${f.Name ?? 'null'}' is invalid`);
    }
  }
}

function resourcesOf(ctx: RequestContext): Ec2Resources {
  return ctx.world.resources.of(ec2Resources, ctx.account, ctx.region);
}

/**
 * The instances of an account and region at a minute: the Standard family follows its vCPU
 * usage series (DescribeInstances, and the admin API's view for tests).
 */
export function instancesAtMinute(
  world: World,
  account: Account,
  region: string,
  minute: number,
): Instance[] {
  const quota = world.catalog.quota('ec2', STANDARD_VCPU_QUOTA);
  const profile = quota ? world.quotas.profile(account, region, quota) : null;
  return instancesAt(
    world.resources.of(ec2Resources, account, region),
    profile ? minuteValue(profile, minute) : 0,
    {
      seed: world.options.seed,
      account: account.id,
      region,
    },
  );
}

/** What a page token of a describe call is bound to: the operation, caller, region and filters. */
function tokenScope(ctx: RequestContext, input: Record<string, unknown>): string {
  return `${ctx.operation}|${ctx.account.id}|${ctx.region}|${JSON.stringify(input.Filter ?? [])}`;
}

/**
 * One page of items with an EC2 NextToken: MaxResults within [min, max] (the sandbox's page-size
 * cap applies), the token pinned to what the first page was computed at (a minute, for instances).
 */
function page<T>(
  ctx: RequestContext,
  items: readonly T[],
  input: Record<string, unknown>,
  limits: { min: number; max: number; pinned?: number },
): { items: T[]; nextToken: string | undefined } {
  const tokens: PageTokens = ctx.pageTokens;
  const maxResults = input.MaxResults as number | undefined;
  // Above the maximum, EC2 returns the maximum (the AWS CLI asks for 1000 of everything).
  if (maxResults !== undefined && maxResults < limits.min) {
    throw ec2Error(
      'InvalidParameterValue',
      `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between ${limits.min} and ${limits.max}.`,
    );
  }
  const scope = tokenScope(ctx, input);
  let offset = 0;
  const token = input.NextToken as string | undefined;
  if (token !== undefined) {
    const decoded = tokens.decodeWithPin(token, scope);
    if (decoded === undefined || decoded.offset > items.length || decoded.pinned !== limits.pinned) {
      throw ec2Error('InvalidParameterValue', `Invalid value '${token}' for nextToken`);
    }
    offset = decoded.offset;
  }
  // Without MaxResults EC2 returns everything (up to 1000); the sandbox's cap still pages it.
  const size = Math.min(maxResults ?? 1000, limits.max, ctx.pageSize ?? Number.POSITIVE_INFINITY);
  const end = offset + size;
  return {
    items: items.slice(offset, end),
    nextToken: end < items.length ? tokens.encode(scope, end, limits.pinned) : undefined,
  };
}

const describeRegions: Handler = (ctx, input) => {
  checkFilters(ctx, input);
  const all = input.AllRegions === true;
  const names = (input.RegionName as string[] | undefined) ?? [];
  for (const name of names) {
    if (!regionExists(name)) throw ec2Error('InvalidParameterValue', `Invalid region: ${name}`);
  }
  const regions = [
    ...ENABLED_REGIONS.map((name) => ({ name, status: 'opt-in-not-required' })),
    ...(all ? OPT_IN_REGIONS.map((name) => ({ name, status: 'not-opted-in' })) : []),
  ]
    .filter((r) => names.length === 0 || names.includes(r.name))
    .filter((r) => {
      const wanted = filterValues(input, 'region-name');
      return wanted === undefined || wanted.includes(r.name);
    })
    .filter((r) => {
      const wanted = filterValues(input, 'opt-in-status');
      return wanted === undefined || wanted.includes(r.status);
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    regionInfo: xmlList(
      'item',
      regions.map((r) => ({
        regionName: r.name,
        regionEndpoint: `ec2.${r.name}.amazonaws.com`,
        optInStatus: r.status,
      })),
    ),
  };
};

const describeInstances: Handler = (ctx, input) => {
  checkFilters(ctx, input);
  const ids = (input.InstanceId as string[] | undefined) ?? [];
  if (ids.length > 0 && input.MaxResults !== undefined) {
    throw ec2Error(
      'InvalidParameterCombination',
      'The parameter instancesSet cannot be used with the parameter maxResults',
    );
  }
  const token = input.NextToken as string | undefined;
  // Pages follow the fleet as it was when the first page was read.
  const pinnedMinute =
    token === undefined
      ? Math.floor(ctx.now / MINUTE)
      : (ctx.pageTokens.decodeWithPin(token, tokenScope(ctx, input))?.pinned ?? -1);
  let instances = instancesAtMinute(ctx.world, ctx.account, ctx.region, pinnedMinute);
  if (ids.length > 0) {
    const missing = ids.filter((id) => !instances.some((i) => i.instanceId === id));
    if (missing.length > 0) {
      throw ec2Error('InvalidInstanceID.NotFound', `The instance IDs '${missing.join(', ')}' do not exist`);
    }
    instances = instances.filter((i) => ids.includes(i.instanceId));
  }
  const states = filterValues(input, 'instance-state-name');
  if (states) instances = instances.filter((i) => states.includes(i.state));
  const types = filterValues(input, 'instance-type');
  if (types) instances = instances.filter((i) => types.includes(i.instanceType));
  const lifecycle = filterValues(input, 'instance-lifecycle');
  if (lifecycle) instances = instances.filter((i) => i.spot && lifecycle.includes('spot'));
  const zones = filterValues(input, 'availability-zone');
  if (zones) instances = instances.filter((i) => zones.includes(i.availabilityZone));
  const result = page(ctx, instances, input, { min: 5, max: 1000, pinned: pinnedMinute });
  return {
    reservationSet: xmlList(
      'item',
      result.items.map((i) => ({
        reservationId: `r-${i.instanceId.slice(2)}`,
        ownerId: ctx.account.id,
        groupSet: xmlList('item', []),
        instancesSet: xmlList('item', [
          {
            instanceId: i.instanceId,
            imageId: 'ami-0abcdef1234567890',
            instanceState:
              i.state === 'running' ? { code: 16, name: 'running' } : { code: 80, name: 'stopped' },
            privateDnsName: `ip-10-0-0-1.${ctx.region}.compute.internal`,
            dnsName: '',
            amiLaunchIndex: 0,
            productCodes: xmlList('item', []),
            instanceType: i.instanceType,
            launchTime: i.launchTime,
            placement: { availabilityZone: i.availabilityZone, groupName: '', tenancy: 'default' },
            monitoring: { state: 'disabled' },
            architecture: 'x86_64',
            rootDeviceType: 'ebs',
            rootDeviceName: '/dev/xvda',
            instanceLifecycle: i.spot ? 'spot' : undefined,
            cpuOptions: {
              coreCount: Math.max(1, Math.ceil((typeOf(i.instanceType)?.vcpus ?? 2) / 2)),
              threadsPerCore: (typeOf(i.instanceType)?.vcpus ?? 2) > 1 ? 2 : 1,
            },
          },
        ]),
      })),
    ),
    nextToken: result.nextToken,
  };
};

function typeOf(name: string) {
  return INSTANCE_TYPES.find((t) => t.name === name);
}

const describeInstanceTypes: Handler = (ctx, input) => {
  const names = (input.InstanceType as string[] | undefined) ?? [];
  const unknown = names.filter((n) => !typeOf(n));
  if (unknown.length > 0) {
    throw ec2Error(
      'InvalidInstanceType',
      `The following supplied instance types do not exist: [${unknown.join(', ')}]`,
    );
  }
  const types = names.length > 0 ? INSTANCE_TYPES.filter((t) => names.includes(t.name)) : INSTANCE_TYPES;
  const result = page(ctx, types, input, { min: 5, max: 100 });
  return {
    instanceTypeSet: xmlList(
      'item',
      result.items.map((t) => ({
        instanceType: t.name,
        currentGeneration: true,
        vCpuInfo: {
          defaultVCpus: t.vcpus,
          defaultCores: Math.max(1, Math.ceil(t.vcpus / 2)),
          defaultThreadsPerCore: t.vcpus > 1 ? 2 : 1,
        },
        memoryInfo: { sizeInMiB: t.memoryMiB },
      })),
    ),
    nextToken: result.nextToken,
  };
};

const describeAddresses: Handler = (ctx, input) => {
  checkFilters(ctx, input);
  let addresses = resourcesOf(ctx).addresses;
  const domains = filterValues(input, 'domain');
  if (domains) addresses = addresses.filter((a) => domains.includes(a.domain));
  // DescribeAddresses is not paginated: every address in one reply.
  return {
    addressesSet: xmlList(
      'item',
      addresses.map((a) => ({
        publicIp: a.publicIp,
        allocationId: a.allocationId,
        domain: a.domain,
        publicIpv4Pool: 'amazon',
        networkBorderGroup: ctx.region,
      })),
    ),
  };
};

const describeVolumes: Handler = (ctx, input) => {
  checkFilters(ctx, input);
  let volumes = resourcesOf(ctx).volumes;
  const types = filterValues(input, 'volume-type');
  if (types) volumes = volumes.filter((v) => types.includes(v.volumeType));
  const result = page(ctx, volumes, input, { min: 5, max: 500 });
  return {
    volumeSet: xmlList(
      'item',
      result.items.map((v) => ({
        volumeId: v.volumeId,
        size: v.sizeGiB,
        snapshotId: '',
        availabilityZone: v.availabilityZone,
        status: 'in-use',
        createTime: v.createTime,
        volumeType: v.volumeType,
        iops: v.iops,
        throughput: v.volumeType === 'gp3' ? 125 : undefined,
        encrypted: false,
        multiAttachEnabled: false,
      })),
    ),
    nextToken: result.nextToken,
  };
};

const describeSnapshots: Handler = (ctx, input) => {
  checkFilters(ctx, input);
  const owners = (input.Owner as string[] | undefined) ?? [];
  const own = owners.length === 0 || owners.includes('self') || owners.includes(ctx.account.id);
  let snapshots = own ? resourcesOf(ctx).snapshots : [];
  const tiers = filterValues(input, 'storage-tier');
  if (tiers) snapshots = snapshots.filter((s) => tiers.includes(s.storageTier));
  const result = page(ctx, snapshots, input, { min: 5, max: 1000 });
  return {
    snapshotSet: xmlList(
      'item',
      result.items.map((s) => ({
        snapshotId: s.snapshotId,
        volumeId: s.volumeId,
        status: 'completed',
        startTime: s.startTime,
        progress: '100%',
        ownerId: ctx.account.id,
        volumeSize: s.volumeSize,
        description: '',
        encrypted: false,
        storageTier: s.storageTier,
      })),
    ),
    nextToken: result.nextToken,
  };
};

const paging = { MaxResults: integer(), NextToken: string() };

export const ec2: ServiceDefinition = {
  signingName: 'ec2',
  ec2: { apiVersion: '2016-11-15', xmlNamespace: 'http://ec2.amazonaws.com/doc/2016-11-15/' },
  dialect: ec2Dialect,
  operations: {
    DescribeRegions: {
      input: structure({
        RegionName: list(string()),
        AllRegions: boolean(),
        Filter: list(filter),
        DryRun: boolean(),
      }),
      handler: describeRegions,
      rate: NON_MUTATING,
    },
    DescribeInstances: {
      input: structure({ InstanceId: list(string()), Filter: list(filter), DryRun: boolean(), ...paging }),
      handler: describeInstances,
      rate: NON_MUTATING,
    },
    DescribeInstanceTypes: {
      input: structure({ InstanceType: list(string()), Filter: list(filter), DryRun: boolean(), ...paging }),
      handler: describeInstanceTypes,
      rate: NON_MUTATING,
    },
    DescribeAddresses: {
      input: structure({
        AllocationId: list(string()),
        PublicIp: list(string()),
        Filter: list(filter),
        DryRun: boolean(),
      }),
      handler: describeAddresses,
      rate: NON_MUTATING,
    },
    DescribeVolumes: {
      input: structure({ VolumeId: list(string()), Filter: list(filter), DryRun: boolean(), ...paging }),
      handler: describeVolumes,
      rate: NON_MUTATING,
    },
    DescribeSnapshots: {
      input: structure({
        SnapshotId: list(string()),
        Owner: list(string()),
        RestorableBy: list(string()),
        Filter: list(filter),
        DryRun: boolean(),
        ...paging,
      }),
      handler: describeSnapshots,
      rate: NON_MUTATING,
    },
  },
};
