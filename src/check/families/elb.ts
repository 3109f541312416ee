/**
 * Elastic Load Balancing: each load balancer against the per-Region quota of its type, each
 * target group against "Target Groups per Region". The catalog has no Gateway Load Balancer
 * quota, so a gateway load balancer is reported as unknown rather than counted against nothing.
 */
import type { ResourceUse } from '../types.js';
import { type DeclaredFamily, type QuotaRef, attributesOf, one } from './family.js';

const elb = (quotaCode: `L-${string}`, name: string): QuotaRef => ({
  serviceCode: 'elasticloadbalancing',
  quotaCode,
  name,
});

const APPLICATION = elb('L-53DA6B97', 'Application Load Balancers per Region');
const NETWORK = elb('L-69A177A2', 'Network Load Balancers per Region');
const CLASSIC = elb('L-E9E9831D', 'Classic Load Balancers per Region');
const TARGET_GROUPS = elb('L-B22855CB', 'Target Groups per Region');

export const elbFamily: DeclaredFamily = {
  name: 'elb',
  types: ['aws_lb', 'aws_alb', 'aws_elb', 'aws_lb_target_group', 'aws_alb_target_group'],
  quotas: [APPLICATION, NETWORK, CLASSIC, TARGET_GROUPS],
  uses(type, values, unknownOf): ResourceUse {
    if (type === 'aws_elb') return one(CLASSIC, 'one Classic Load Balancer');
    if (type === 'aws_lb_target_group' || type === 'aws_alb_target_group') {
      return one(TARGET_GROUPS, 'one target group');
    }
    const a = attributesOf(values, unknownOf);
    if (a.unknown('load_balancer_type')) return { uses: [], unknown: ['load_balancer_type'] };
    const lbType = a.string('load_balancer_type') ?? 'application';
    if (lbType === 'application') return one(APPLICATION, 'one Application Load Balancer');
    if (lbType === 'network') return one(NETWORK, 'one Network Load Balancer');
    return {
      uses: [],
      unknown: [`load_balancer_type (${lbType}: headroom knows no quota code for this type)`],
    };
  },
};
