/**
 * Auto Scaling: each group counts against "Auto Scaling groups per region", each launch
 * configuration against "Launch configurations per region", and a group's instances against
 * the vCPU quotas at their worst case: max_size instances of its instance type.
 *
 * A group names its instance type only through a launch template, a mixed instances policy or a
 * launch configuration, and a plan usually gives just the template's id (unknown when the
 * template is created in the same plan), so the family asks the lookup for the resource the
 * group points at. If the lookup cannot tell, the vCPUs are unknown and said so by the
 * attribute that points at it: `launch_template`, `mixed_instances_policy.0.launch_template`
 * or `launch_configuration`.
 *
 * A launch template on its own launches nothing and uses no quota.
 */
import { VCPU_QUOTAS } from '../instance-types.js';
import type { ResourceUse } from '../types.js';
import { type Attributes, type DeclaredFamily, type QuotaRef, attributesOf, one, use } from './family.js';
import {
  type Fleet,
  type FleetType,
  type InstanceSpec,
  fleetUses,
  simpleFleet,
  specOfLaunchConfiguration,
  specOfLaunchTemplate,
} from './ec2-vcpus.js';

const GROUPS_PER_REGION: QuotaRef = {
  serviceCode: 'autoscaling',
  quotaCode: 'L-CDE20ADC',
  name: 'Auto Scaling groups per region',
};
const LAUNCH_CONFIGURATIONS_PER_REGION: QuotaRef = {
  serviceCode: 'autoscaling',
  quotaCode: 'L-6B80B8FA',
  name: 'Launch configurations per region',
};

const MIXED_TEMPLATE = 'mixed_instances_policy.0.launch_template';

/** The template an attribute block points at by id or name, or why it cannot be read. */
function templateAt(a: Attributes, block: string, idKey: string, nameKey: string): InstanceSpec | string {
  const template = a.lookup(`${block}.0.${idKey}`) ?? a.lookup(`${block}.0.${nameKey}`);
  return template === undefined
    ? 'the plan does not show the launch template'
    : specOfLaunchTemplate(template);
}

type Source = Fleet | { readonly unknown: string };

function fromLaunchTemplate(a: Attributes, max: number): Source {
  const spec = templateAt(a, 'launch_template', 'id', 'name');
  if (typeof spec === 'string') return { unknown: `launch_template (${spec})` };
  return simpleFleet({ value: max, path: 'max_size' }, spec, 'launch_template', ', from the launch template');
}

function fromLaunchConfiguration(a: Attributes, max: number): Source {
  const configuration = a.lookup('launch_configuration');
  const spec =
    configuration === undefined
      ? 'the plan does not show the launch configuration'
      : specOfLaunchConfiguration(configuration);
  if (typeof spec === 'string') return { unknown: `launch_configuration (${spec})` };
  return simpleFleet(
    { value: max, path: 'max_size' },
    spec,
    'launch_configuration',
    ', from the launch configuration',
  );
}

/**
 * A mixed instances policy: its overrides' instance types (or the template's when it has none),
 * split between On-Demand and Spot by instances_distribution. AWS's defaults (base 0, 100%
 * On-Demand above it) stand in for distribution settings the plan leaves unknown.
 */
function fromMixedInstancesPolicy(a: Attributes, max: number): Source {
  const overrides = a.list(`${MIXED_TEMPLATE}.0.override`) ?? [];
  const types: FleetType[] = [];
  let from = ', from the overrides';
  if (overrides.length === 0) {
    const spec = templateAt(
      a,
      `${MIXED_TEMPLATE}.0.launch_template_specification`,
      'launch_template_id',
      'launch_template_name',
    );
    if (typeof spec === 'string') return { unknown: `${MIXED_TEMPLATE} (${spec})` };
    types.push({ spec, weight: 1 });
    from = ', from the launch template';
  }
  for (let i = 0; i < overrides.length; i++) {
    const path = `${MIXED_TEMPLATE}.0.override.${i}`;
    const instanceType = a.string(`${path}.instance_type`);
    if (instanceType === undefined) {
      return a.block(`${path}.instance_requirements`) === undefined
        ? { unknown: `${path}.instance_type` }
        : { unknown: `${path} (instance_requirements picks instance types at launch)` };
    }
    const weight = Number(
      a.string(`${path}.weighted_capacity`) ?? a.number(`${path}.weighted_capacity`) ?? 1,
    );
    types.push({ spec: { instanceType, market: 'on-demand' }, weight: weight >= 1 ? weight : 1 });
  }

  const distribution = 'mixed_instances_policy.0.instances_distribution.0';
  const base = Math.min(max, a.number(`${distribution}.on_demand_base_capacity`) ?? 0);
  const percent = a.number(`${distribution}.on_demand_percentage_above_base_capacity`) ?? 100;
  // Above the base, AWS rounds the On-Demand share up; that is also the worst case for its quota.
  const onDemand = base + Math.ceil(((max - base) * percent) / 100);
  return {
    max,
    onDemand,
    split:
      percent === 100 && base === 0
        ? `max_size ${max}`
        : `max_size ${max} (On-Demand ${onDemand}: base ${base} + ${percent}% above it)`,
    types,
    typesPath: MIXED_TEMPLATE,
    from,
  };
}

/** Where a group's instances come from: the one of the three its values set. */
function sourceOf(a: Attributes, max: number): Source {
  if (a.string('launch_configuration') !== undefined) return fromLaunchConfiguration(a, max);
  if (a.block('launch_template') !== undefined) return fromLaunchTemplate(a, max);
  if (a.block('mixed_instances_policy') !== undefined) return fromMixedInstancesPolicy(a, max);
  // Set from a resource created in the same plan, the attribute is unknown as a whole. The
  // provider computes launch_template and mixed_instances_policy when they are not set (so they
  // are unknown then too), but not launch_configuration: an unknown one is the one set.
  if (a.unknown('launch_configuration')) return fromLaunchConfiguration(a, max);
  if (a.unknown('launch_template')) return fromLaunchTemplate(a, max);
  if (a.unknown('mixed_instances_policy')) return { unknown: 'mixed_instances_policy' };
  return { unknown: 'launch_template (the group names no launch template or configuration)' };
}

function groupUses(a: Attributes): ResourceUse {
  const group = use(GROUPS_PER_REGION, 1, 'one Auto Scaling group');
  const max = a.number('max_size');
  if (max === undefined) return { uses: [group], unknown: ['max_size'] };
  if (max <= 0) return { uses: [group], unknown: [] };
  const source = sourceOf(a, max);
  if ('unknown' in source) return { uses: [group], unknown: [source.unknown] };
  const vcpus = fleetUses(source);
  return { uses: [group, ...vcpus.uses], unknown: vcpus.unknown };
}

export const autoscalingFamily: DeclaredFamily = {
  name: 'autoscaling',
  types: ['aws_autoscaling_group', 'aws_launch_configuration', 'aws_launch_template'],
  quotas: [GROUPS_PER_REGION, LAUNCH_CONFIGURATIONS_PER_REGION, ...VCPU_QUOTAS],
  uses(type, values, unknownOf, lookup): ResourceUse {
    if (type === 'aws_launch_configuration') {
      return one(LAUNCH_CONFIGURATIONS_PER_REGION, 'one launch configuration');
    }
    // A launch template is a recipe: the instances it launches count where they run.
    if (type === 'aws_launch_template') return { uses: [], unknown: [] };
    return groupUses(attributesOf(values, unknownOf, lookup));
  },
};
