/** Every service the sandbox serves, listed explicitly. */
import type { ServiceDefinition } from '../core/service.js';
import { cloudFront } from './cloudfront/index.js';
import { cloudWatch } from './cloudwatch/index.js';
import { ec2 } from './ec2/index.js';
import { eks } from './eks/index.js';
import { elastiCache } from './elasticache/index.js';
import { elbClassic, elbv2 } from './elb/index.js';
import { organizations } from './organizations/index.js';
import { route53 } from './route53/index.js';
import { sageMaker } from './sagemaker/index.js';
import { serviceQuotas } from './service-quotas/index.js';
import { sns } from './sns/index.js';
import { sts } from './sts/index.js';
import { support } from './support/index.js';

export const SERVICES: readonly ServiceDefinition[] = [
  serviceQuotas,
  cloudWatch,
  sts,
  organizations,
  support,
  sns,
  ec2,
  elbv2,
  elbClassic,
  eks,
  elastiCache,
  route53,
  cloudFront,
  sageMaker,
];

/** Every operation name any service serves (what a denial rule's `operation` may name). */
export const OPERATIONS: ReadonlySet<string> = new Set(SERVICES.flatMap((s) => Object.keys(s.operations)));
