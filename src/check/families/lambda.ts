/**
 * Lambda: a function's reserved concurrency against "Concurrent executions". Reserved
 * concurrency is taken out of the account's pool; AWS keeps 100 of it unreserved, so the total
 * reserved can reach at most the quota less 100. -1 (the default) reserves nothing.
 */
import type { ResourceUse } from '../types.js';
import { type DeclaredFamily, type QuotaRef, attributesOf, use } from './family.js';

const CONCURRENT_EXECUTIONS: QuotaRef = {
  serviceCode: 'lambda',
  quotaCode: 'L-B99A9384',
  name: 'Concurrent executions',
};

export const lambdaFamily: DeclaredFamily = {
  name: 'lambda',
  types: ['aws_lambda_function'],
  quotas: [CONCURRENT_EXECUTIONS],
  uses(_type, values, unknownOf): ResourceUse {
    const a = attributesOf(values, unknownOf);
    if (a.unknown('reserved_concurrent_executions')) {
      return { uses: [], unknown: ['reserved_concurrent_executions'] };
    }
    const reserved = a.number('reserved_concurrent_executions') ?? -1;
    if (reserved < 0) return { uses: [], unknown: [] };
    return {
      uses: [
        use(
          CONCURRENT_EXECUTIONS,
          reserved,
          `reserved_concurrent_executions ${reserved} (AWS keeps 100 of the quota unreserved)`,
        ),
      ],
      unknown: [],
    };
  },
};
