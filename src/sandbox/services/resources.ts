/** Every model of seeded resources, listed explicitly (see world/resources.ts). */
import type { ResourceModel } from '../world/resources.js';
import { cloudFrontResources } from './cloudfront/resources.js';
import { ec2Resources } from './ec2/resources.js';
import { eksResources } from './eks/resources.js';
import { elastiCacheResources } from './elasticache/resources.js';
import { elbResources } from './elb/resources.js';
import { route53Resources } from './route53/resources.js';
import { sageMakerResources } from './sagemaker/resources.js';

export const RESOURCE_MODELS: readonly ResourceModel<unknown>[] = [
  ec2Resources,
  elbResources,
  eksResources,
  elastiCacheResources,
  route53Resources,
  cloudFrontResources,
  sageMakerResources,
];
