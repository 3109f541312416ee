/**
 * DynamoDB: each table against "Maximum number of tables", and a provisioned table's read and
 * write capacity (its global secondary indexes' included) against the account-level throughput
 * quotas. On-demand tables (billing_mode PAY_PER_REQUEST) provision nothing.
 */
import type { QuotaUse, ResourceUse } from '../types.js';
import { type DeclaredFamily, type QuotaRef, attributesOf, use } from './family.js';

const dynamodb = (quotaCode: `L-${string}`, name: string): QuotaRef => ({
  serviceCode: 'dynamodb',
  quotaCode,
  name,
});

const TABLES = dynamodb('L-F98FE922', 'Maximum number of tables');
const READ = dynamodb('L-34F6A552', 'Account-level read throughput limit (Provisioned mode)');
const WRITE = dynamodb('L-34F8CCC8', 'Account-level write throughput limit (Provisioned mode)');

export const dynamodbFamily: DeclaredFamily = {
  name: 'dynamodb',
  types: ['aws_dynamodb_table'],
  quotas: [TABLES, READ, WRITE],
  uses(_type, values, unknownOf): ResourceUse {
    const a = attributesOf(values, unknownOf);
    const uses: QuotaUse[] = [use(TABLES, 1, 'one table')];
    if (a.unknown('billing_mode')) return { uses, unknown: ['billing_mode'] };
    if ((a.string('billing_mode') ?? 'PROVISIONED') !== 'PROVISIONED') return { uses, unknown: [] };

    if (a.unknown('global_secondary_index')) return { uses, unknown: ['global_secondary_index'] };
    const indexes = a.list('global_secondary_index') ?? [];
    const unknown: string[] = [];
    for (const [quota, key] of [
      [READ, 'read_capacity'],
      [WRITE, 'write_capacity'],
    ] as const) {
      const paths = [key, ...indexes.map((_, i) => `global_secondary_index.${i}.${key}`)];
      const missing = paths.filter((p) => a.number(p) === undefined);
      if (missing.length > 0) {
        unknown.push(...missing);
        continue;
      }
      const total = paths.reduce((sum, p) => sum + (a.number(p) ?? 0), 0);
      const why = indexes.length === 0 ? `${key} ${total}` : `${key} ${total}, the table's and its indexes'`;
      uses.push(use(quota, total, why));
    }
    return { uses, unknown };
  },
};
