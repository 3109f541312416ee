/** Every usage counter, listed explicitly (no import side effects): src/services/<service>.ts. */
import { elastiCache } from './elasticache.js';
import { elb } from './elb.js';
import type { UsageCounter } from './service.js';

export const COUNTERS: readonly UsageCounter[] = [elb, elastiCache];
