/** Every model of seeded resources, listed explicitly (see world/resources.ts). */
import type { ResourceModel } from '../world/resources.js';
import { eksResources } from './eks/resources.js';
import { sageMakerResources } from './sagemaker/resources.js';

export const RESOURCE_MODELS: readonly ResourceModel<unknown>[] = [eksResources, sageMakerResources];
