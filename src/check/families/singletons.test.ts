/** The families whose resources each use one of a quota (or, for SQS queues, nothing). */
import { describe, expect, it } from 'vitest';
import { cloudfrontFamily } from './cloudfront.js';
import { eipFamily } from './eip.js';
import { route53Family } from './route53.js';
import { sqsFamily } from './sqs.js';

describe('one of a quota each', () => {
  it.each([
    [eipFamily, 'aws_eip', { domain: 'vpc', tags: null }, 'ec2', 'L-0263D0A3', 'one Elastic IP address'],
    [
      route53Family,
      'aws_route53_zone',
      { name: 'example.com', vpc: [] },
      'route53',
      'L-4EA4796A',
      'one hosted zone',
    ],
    [
      cloudfrontFamily,
      'aws_cloudfront_distribution',
      { enabled: true, origin: [{ domain_name: 'example.com' }] },
      'cloudfront',
      'L-24B04930',
      'one web distribution',
    ],
  ])('%#: %s', (family, type, values, serviceCode, quotaCode, why) => {
    expect(family.uses(type, values, () => false)).toEqual({
      uses: [{ serviceCode, quotaCode, amount: 1, why }],
      unknown: [],
    });
  });

  it('counts an SQS queue as known and using nothing', () => {
    expect(sqsFamily.uses('aws_sqs_queue', { name: 'jobs', fifo_queue: false }, () => true)).toEqual({
      uses: [],
      unknown: [],
    });
  });
});
