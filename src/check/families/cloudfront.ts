/** CloudFront: each distribution counts against "Web distributions per AWS account". */
import type { ResourceUse } from '../types.js';
import { type DeclaredFamily, type QuotaRef, one } from './family.js';

const WEB_DISTRIBUTIONS: QuotaRef = {
  serviceCode: 'cloudfront',
  quotaCode: 'L-24B04930',
  name: 'Web distributions per AWS account',
};

export const cloudfrontFamily: DeclaredFamily = {
  name: 'cloudfront',
  types: ['aws_cloudfront_distribution'],
  quotas: [WEB_DISTRIBUTIONS],
  uses(): ResourceUse {
    return one(WEB_DISTRIBUTIONS, 'one web distribution');
  },
};
