/**
 * EC2 instances: one instance's vCPUs against the vCPU quota of its family, On-Demand or Spot
 * (aws_spot_instance_request is always Spot). The quotas count the vCPUs of running instances.
 *
 * Two attributes the provider computes when the configuration leaves them out show as unknown in
 * a plan, so their unknown is read as "not set": cpu_options (the type's default vCPUs are then
 * counted, the most cpu_options could give) and instance_market_options (On-Demand, the default).
 * An instance_type that comes from a launch template is read from the template (see lookup).
 */
import { VCPU_QUOTAS } from '../instance-types.js';
import type { ResourceUse } from '../types.js';
import { type Attributes, type DeclaredFamily, attributesOf } from './family.js';
import { type InstanceSpec, instanceUse, specOfLaunchTemplate } from './ec2-vcpus.js';

function launchTemplateOf(a: Attributes): InstanceSpec | string | undefined {
  if (a.block('launch_template') === undefined && !a.unknown('launch_template')) return undefined;
  const template = a.lookup('launch_template.0.id') ?? a.lookup('launch_template.0.name');
  return template === undefined
    ? 'the plan does not show the launch template'
    : specOfLaunchTemplate(template);
}

function instanceSpec(type: string, a: Attributes): InstanceSpec | { unknown: string } {
  const template = launchTemplateOf(a);
  const templateSpec = typeof template === 'object' ? template : undefined;
  const instanceType = a.string('instance_type') ?? templateSpec?.instanceType;
  if (instanceType === undefined) {
    if (typeof template === 'string') return { unknown: `launch_template (${template})` };
    return { unknown: a.unknown('instance_type') ? 'instance_type' : 'instance_type (not set)' };
  }

  let market = templateSpec?.market ?? 'on-demand';
  if (type === 'aws_spot_instance_request') market = 'spot';
  else if (a.block('instance_market_options') !== undefined) {
    if (a.unknown('instance_market_options.0.market_type')) {
      return { unknown: 'instance_market_options.0.market_type' };
    }
    market = a.string('instance_market_options.0.market_type') === 'spot' ? 'spot' : 'on-demand';
  }
  return {
    instanceType,
    market,
    // cpu_core_count and cpu_threads_per_core are the provider's older, deprecated spelling.
    coreCount: a.number('cpu_options.0.core_count') ?? a.number('cpu_core_count') ?? templateSpec?.coreCount,
    threadsPerCore:
      a.number('cpu_options.0.threads_per_core') ??
      a.number('cpu_threads_per_core') ??
      templateSpec?.threadsPerCore,
  };
}

export const ec2InstancesFamily: DeclaredFamily = {
  name: 'ec2-instances',
  types: ['aws_instance', 'aws_spot_instance_request'],
  quotas: VCPU_QUOTAS,
  uses(type, values, unknownOf, lookup): ResourceUse {
    const a = attributesOf(values, unknownOf, lookup);
    const spec = instanceSpec(type, a);
    if ('unknown' in spec) return { uses: [], unknown: [spec.unknown] };
    const from = a.string('instance_type') === undefined ? ', from its launch template' : '';
    const result = instanceUse(spec, from);
    return typeof result === 'string'
      ? { uses: [], unknown: [`instance_type (${result})`] }
      : { uses: [result], unknown: [] };
  },
};
