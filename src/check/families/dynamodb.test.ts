import { describe, expect, it } from 'vitest';
import { dynamodbFamily } from './dynamodb.js';
import { type Values, valueAt } from './family.js';

const unknownIn =
  (tree: Values) =>
  (path: string): boolean =>
    valueAt(tree, path) === true;
const known = () => false;

const TABLE_USE = { serviceCode: 'dynamodb', quotaCode: 'L-F98FE922', amount: 1, why: 'one table' };

describe('aws_dynamodb_table', () => {
  it("counts the table and a provisioned table's capacity, its indexes' included", () => {
    const values = {
      name: 'orders',
      billing_mode: 'PROVISIONED',
      hash_key: 'id',
      read_capacity: 20,
      write_capacity: 10,
      global_secondary_index: [{ name: 'by-customer', read_capacity: 5, write_capacity: 5 }],
    };
    expect(dynamodbFamily.uses('aws_dynamodb_table', values, known)).toEqual({
      uses: [
        TABLE_USE,
        {
          serviceCode: 'dynamodb',
          quotaCode: 'L-34F6A552',
          amount: 25,
          why: "read_capacity 25, the table's and its indexes'",
        },
        {
          serviceCode: 'dynamodb',
          quotaCode: 'L-34F8CCC8',
          amount: 15,
          why: "write_capacity 15, the table's and its indexes'",
        },
      ],
      unknown: [],
    });
  });

  it('counts only the table for on-demand billing', () => {
    const values = { name: 'events', billing_mode: 'PAY_PER_REQUEST', global_secondary_index: [] };
    expect(dynamodbFamily.uses('aws_dynamodb_table', values, unknownIn({ read_capacity: true }))).toEqual({
      uses: [TABLE_USE],
      unknown: [],
    });
  });

  it('takes PROVISIONED when billing_mode is absent, and reports an unknown capacity', () => {
    const values = { name: 'orders', write_capacity: 5, global_secondary_index: [] };
    expect(dynamodbFamily.uses('aws_dynamodb_table', values, unknownIn({ read_capacity: true }))).toEqual({
      uses: [
        TABLE_USE,
        { serviceCode: 'dynamodb', quotaCode: 'L-34F8CCC8', amount: 5, why: 'write_capacity 5' },
      ],
      unknown: ['read_capacity'],
    });
  });
});
