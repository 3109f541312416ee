/** Route 53: each hosted zone, public or private, counts against "Hosted zones". */
import type { ResourceUse } from '../types.js';
import { type DeclaredFamily, type QuotaRef, one } from './family.js';

const HOSTED_ZONES: QuotaRef = { serviceCode: 'route53', quotaCode: 'L-4EA4796A', name: 'Hosted zones' };

export const route53Family: DeclaredFamily = {
  name: 'route53',
  types: ['aws_route53_zone'],
  quotas: [HOSTED_ZONES],
  uses(): ResourceUse {
    return one(HOSTED_ZONES, 'one hosted zone');
  },
};
