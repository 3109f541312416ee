/** Every service the sandbox serves, listed explicitly. */
import type { ServiceDefinition } from '../core/service.js';
import { cloudWatch } from './cloudwatch/index.js';
import { ec2 } from './ec2/index.js';
import { elastiCache } from './elasticache/index.js';
import { elbClassic, elbv2 } from './elb/index.js';
import { organizations } from './organizations/index.js';
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
  elastiCache,
];

/** Every operation name any service serves (what a denial rule's `operation` may name). */
export const OPERATIONS: ReadonlySet<string> = new Set(SERVICES.flatMap((s) => Object.keys(s.operations)));
