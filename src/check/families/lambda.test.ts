import { describe, expect, it } from 'vitest';
import { type Values, valueAt } from './family.js';
import { lambdaFamily } from './lambda.js';

const unknownIn =
  (tree: Values) =>
  (path: string): boolean =>
    valueAt(tree, path) === true;
const known = () => false;

describe('aws_lambda_function', () => {
  it('counts reserved concurrency against Concurrent executions', () => {
    const values = { function_name: 'worker', reserved_concurrent_executions: 50 };
    expect(lambdaFamily.uses('aws_lambda_function', values, known)).toEqual({
      uses: [
        {
          serviceCode: 'lambda',
          quotaCode: 'L-B99A9384',
          amount: 50,
          why: 'reserved_concurrent_executions 50 (AWS keeps 100 of the quota unreserved)',
        },
      ],
      unknown: [],
    });
  });

  it('counts 0 (a throttled function) and nothing for the default -1 or an absent value', () => {
    expect(
      lambdaFamily.uses('aws_lambda_function', { reserved_concurrent_executions: 0 }, known).uses[0]?.amount,
    ).toBe(0);
    expect(
      lambdaFamily.uses('aws_lambda_function', { reserved_concurrent_executions: -1 }, known).uses,
    ).toEqual([]);
    expect(lambdaFamily.uses('aws_lambda_function', { function_name: 'x' }, known)).toEqual({
      uses: [],
      unknown: [],
    });
  });

  it('reports an unknown reserved concurrency', () => {
    expect(
      lambdaFamily.uses('aws_lambda_function', {}, unknownIn({ reserved_concurrent_executions: true }))
        .unknown,
    ).toEqual(['reserved_concurrent_executions']);
  });
});
