/**
 * The vCPU quota uses of EC2 instances, shared by the families that launch them: one instance
 * (aws_instance), or a fleet of up to max_size (Auto Scaling groups, EKS node groups), which
 * may mix instance types and run part On-Demand and part Spot.
 */
import { MARKET_NAMES, type Market, familyQuotaOf, vcpusOf, whyNoQuota } from '../instance-types.js';
import type { QuotaUse } from '../types.js';
import { type Values, attributesOf, plural, use } from './family.js';

/** What one instance is: its type, how it is bought, and its CPU options when set. */
export interface InstanceSpec {
  readonly instanceType: string;
  readonly market: Market;
  readonly coreCount?: number;
  readonly threadsPerCore?: number;
}

/** One instance's vCPUs in words: `m5.2xlarge (8 vCPUs)`, or null for an unknown type. */
export function instanceVcpus(spec: InstanceSpec): { readonly vcpus: number; readonly text: string } | null {
  const vcpus = vcpusOf(spec.instanceType);
  if (vcpus === null) return null;
  const { coreCount, threadsPerCore } = spec;
  if (coreCount === undefined && threadsPerCore === undefined) {
    return { vcpus, text: `${spec.instanceType} (${plural(vcpus, 'vCPU')})` };
  }
  // cpu_options can only lower a type's vCPUs. With one of the two set, the other is taken at
  // its most (the type's cores, 2 threads per core), which keeps the count an upper bound.
  const set = Math.min(vcpus, (coreCount ?? vcpus) * (threadsPerCore ?? 2));
  const parts = [
    coreCount === undefined ? null : plural(coreCount, 'core'),
    threadsPerCore === undefined ? null : `${plural(threadsPerCore, 'thread')} per core`,
  ].filter((p) => p !== null);
  return { vcpus: set, text: `${spec.instanceType} with ${parts.join(' × ')} (${plural(set, 'vCPU')})` };
}

/** The vCPU use of one instance, or why there is none (for `unknown`, after the blamed path). */
export function instanceUse(spec: InstanceSpec, from: string): QuotaUse | string {
  const quota = familyQuotaOf(spec.instanceType, spec.market);
  const one = instanceVcpus(spec);
  if (quota === null || one === null) return whyNoQuota(spec.instanceType, spec.market);
  return use(quota, one.vcpus, `${one.text}, ${MARKET_NAMES[spec.market]}${from}`);
}

/**
 * The instance a launch template (aws_launch_template's values) launches, or why it cannot be
 * told. Its instance_market_options say Spot or not; a fleet's own settings override that.
 */
export function specOfLaunchTemplate(template: Values): InstanceSpec | string {
  const t = attributesOf(template, () => false);
  const instanceType = t.string('instance_type');
  if (instanceType === undefined) {
    return t.block('instance_requirements') === undefined
      ? 'the launch template sets no instance_type'
      : 'the launch template picks instance types by instance_requirements at launch';
  }
  return {
    instanceType,
    market: t.string('instance_market_options.0.market_type') === 'spot' ? 'spot' : 'on-demand',
    coreCount: t.number('cpu_options.0.core_count'),
    threadsPerCore: t.number('cpu_options.0.threads_per_core'),
  };
}

/** The instance a launch configuration launches: Spot when it sets a spot_price. */
export function specOfLaunchConfiguration(configuration: Values): InstanceSpec | string {
  const c = attributesOf(configuration, () => false);
  const instanceType = c.string('instance_type');
  if (instanceType === undefined) return 'the launch configuration sets no instance_type';
  return { instanceType, market: c.string('spot_price') === undefined ? 'on-demand' : 'spot' };
}

/** One instance type a fleet may launch, and how many capacity units one instance of it counts for. */
export interface FleetType {
  readonly spec: InstanceSpec;
  readonly weight: number;
}

/**
 * A fleet of up to `max` capacity units: `onDemand` of them On-Demand, the rest Spot, each unit
 * filled by any of `types` (whose own market is ignored). `split` says how the two were worked out.
 */
export interface Fleet {
  readonly max: number;
  readonly onDemand: number;
  readonly split: string;
  readonly types: readonly FleetType[];
  /** The attribute the types come from, blamed when one has no quota: `launch_template`. */
  readonly typesPath: string;
  /** Where the types come from, in words: `, from the launch template`. */
  readonly from: string;
}

/**
 * The worst case of each vCPU quota a fleet can use: for each market, the capacity that runs in
 * it, filled entirely by whichever type uses the most of that quota. Each quota is judged on its
 * own, so a fleet of m5 and g5 types uses the whole of both the Standard and the G quotas.
 */
export function fleetUses(fleet: Fleet): { uses: QuotaUse[]; unknown: string[] } {
  const uses: QuotaUse[] = [];
  const unknown = new Set<string>();
  const markets: readonly [Market, number][] = [
    ['on-demand', fleet.onDemand],
    ['spot', fleet.max - fleet.onDemand],
  ];
  for (const [market, capacity] of markets) {
    if (capacity <= 0) continue;
    const worst = new Map<string, QuotaUse>();
    for (const { spec, weight } of fleet.types) {
      const quota = familyQuotaOf(spec.instanceType, market);
      const one = instanceVcpus({ ...spec, market });
      if (quota === null || one === null) {
        unknown.add(`${fleet.typesPath} (${whyNoQuota(spec.instanceType, market)})`);
        continue;
      }
      const instances = Math.ceil(capacity / weight);
      const amount = instances * one.vcpus;
      const previous = worst.get(quota.quotaCode);
      if (previous !== undefined && previous.amount >= amount) continue;
      const count =
        weight === 1
          ? `${capacity}`
          : `${plural(instances, 'instance')} (${capacity} capacity units / weight ${weight})`;
      const choice = fleet.types.length > 1 ? `, the most of the ${fleet.types.length} instance types` : '';
      worst.set(
        quota.quotaCode,
        use(
          quota,
          amount,
          `${fleet.split}: ${count} × ${one.text} = ${amount} vCPUs ${MARKET_NAMES[market]}${choice}${fleet.from}`,
        ),
      );
    }
    uses.push(...worst.values());
  }
  return { uses, unknown: [...unknown] };
}

/** A fleet of one type and one market, all of max_size: an ASG from one template, a node group. */
export function simpleFleet(
  max: { readonly value: number; readonly path: string },
  spec: InstanceSpec,
  typesPath: string,
  from: string,
): Fleet {
  return {
    max: max.value,
    onDemand: spec.market === 'on-demand' ? max.value : 0,
    split: `${max.path} ${max.value}`,
    types: [{ spec, weight: 1 }],
    typesPath,
    from,
  };
}
