/** Every usage counter, listed explicitly (no import side effects): src/services/<service>.ts. */
import { eks } from './eks.js';
import { sageMaker } from './sagemaker.js';
import type { UsageCounter } from './service.js';

export const COUNTERS: readonly UsageCounter[] = [eks, sageMaker];
