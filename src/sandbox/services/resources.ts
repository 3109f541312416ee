/** Every model of seeded resources, listed explicitly (see world/resources.ts). */
import type { ResourceModel } from '../world/resources.js';
import { ec2Resources } from './ec2/resources.js';
import { elastiCacheResources } from './elasticache/resources.js';
import { elbResources } from './elb/resources.js';

export const RESOURCE_MODELS: readonly ResourceModel<unknown>[] = [
  ec2Resources,
  elbResources,
  elastiCacheResources,
];
