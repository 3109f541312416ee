/** Every model of seeded resources, listed explicitly (see world/resources.ts). */
import type { ResourceModel } from '../world/resources.js';
import { ec2Resources } from './ec2/resources.js';

export const RESOURCE_MODELS: readonly ResourceModel<unknown>[] = [ec2Resources];
