/** Every usage counter, listed explicitly (no import side effects): src/services/<service>.ts. */
import type { UsageCounter } from './service.js';

export const COUNTERS: readonly UsageCounter[] = [];
