/** Every usage counter, listed explicitly (no import side effects): src/services/<service>.ts. */
import { cloudFront } from './cloudfront.js';
import { route53 } from './route53.js';
import type { UsageCounter } from './service.js';

export const COUNTERS: readonly UsageCounter[] = [route53, cloudFront];
