/** Every model of seeded resources, listed explicitly (see world/resources.ts). */
import type { ResourceModel } from '../world/resources.js';
import { cloudFrontResources } from './cloudfront/resources.js';
import { route53Resources } from './route53/resources.js';

export const RESOURCE_MODELS: readonly ResourceModel<unknown>[] = [route53Resources, cloudFrontResources];
