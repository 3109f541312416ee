/** Every usage counter, listed explicitly (no import side effects): src/services/<service>.ts. */
import { ebsCounter } from './ebs.js';
import { ec2Counter } from './ec2.js';
import { elastiCache } from './elasticache.js';
import { elb } from './elb.js';
import type { UsageCounter } from './service.js';

export const COUNTERS: readonly UsageCounter[] = [ec2Counter, ebsCounter, elb, elastiCache];
