/** Every usage counter, listed explicitly (no import side effects): src/services/<service>.ts. */
import { cloudFront } from './cloudfront.js';
import { ebsCounter } from './ebs.js';
import { ec2Counter } from './ec2.js';
import { eks } from './eks.js';
import { elastiCache } from './elasticache.js';
import { elb } from './elb.js';
import { route53 } from './route53.js';
import { sageMaker } from './sagemaker.js';
import type { UsageCounter } from './service.js';

export const COUNTERS: readonly UsageCounter[] = [
  ec2Counter,
  ebsCounter,
  elb,
  eks,
  elastiCache,
  route53,
  cloudFront,
  sageMaker,
];
