import { describe, expect, it } from 'vitest';
import { isKeyLike, parseRows, RowsUnusableError } from './sql-rows.js';

const COLUMNS = { id: 'id', name: 'name', roleArn: 'role_arn', regions: 'regions' };
const A = '111111111111';
const ROLE_A = `arn:aws:iam::${A}:role/headroom`;

function parse(
  rows: Record<string, unknown>[],
  columns: readonly string[] = ['id', 'name', 'role_arn', 'regions'],
) {
  return parseRows('cmdb', { columns, rows }, COLUMNS);
}

describe('parseRows', () => {
  it('reads id, name, role ARN and regions in every form a CMDB gives them', () => {
    const { accounts, problems } = parse([
      { id: A, name: 'prod', role_arn: ROLE_A, regions: 'us-east-1, eu-west-1' },
      { id: '222222222222', name: 'dev', role_arn: null, regions: '["eu-west-1","eu-west-1"]' },
      { id: 333333333333, name: 'ml', role_arn: '', regions: ['us-west-2'] },
      { id: ' 444444444444 ', name: null, role_arn: null, regions: 'in-use' },
      { id: 555555555555n, name: 7, role_arn: null, regions: '' },
    ]);
    expect(problems).toEqual([]);
    expect(accounts).toEqual([
      { id: A, name: 'prod', roleArn: ROLE_A, profile: null, regions: ['us-east-1', 'eu-west-1'] },
      { id: '222222222222', name: 'dev', roleArn: null, profile: null, regions: ['eu-west-1'] },
      { id: '333333333333', name: 'ml', roleArn: null, profile: null, regions: ['us-west-2'] },
      { id: '444444444444', name: null, roleArn: null, profile: null, regions: 'in-use' },
      { id: '555555555555', name: '7', roleArn: null, profile: null, regions: null },
    ]);
  });

  it.each([
    [{ id: '12345', name: 'x' }, "row 1: column id '12345' is not a 12-digit account id; the row is skipped"],
    [
      { id: 12345678901, name: 'x' },
      "row 1: column id '12345678901' is not a 12-digit account id (a number column drops leading zeros: store ids as text, or LPAD them in the query); the row is skipped",
    ],
    [{ id: null, name: 'x' }, 'row 1: column id nothing is not a 12-digit account id; the row is skipped'],
    [
      { id: A, name: 'x', role_arn: 'arn:aws:iam::111111111111:user/bob' },
      "row 1 (account 111111111111): column role_arn 'arn:aws:iam::111111111111:user/bob' is not an IAM role ARN; the row is skipped",
    ],
    [
      { id: A, name: 'x', role_arn: 'arn:aws:iam::999999999999:role/headroom' },
      "row 1 (account 111111111111): column role_arn 'arn:aws:iam::999999999999:role/headroom' is a role in account 999999999999, not 111111111111; the row is skipped",
    ],
    [
      { id: A, name: 'x', regions: 'us-east-1,mars-1,moon' },
      "row 1 (account 111111111111): column regions has 'mars-1', 'moon', not region names such as eu-west-1; the row is skipped",
    ],
    [
      { id: A, name: 'x', regions: '["us-east-1"' },
      `row 1 (account 111111111111): column regions '["us-east-1"' is not a JSON array of regions; the row is skipped`,
    ],
    [
      { id: 'abc', name: 'x', role_arn: 'nope', regions: 'mars' },
      "row 1: column id 'abc' is not a 12-digit account id; column role_arn 'nope' is not an IAM role ARN; column regions has 'mars', not a region name such as eu-west-1; the row is skipped",
    ],
  ])('a malformed row is one problem naming the row and each bad column: %j', (row, message) => {
    const { accounts, problems } = parse([row, { id: '222222222222', name: 'good' }]);
    expect(accounts.map((a) => a.id)).toEqual(['222222222222']);
    expect(problems).toEqual([
      {
        code: 'HR_INVENTORY_ROW',
        source: 'cmdb',
        message,
        hint: 'correct the row in the CMDB (the other rows are used)',
      },
    ]);
  });

  it('skips a repeated account, naming the first row', () => {
    const { accounts, problems } = parse([
      { id: A, name: 'first' },
      { id: A, name: 'second' },
    ]);
    expect(accounts.map((a) => a.name)).toEqual(['first']);
    expect(problems.map((p) => p.message)).toEqual([
      'row 2 (account 111111111111): repeats the account of row 1; the row is skipped',
    ]);
  });

  it('never reads a column that looks like a credential, and names it once', () => {
    const { accounts, problems } = parseRows(
      'cmdb',
      {
        columns: ['id', 'name', 'aws_secret_access_key', 'SessionToken'],
        rows: [{ id: A, name: 'x', aws_secret_access_key: 'wJalrXUtnFEMI', SessionToken: 'tok' }],
      },
      // Even when the config points a column at one.
      { ...COLUMNS, roleArn: 'aws_secret_access_key', regions: 'SessionToken' },
    );
    expect(accounts).toEqual([{ id: A, name: 'x', roleArn: null, profile: null, regions: null }]);
    expect(problems).toEqual([
      {
        code: 'HR_INVENTORY_KEY_COLUMNS',
        source: 'cmdb',
        message:
          'the query returns aws_secret_access_key, SessionToken, which look like credentials: ignored, never read or stored',
        hint: 'select only the account id, name, role ARN and regions; headroom assumes the role instead',
      },
    ]);
    expect(JSON.stringify({ accounts, problems })).not.toMatch(/wJalr|tok'/);
  });

  it('cannot use a result without the id or name column', () => {
    expect(() => parse([], ['account_id', 'name'])).toThrow(RowsUnusableError);
    expect(() => parse([], ['account_id', 'name'])).toThrow(
      'the query returns no column id (it returns account_id, name)',
    );
  });

  it.each([
    ['aws_secret_access_key', true],
    ['AccessKeyId', true],
    ['password', true],
    ['session_token', true],
    ['credentials', true],
    ['role_arn', false],
    ['regions', false],
    ['account_name', false],
  ])('%s looks like a credential: %s', (column, expected) => {
    expect(isKeyLike(column)).toBe(expected);
  });
});
